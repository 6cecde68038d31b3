// The estimated disc outline against the phantom's true disc ellipse, and user outlines.

#include <gtest/gtest.h>

#include <cmath>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/DiscOutline.h"
#include "annulo/processing/LeakSegmenter.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

// Distance from a point to the ellipse boundary along the ray from its centre, in pixels.
double radialError(const XaTruth& t, const Point2& p) {
  const double u = (p[0] - t.discCenter[0]) / t.discRadiusX, v = (p[1] - t.discCenter[1]) / t.discRadiusY;
  const double k = std::sqrt(u * u + v * v);
  const double r = std::hypot(p[0] - t.discCenter[0], p[1] - t.discCenter[1]);
  return r - r / k;
}

TEST(DiscOutline, EstimateFollowsTheTrueDiscWhereLeaksExit) {
  for (const std::uint32_t seed : {2u, 4u, 10u}) {
    PhantomOptions o;
    o.seed = seed;
    o.noiseScale = 1.5;
    o.xaSize = 256;
    o.xaFrames = 24;
    o.writeMr = false;
    test::TempDir dir;
    auto t = writePhantom(o, dir.path().string());
    ASSERT_TRUE(t.ok());
    auto l = loadSeries((dir.path() / "xa").string());
    ASSERT_TRUE(l.ok() && l->series.size() == 1);
    LeakSegmentationOptions so;
    so.injectionPoint = t->xa.needleTip;
    auto r = segmentLeak(l->series[0], so);
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_TRUE(r->discOutlineEstimated);
    EXPECT_NE(r->discOutlineMethod.find("estimated"), std::string::npos);
    // The posterior third of the disc (image right), where the tears exit: within 1.5 px.
    double worst = 0, sum = 0;
    int n = 0;
    for (const Point2& p : r->discOutline) {
      if (p[0] < t->xa.discCenter[0] + 0.66 * t->xa.discRadiusX) continue;
      const double e = std::abs(radialError(t->xa, p));
      worst = std::max(worst, e);
      sum += e, ++n;
    }
    ASSERT_GT(n, 10);
    EXPECT_LT(sum / n, 1.0) << "seed " << seed;
    EXPECT_LT(worst, 2.5) << "seed " << seed;
    // The centre lands inside the true disc.
    EXPECT_LT(std::abs(radialError(t->xa, r->discCentre)), std::hypot(t->xa.discRadiusX, t->xa.discRadiusY));
  }
}

TEST(DiscOutline, RefusesBackgroundWithoutMargins) {
  DiscBackground flat;
  flat.opacity = FloatImage(PixelBox{0, 0, 64, 64}, 1.0f);
  auto r = estimateDiscOutline(flat, {32, 32});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("no disc margin"), std::string::npos) << r.message();
  EXPECT_FALSE(estimateDiscOutline(flat, {100, 32}).ok());
}

TEST(DiscOutline, SyntheticEllipseWithANeedleAcrossIt) {
  // A disc (+0.12 opacity) between two dense bodies, with a needle (+2.2) from the centre.
  DiscBackground bg;
  bg.opacity = FloatImage(PixelBox{0, 0, 160, 100});
  const double cx = 80, cy = 50, rx = 40, ry = 10;
  for (int y = 0; y < 100; ++y)
    for (int x = 0; x < 160; ++x) {
      float v = 0.3f;
      const double u = (x - cx) / rx, w = (y - cy) / ry;
      if (u * u + w * w <= 1) v += 0.12f;
      if (std::abs(y - cy) > 0.96 * ry && std::abs(x - cx) < 1.04 * rx) v += 0.6f;
      // needle: up and right at 40 degrees from the centre
      const double along = (x - cx) * 0.766 - (y - cy) * 0.643, across = (x - cx) * 0.643 + (y - cy) * 0.766;
      if (along > 0 && std::abs(across) < 1.0) v += 2.2f;
      bg.opacity.at(x, y) = v;
    }
  DiscOutlineOptions o;
  o.needleExcess = 0.7;
  auto r = estimateDiscOutline(bg, {cx, cy}, o);
  ASSERT_TRUE(r.ok()) << r.message();
  // Poles within a pixel, whatever the needle does near the origin.
  double rightmost = 0, leftmost = 1e9;
  for (const Point2& p : r->polygon) rightmost = std::max(rightmost, p[0]), leftmost = std::min(leftmost, p[0]);
  EXPECT_NEAR(rightmost, cx + rx, 1.5);
  EXPECT_NEAR(leftmost, cx - rx, 1.5);
  EXPECT_GT(r->edgeFraction, 0.8);
}

TEST(DiscOutline, ValidatesUserPolygons) {
  EXPECT_FALSE(validateOutline({}).ok());
  EXPECT_FALSE(validateOutline({{0, 0}, {1, 1}}).ok());
  EXPECT_FALSE(validateOutline({{0, 0}, {1, 1}, {2, 2}}).ok());
  EXPECT_FALSE(validateOutline({{0, 0}, {10, 0}, {std::nan(""), 5}}).ok());
  EXPECT_TRUE(validateOutline({{0, 0}, {10, 0}, {10, 5}}).ok());
}

}  // namespace
}  // namespace annulo
