#pragma once
// Surfaces of a label map (the leak segmentation, a loaded SEG) for the 3D view.
// The map is cropped to the label's bounding box before contouring: a leak
// occupies a few percent of a 1024^2 x 120 cine, and discrete flying edges over
// the whole grid would cost ~10x more for the same triangles.

#include <vtkSmartPointer.h>

#include <array>
#include <cstdint>

class vtkPolyData;

namespace annulo {

// Labels as the viewer holds them: columns x rows x slices bytes, column fastest.
struct LabelGrid {
  const std::uint8_t* labels = nullptr;
  int columns = 0, rows = 0, slices = 0;
  std::array<double, 3> spacing{1, 1, 1};  // world units per voxel step (x, y, z)
};

struct VoxelBox {
  std::array<int, 3> lo{0, 0, 0}, hi{-1, -1, -1};  // inclusive; empty when hi < lo
  bool empty() const { return hi[0] < lo[0]; }
  std::size_t voxels() const;
};

// Voxels equal to label, and their bounding box.
VoxelBox labelBounds(const LabelGrid& grid, std::uint8_t label, std::size_t* count = nullptr);

// The label's voxel nearest to the centroid of its voxels: a point that lies inside
// the label even when the shape is not convex (a leak path bending out of the disc).
std::array<double, 3> labelAnchor(const LabelGrid& grid, std::uint8_t label, const VoxelBox& box);

// Closed, smoothed triangle surface around the voxels equal to label, with point
// normals, in world coordinates (voxel index x spacing; voxel centres at integers).
// Empty polydata when the label is absent. smoothing = windowed-sinc iterations, 0 = none.
vtkSmartPointer<vtkPolyData> labelSurface(const LabelGrid& grid, std::uint8_t label, int smoothing = 12);
// The same with the label's box already known (labelBounds): the grid is not scanned again.
vtkSmartPointer<vtkPolyData> labelSurface(const LabelGrid& grid, std::uint8_t label, const VoxelBox& box,
                                          int smoothing = 12);

}  // namespace annulo
