#pragma once
// How much the 3D view averages a large volume before ray casting it on the CPU
// (issue 20 #5). The ray caster keeps its input and, with shading, 3 bytes of
// gradient per voxel of it. Two budgets:
// - speed: at most 32 M voxels (the CPU ray caster drops below 10 fps above it);
// - memory, for series over 512 MiB of pixels: that copy (voxels x (bytes per
//   sample + 3)) at most 3 % of the pixel bytes, so the viewer stays within 1.2x
//   the pixels in 3D (measured: 2D is 1.14x on a 1.26 GB cine, the rest of the 3D
//   view ~37 MiB).
// A 1024^2 x 120 16-bit cine (240 MiB) goes 2x2 in plane (31.5 M voxels); a
// 1024^2 x 600 one (1.2 GiB) 4x4 in plane and 8 along the frames (4.9 M voxels,
// 24 MB).

#include <cstddef>

namespace annulo {

struct VolumeReduction {
  int inPlane = 1;  // columns and rows averaged in blocks of inPlane
  int depth = 1;    // slices (frames) averaged in blocks of depth
  bool reduced() const { return inPlane > 1 || depth > 1; }
};

struct VolumeBudget {
  double voxels = 32e6;
  double largeSeriesBytes = 512.0 * 1024 * 1024;  // the memory budget applies above this
  double copyFraction = 0.03;                     // of the pixel bytes
  int gradientBytes = 3;                          // per voxel when shaded
};

// In-plane first (2, then 4: the view is smaller than the image anyway), then
// along the slices, doubling until the averaged volume fits both budgets.
VolumeReduction volumeReductionFor(std::size_t columns, std::size_t rows, std::size_t slices,
                                   std::size_t bytesPerSample, const VolumeBudget& budget = {});

}  // namespace annulo
