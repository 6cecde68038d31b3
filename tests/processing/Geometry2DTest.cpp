// Image-plane geometry conventions shared by the processing units.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "annulo/processing/Geometry2D.h"

namespace annulo {
namespace {

TEST(Geometry2D, AnglesAndClockFollowTheImage) {
  EXPECT_DOUBLE_EQ(imageAngleDeg(0, -1), 0.0);    // up
  EXPECT_DOUBLE_EQ(imageAngleDeg(1, 0), 90.0);    // image right
  EXPECT_DOUBLE_EQ(imageAngleDeg(0, 1), 180.0);   // down
  EXPECT_DOUBLE_EQ(imageAngleDeg(-1, 0), 270.0);  // left
  EXPECT_EQ(clockHour(0), 12);
  EXPECT_EQ(clockHour(90), 3);
  EXPECT_EQ(clockHour(119.5), 4);
  EXPECT_EQ(clockHour(63.7), 2);
  EXPECT_EQ(clockHour(-30), 11);
  EXPECT_EQ(clockHour(359), 12);
}

TEST(Geometry2D, RasterizedPolygonAgreesWithPointInPolygon) {
  const std::vector<Point2> star = {{10, 2},    {13, 9}, {20, 9}, {14, 13}, {17, 20},
                                    {10, 15.5}, {3, 20}, {6, 13}, {0, 9},   {7, 9}};
  const PixelBox box{-2, -1, 24, 23};
  for (const Shift2 offset : {Shift2{0, 0}, Shift2{0.37, -1.62}}) {
    std::vector<std::uint8_t> mask(box.area());
    rasterizePolygon(star, offset, box, mask.data());
    std::size_t inside = 0;
    for (int y = box.y0; y < box.y1; ++y)
      for (int x = box.x0; x < box.x1; ++x) {
        const bool expected = pointInPolygon(star, x - offset.dx, y - offset.dy);
        EXPECT_EQ(bool(mask[std::size_t((y - box.y0) * box.width() + (x - box.x0))]), expected) << x << "," << y;
        inside += expected;
      }
    EXPECT_NEAR(double(inside), std::abs(polygonArea(star)), 0.15 * std::abs(polygonArea(star)));
  }
}

TEST(Geometry2D, PolygonAreaAndCentroid) {
  const std::vector<Point2> square = {{0, 0}, {4, 0}, {4, 2}, {0, 2}};
  EXPECT_DOUBLE_EQ(std::abs(polygonArea(square)), 8.0);
  const Point2 c = polygonCentroid(square);
  EXPECT_DOUBLE_EQ(c[0], 2.0);
  EXPECT_DOUBLE_EQ(c[1], 1.0);
}

}  // namespace
}  // namespace annulo
