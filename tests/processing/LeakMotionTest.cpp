// Leak segmentation under larger patient motion (issue 11, part 2): slow drift through
// the mask frames and the injection plus a sudden jump, at several doses (noise scales)
// and sizes. Every case must meet the bounds at the last frame. Prints the table.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/LeakReport.h"
#include "annulo/processing/LeakSegmenter.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

struct MotionCase {
  std::uint32_t seed;
  int size, frames;
  double noise;        // quantum noise scale: 2 = a quarter of the default dose
  double driftPx;      // peak slow drift, pixels at this size
  double jumpPx;       // sudden shift
  int jumpFrame;       // 1-based, 0 = none
  int maskFrames = 0;  // contrast-free frames before the fill (0 = the phantom's default)
};

double angleDiff(double a, double b) {
  double d = std::fmod(std::abs(a - b), 360.0);
  return d > 180 ? 360 - d : d;
}

class LeakMotion : public ::testing::TestWithParam<MotionCase> {};

TEST_P(LeakMotion, MeetsTheBoundsAtTheLastFrame) {
  const MotionCase c = GetParam();
  test::TempDir dir;
  PhantomOptions o;
  o.seed = c.seed;
  o.xaSize = c.size;
  o.xaFrames = c.frames;
  o.noiseScale = c.noise;
  o.xaDriftPx = c.driftPx;
  o.xaJumpPx = c.jumpPx;
  o.xaJumpFrame = c.jumpFrame;
  o.xaMaskFrames = c.maskFrames;
  o.writeMr = false;
  auto t = writePhantom(o, dir.path().string());
  ASSERT_TRUE(t.ok()) << t.message();
  double peak = 0;
  for (const auto& m : t->xa.motion) peak = std::max(peak, std::hypot(m[0], m[1]));
  if (c.jumpFrame > 0) {
    const auto& a = t->xa.motion[std::size_t(c.jumpFrame - 2)];
    const auto& b = t->xa.motion[std::size_t(c.jumpFrame - 1)];
    EXPECT_GE(std::hypot(b[0] - a[0], b[1] - a[1]), c.jumpPx - 1.0) << "the phantom jumps as asked";
  }
  auto l = loadSeries((dir.path() / "xa").string());
  ASSERT_TRUE(l.ok() && l->series.size() == 1);
  LeakSegmentationOptions so;
  so.injectionPoint = t->xa.needleTip;
  auto r = segmentLeak(l->series[0], so);
  ASSERT_TRUE(r.ok()) << r.message();
  const XaTruth& x = t->xa;
  const auto mine = r->frameLabels(x.frames);
  const auto truth = phantomLabelMap(x, x.frames);
  const double dice = diceCoefficient(mine.data(), truth.data(), mine.size(), 2, 2);
  const double pixelArea = r->pixelAreaMm2();
  const double truthArea = double(std::count(truth.begin(), truth.end(), std::uint8_t(2))) * pixelArea;
  double worstDir = 0;
  for (const TearTruth& tear : x.tears) {
    double best = 180;
    for (const LeakPath& p : r->paths) best = std::min(best, angleDiff(p.directionDeg, tear.directionDeg));
    worstDir = std::max(worstDir, best);
  }
  const int onset = r->leakOnsetFrame.value_or(-99);
  std::printf(
      "MOTION seed %u size %d frames %d noise %.1f drift %.1f jump %.1f@%d peak %.1f px | dice %.3f onset %d/%d "
      "dir err %.1f deg area %.1f/%.1f mm2 (%+.0f%%) warnings %zu\n",
      c.seed, c.size, c.frames, c.noise, c.driftPx, c.jumpPx, c.jumpFrame, peak, dice, onset, x.leakOnsetFrame,
      worstDir, r->finalLeakAreaMm2, truthArea, 100 * (r->finalLeakAreaMm2 - truthArea) / std::max(1e-9, truthArea),
      r->warnings.size());
  for (const std::string& w : r->warnings) std::printf("  warning: %s\n", w.c_str());
  EXPECT_GE(dice, 0.85);
  EXPECT_LE(std::abs(onset - x.leakOnsetFrame), 1);
  EXPECT_LE(worstDir, 15.0);
  EXPECT_NEAR(r->finalLeakAreaMm2, truthArea, 0.3 * truthArea);
  // The estimated motion follows the truth (relative to the reference frame).
  const auto& ref = x.motion[std::size_t(r->referenceFrame - 1)];
  double worstMotion = 0;
  for (const LeakFrame& f : r->perFrame) {
    const auto& m = x.motion[std::size_t(f.frame - 1)];
    worstMotion = std::max(worstMotion, std::hypot(f.motion.dx - (m[0] - ref[0]), f.motion.dy - (m[1] - ref[1])));
  }
  EXPECT_LE(worstMotion, 0.5) << "worst motion error, pixels";
  // Registered well, so the residual-edge guard stays quiet.
  for (const LeakFrame& f : r->perFrame) EXPECT_FALSE(f.registrationSuspect) << "frame " << f.frame;
}

// The guard: the same drifting cine without motion correction leaves edges all over
// the subtraction; the result must say so instead of calling them an early leak.
TEST(LeakMotionGuard, UnfollowedMotionIsAWarningNotALeak) {
  test::TempDir dir;
  PhantomOptions o;
  o.seed = 4;
  o.xaSize = 512;
  o.xaFrames = 40;
  o.xaDriftPx = 7;
  o.xaJumpPx = 4;
  o.xaJumpFrame = 6;
  o.xaMaskFrames = 12;
  o.writeMr = false;
  auto t = writePhantom(o, dir.path().string());
  ASSERT_TRUE(t.ok()) << t.message();
  auto l = loadSeries((dir.path() / "xa").string());
  ASSERT_TRUE(l.ok() && l->series.size() == 1);
  LeakSegmentationOptions so;
  so.injectionPoint = t->xa.needleTip;
  so.motionCorrection = false;
  auto r = segmentLeak(l->series[0], so);
  ASSERT_TRUE(r.ok()) << r.message();
  int suspect = 0;
  for (const LeakFrame& f : r->perFrame) suspect += f.registrationSuspect;
  EXPECT_GT(suspect, 0);
  bool warned = false;
  for (const std::string& w : r->warnings) warned = warned || w.find("residual edges") != std::string::npos;
  EXPECT_TRUE(warned);
  // The CLI's JSON (annulo-cli segment) carries the flag and the count per frame.
  const nlohmann::json report = leakReportJson(*r, l->series[0]);
  ASSERT_EQ(report["per_frame"].size(), r->perFrame.size());
  for (std::size_t i = 0; i < r->perFrame.size(); ++i) {
    EXPECT_EQ(report["per_frame"][i]["registration_suspect"], r->perFrame[i].registrationSuspect) << i;
    EXPECT_EQ(report["per_frame"][i]["residual_edge_pixels"], r->perFrame[i].residualEdgePixels) << i;
  }
  // Known gap (see the note): frames after the jump here differ from the unaligned mask
  // only in the contrast's polarity and connected to the tip, so the guard does not
  // flag them and the onset still comes early; with motion correction on (the default)
  // the same cine is segmented within bounds (LeakMotion seed4_512px_drift7_jump4_mask12).
}

INSTANTIATE_TEST_SUITE_P(DriftJumpDose, LeakMotion,
                         ::testing::Values(MotionCase{1, 512, 24, 1.0, 8, 0, 0}, MotionCase{2, 512, 24, 1.0, 6, 4, 5},
                                           MotionCase{3, 512, 24, 2.0, 6, 4, 15}, MotionCase{5, 512, 24, 0.5, 10, 0, 0},
                                           MotionCase{6, 512, 32, 2.0, 7, 3, 3}, MotionCase{7, 512, 24, 1.0, 5, 5, 12},
                                           MotionCase{9, 256, 24, 1.0, 4, 2, 6}, MotionCase{12, 256, 24, 2.0, 5, 0, 0},
                                           // Long mask phases drifting and jumping before the contrast arrives.
                                           MotionCase{4, 512, 40, 1.0, 7, 4, 6, 12},
                                           MotionCase{8, 512, 40, 2.0, 10, 0, 0, 14},
                                           MotionCase{10, 512, 36, 1.5, 6, 5, 9, 10},
                                           // Larger cine: the capture range scales with the size.
                                           MotionCase{11, 1024, 24, 1.0, 16, 8, 10, 6}),
                         [](const auto& info) {
                           const MotionCase& c = info.param;
                           return "seed" + std::to_string(c.seed) + "_" + std::to_string(c.size) + "px_drift" +
                                  std::to_string(int(c.driftPx)) + "_jump" + std::to_string(int(c.jumpPx)) + "_mask" +
                                  std::to_string(c.maskFrames);
                         });

}  // namespace
}  // namespace annulo
