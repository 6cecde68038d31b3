// Leak paths, onset and overlap on masks built in code, where the answer is known exactly.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "annulo/processing/Geometry2D.h"
#include "annulo/processing/LeakMetrics.h"

namespace annulo {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Masks {
  PixelBox box{0, 0, 120, 100};
  std::vector<std::uint8_t> leak = std::vector<std::uint8_t>(12000, 0);
  std::vector<std::uint8_t> disc = std::vector<std::uint8_t>(12000, 0);
  void setDisc(int x1) {  // disc = everything left of column x1
    for (int y = 0; y < 100; ++y)
      for (int x = 0; x < x1; ++x) disc[std::size_t(y * 120 + x)] = 1;
  }
  // A straight capsule from (x0, y0) in image direction `deg` (0 = up, clockwise).
  void capsule(double x0, double y0, double deg, double length, double radius) {
    const double ux = std::sin(deg * kPi / 180), uy = -std::cos(deg * kPi / 180);
    for (int y = 0; y < 100; ++y)
      for (int x = 0; x < 120; ++x) {
        const double t = std::max(0.0, std::min(length, (x - x0) * ux + (y - y0) * uy));
        const double dx = x - (x0 + t * ux), dy = y - (y0 + t * uy);
        if (dx * dx + dy * dy <= radius * radius && !disc[std::size_t(y * 120 + x)]) leak[std::size_t(y * 120 + x)] = 1;
      }
  }
};

double angleDiff(double a, double b) {
  double d = std::fmod(std::abs(a - b), 360.0);
  return d > 180 ? 360 - d : d;
}

TEST(LeakMetrics, StraightLeakIsOnePathWithItsDirectionAndExit) {
  Masks m;
  m.setDisc(40);
  m.capsule(38, 50, 110, 40, 2.5);  // starts just inside the disc, heads right and down
  const auto paths = findLeakPaths(m.leak.data(), m.disc.data(), m.box, {20, 50});
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_LE(angleDiff(paths[0].directionDeg, 110), 4.0) << paths[0].directionDeg;
  EXPECT_EQ(paths[0].clock, 4);
  EXPECT_NEAR(paths[0].exitPoint[0], 40, 1.0);
  EXPECT_NEAR(paths[0].exitPoint[1], 50.7, 1.5);  // where the axis crosses x = 40
  EXPECT_EQ(paths[0].exitClock, 3);               // right of the disc centre
  EXPECT_NEAR(paths[0].lengthPx, 40 / std::sin(110 * kPi / 180) - 2 + 2.5, 4.0);
}

TEST(LeakMetrics, DivergingLeaksFromNearbyExitsAreTwoPaths) {
  Masks m;
  m.setDisc(40);
  m.capsule(38, 46, 60, 45, 2.5);
  m.capsule(38, 53, 120, 45, 2.5);  // exits 7 px apart: the bases touch
  const auto paths = findLeakPaths(m.leak.data(), m.disc.data(), m.box, {20, 50});
  ASSERT_EQ(paths.size(), 2u);
  std::vector<double> dirs = {paths[0].directionDeg, paths[1].directionDeg};
  std::sort(dirs.begin(), dirs.end());
  EXPECT_LE(angleDiff(dirs[0], 60), 5.0) << dirs[0];
  EXPECT_LE(angleDiff(dirs[1], 120), 5.0) << dirs[1];
}

TEST(LeakMetrics, ASideBulgeIsNotASecondPath) {
  Masks m;
  m.setDisc(40);
  m.capsule(38, 50, 90, 40, 2.5);
  m.capsule(50, 50, 180, 4, 2.5);  // a short stub off the side
  const auto paths = findLeakPaths(m.leak.data(), m.disc.data(), m.box, {20, 50});
  EXPECT_EQ(paths.size(), 1u);
}

TEST(LeakMetrics, SpecksOnTheBoundaryAreNotPaths) {
  Masks m;
  m.setDisc(40);
  m.leak[std::size_t(50 * 120 + 40)] = 1;
  m.leak[std::size_t(50 * 120 + 41)] = 1;
  EXPECT_TRUE(findLeakPaths(m.leak.data(), m.disc.data(), m.box, {20, 50}).empty());
}

TEST(LeakMetrics, OnsetNeedsAPersistingLeak) {
  // A one-frame blip at index 3 is not the onset; the leak from index 6 on is.
  const std::vector<std::size_t> counts = {0, 0, 0, 9, 0, 1, 8, 10, 14, 20};
  auto onset = leakOnsetIndex(counts, 5, 2);
  ASSERT_TRUE(onset.has_value());
  EXPECT_EQ(*onset, 6);
  EXPECT_FALSE(leakOnsetIndex({0, 0, 4, 4, 4}, 5, 2).has_value());
  // At the very end of the cine fewer following frames exist; those that do must agree.
  EXPECT_EQ(leakOnsetIndex({0, 0, 0, 0, 7}, 5, 2), std::optional<int>(4));
}

TEST(LeakMetrics, DiceOfKnownOverlaps) {
  const std::vector<std::uint8_t> a = {2, 2, 2, 2, 0, 0, 1, 1};
  const std::vector<std::uint8_t> b = {2, 2, 0, 0, 2, 2, 1, 0};
  EXPECT_DOUBLE_EQ(diceCoefficient(a.data(), b.data(), a.size(), 2, 2), 0.5);
  EXPECT_DOUBLE_EQ(diceCoefficient(a.data(), b.data(), a.size(), 1, 1), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(diceCoefficient(a.data(), a.data(), a.size(), 5, 5), 1.0);  // both empty
}

}  // namespace
}  // namespace annulo
