#include "annulo/render/VolumeReduction.h"

#include <algorithm>

namespace annulo {

VolumeReduction volumeReductionFor(std::size_t columns, std::size_t rows, std::size_t slices,
                                   std::size_t bytesPerSample, const VolumeBudget& budget) {
  const double pixelBytes = double(columns) * double(rows) * double(slices) * double(bytesPerSample);
  double maxVoxels = budget.voxels;
  if (pixelBytes > budget.largeSeriesBytes)
    maxVoxels = std::min(maxVoxels, budget.copyFraction * pixelBytes / double(bytesPerSample + budget.gradientBytes));
  VolumeReduction r;
  // Voxels once averaged (a partial block at the edge still makes a voxel).
  auto voxels = [&](const VolumeReduction& v) {
    auto blocks = [](std::size_t n, int f) { return double((n + std::size_t(f) - 1) / std::size_t(f)); };
    return blocks(columns, v.inPlane) * blocks(rows, v.inPlane) * blocks(slices, v.depth);
  };
  while (voxels(r) > maxVoxels) {
    if (r.inPlane < 4 && columns / std::size_t(r.inPlane) > 1)
      r.inPlane *= 2;
    else if (slices / std::size_t(r.depth) > 1)
      r.depth *= 2;
    else if (columns / std::size_t(r.inPlane) > 1 || rows / std::size_t(r.inPlane) > 1)
      r.inPlane *= 2;  // a huge single slice
    else
      break;
  }
  return r;
}

}  // namespace annulo
