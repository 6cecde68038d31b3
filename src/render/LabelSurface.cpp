#include "annulo/render/LabelSurface.h"

#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPolyData.h>
#include <vtkPolyDataNormals.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include <algorithm>
#include <cstring>

namespace annulo {

std::size_t VoxelBox::voxels() const {
  if (empty()) return 0;
  return std::size_t(hi[0] - lo[0] + 1) * std::size_t(hi[1] - lo[1] + 1) * std::size_t(hi[2] - lo[2] + 1);
}

VoxelBox labelBounds(const LabelGrid& g, std::uint8_t label, std::size_t* count) {
  VoxelBox box;
  box.lo = {g.columns, g.rows, g.slices};
  box.hi = {-1, -1, -1};
  std::size_t n = 0;
  const std::uint8_t* p = g.labels;
  for (int z = 0; z < g.slices; ++z)
    for (int y = 0; y < g.rows; ++y, p += g.columns) {
      // Rows without the label are the common case: memchr skips them fast.
      const void* first = std::memchr(p, label, std::size_t(g.columns));
      if (!first) continue;
      int x0 = int(static_cast<const std::uint8_t*>(first) - p), x1 = x0;
      for (int x = x0; x < g.columns; ++x)
        if (p[x] == label) {
          x1 = x;
          ++n;
        }
      box.lo = {std::min(box.lo[0], x0), std::min(box.lo[1], y), std::min(box.lo[2], z)};
      box.hi = {std::max(box.hi[0], x1), std::max(box.hi[1], y), std::max(box.hi[2], z)};
    }
  if (n == 0) box = VoxelBox{};
  if (count) *count = n;
  return box;
}

namespace {

template <typename Visit>
void forEachLabelVoxel(const LabelGrid& g, std::uint8_t label, const VoxelBox& box, Visit visit) {
  for (int z = box.lo[2]; z <= box.hi[2]; ++z)
    for (int y = box.lo[1]; y <= box.hi[1]; ++y) {
      const std::uint8_t* row =
          g.labels + (std::size_t(z) * std::size_t(g.rows) + std::size_t(y)) * std::size_t(g.columns);
      for (int x = box.lo[0]; x <= box.hi[0]; ++x)
        if (row[x] == label) visit(x, y, z);
    }
}

}  // namespace

std::array<double, 3> labelAnchor(const LabelGrid& g, std::uint8_t label, const VoxelBox& box) {
  if (box.empty() || !g.labels) return {0, 0, 0};
  double sum[3] = {0, 0, 0};
  std::size_t n = 0;
  forEachLabelVoxel(g, label, box, [&](int x, int y, int z) {
    sum[0] += x;
    sum[1] += y;
    sum[2] += z;
    ++n;
  });
  const double c[3] = {sum[0] / double(n), sum[1] / double(n), sum[2] / double(n)};
  std::array<double, 3> best{0, 0, 0};
  double bestD = 1e300;
  forEachLabelVoxel(g, label, box, [&](int x, int y, int z) {
    // Distances in world units, so a thick-sliced stack does not favour one axis.
    const double dx = (x - c[0]) * g.spacing[0], dy = (y - c[1]) * g.spacing[1], dz = (z - c[2]) * g.spacing[2];
    const double d = dx * dx + dy * dy + dz * dz;
    if (d < bestD) {
      bestD = d;
      best = {double(x), double(y), double(z)};
    }
  });
  return best;
}

namespace {

// The label's box plus one background voxel on every side, so the surface closes
// even where the label touches the grid's edge (first or last frame of a cine).
vtkSmartPointer<vtkImageData> croppedMask(const LabelGrid& g, std::uint8_t label, const VoxelBox& box) {
  const int nx = box.hi[0] - box.lo[0] + 3, ny = box.hi[1] - box.lo[1] + 3, nz = box.hi[2] - box.lo[2] + 3;
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(nx, ny, nz);
  image->SetSpacing(g.spacing[0], g.spacing[1], g.spacing[2]);
  image->SetOrigin((box.lo[0] - 1) * g.spacing[0], (box.lo[1] - 1) * g.spacing[1], (box.lo[2] - 1) * g.spacing[2]);
  image->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
  auto* out = static_cast<std::uint8_t*>(image->GetScalarPointer());
  std::memset(out, 0, std::size_t(nx) * std::size_t(ny) * std::size_t(nz));
  for (int z = box.lo[2]; z <= box.hi[2]; ++z)
    for (int y = box.lo[1]; y <= box.hi[1]; ++y) {
      const std::uint8_t* src =
          g.labels + (std::size_t(z) * std::size_t(g.rows) + std::size_t(y)) * std::size_t(g.columns);
      std::uint8_t* dst =
          out +
          ((std::size_t(z - box.lo[2] + 1) * std::size_t(ny)) + std::size_t(y - box.lo[1] + 1)) * std::size_t(nx) + 1;
      for (int x = box.lo[0]; x <= box.hi[0]; ++x) dst[x - box.lo[0]] = src[x] == label ? 1 : 0;
    }
  return image;
}

}  // namespace

vtkSmartPointer<vtkPolyData> labelSurface(const LabelGrid& g, std::uint8_t label, int smoothing) {
  return labelSurface(g, label, g.labels ? labelBounds(g, label) : VoxelBox{}, smoothing);
}

vtkSmartPointer<vtkPolyData> labelSurface(const LabelGrid& g, std::uint8_t label, const VoxelBox& box, int smoothing) {
  if (box.empty() || !g.labels) return vtkSmartPointer<vtkPolyData>::New();
  vtkNew<vtkDiscreteFlyingEdges3D> contour;
  contour->SetInputData(croppedMask(g, label, box));
  contour->SetValue(0, 1);
  contour->ComputeNormalsOff();  // recomputed after smoothing
  contour->ComputeGradientsOff();
  contour->ComputeScalarsOff();
  vtkAlgorithmOutput* surface = contour->GetOutputPort();
  vtkNew<vtkWindowedSincPolyDataFilter> smooth;
  if (smoothing > 0) {
    // Removes the voxel staircase without shrinking the shape (a low-pass filter,
    // unlike Laplacian smoothing); normalised coordinates keep it stable.
    smooth->SetInputConnection(surface);
    smooth->SetNumberOfIterations(smoothing);
    smooth->SetPassBand(0.1);
    smooth->BoundarySmoothingOff();
    smooth->FeatureEdgeSmoothingOff();
    smooth->NonManifoldSmoothingOn();
    smooth->NormalizeCoordinatesOn();
    surface = smooth->GetOutputPort();
  }
  vtkNew<vtkPolyDataNormals> normals;
  normals->SetInputConnection(surface);
  normals->SplittingOff();
  normals->ConsistencyOn();
  normals->Update();
  auto out = vtkSmartPointer<vtkPolyData>::New();
  out->ShallowCopy(normals->GetOutput());
  return out;
}

}  // namespace annulo
