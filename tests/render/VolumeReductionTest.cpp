#include <gtest/gtest.h>

#include "annulo/render/VolumeReduction.h"

namespace annulo {
namespace {

double reducedVoxels(std::size_t c, std::size_t r, std::size_t s, VolumeReduction v) {
  return double((c + v.inPlane - 1) / v.inPlane) * double((r + v.inPlane - 1) / v.inPlane) *
         double((s + v.depth - 1) / v.depth);
}

TEST(VolumeReduction, SmallVolumesAreRenderedWhole) {
  EXPECT_FALSE(volumeReductionFor(512, 512, 120, 2).reduced());  // 31.5 M voxels
  EXPECT_FALSE(volumeReductionFor(256, 256, 300, 2).reduced());
}

TEST(VolumeReduction, TheUsualCineIsHalvedInPlaneOnly) {
  const VolumeReduction v = volumeReductionFor(1024, 1024, 120, 2);
  EXPECT_EQ(v.inPlane, 2);
  EXPECT_EQ(v.depth, 1);
}

// 1024^2 x 600 x 16 bit = 1.26 GB of pixels: 2x2 in plane alone would leave 157 M
// voxels (315 MB + 472 MB of shading gradients in the ray caster, the 1.76x of issue 20).
TEST(VolumeReduction, ALongCineIsAveragedAlongItsFramesSoTheCopyStaysWithinThreePercent) {
  const VolumeReduction v = volumeReductionFor(1024, 1024, 600, 2);
  EXPECT_EQ(v.inPlane, 4);
  EXPECT_GE(v.depth, 2);
  const double pixelBytes = 1024.0 * 1024 * 600 * 2;
  EXPECT_LE(reducedVoxels(1024, 1024, 600, v) * (2 + 3), 0.03 * pixelBytes);
  for (std::size_t frames : {121u, 300u, 1000u, 4000u}) {
    const VolumeReduction r = volumeReductionFor(1024, 1024, frames, 2);
    const double copy = reducedVoxels(1024, 1024, frames, r) * 5;
    EXPECT_LE(reducedVoxels(1024, 1024, frames, r), 32e6) << frames << " frames";
    if (1024.0 * 1024 * double(frames) * 2 > 512.0 * 1024 * 1024)
      EXPECT_LE(copy, 0.03 * 1024.0 * 1024 * double(frames) * 2) << frames << " frames";
  }
}

TEST(VolumeReduction, AHugeSingleSliceStillFitsTheBudget) {
  const VolumeReduction v = volumeReductionFor(20000, 20000, 1, 1);
  EXPECT_EQ(v.depth, 1);
  EXPECT_LE(reducedVoxels(20000, 20000, 1, v), 32e6);
  EXPECT_GT(reducedVoxels(20000, 20000, 1, v), 8e6) << "no more reduced than needed";
}

}  // namespace
}  // namespace annulo
