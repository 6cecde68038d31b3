#pragma once
// Small 2D geometry in image pixel coordinates shared by the processing units:
// x = column, y = row, origin at the centre of the top-left pixel (as in Phantom.h).

#include <array>
#include <cstdint>
#include <vector>

#include "annulo/base/Vec.h"

namespace annulo {

inline constexpr double kPi = 3.14159265358979323846;

using Point2 = Vec2;  // x (column), y (row), pixels (base/Vec.h)

// Point arithmetic, for geometry code that composes points and displacements (the
// phantom's shapes). Point2 is the same type as render's Vec2 (std::array<double, 2>).
inline Point2 operator+(const Point2& a, const Point2& b) { return {a[0] + b[0], a[1] + b[1]}; }
inline Point2 operator-(const Point2& a, const Point2& b) { return {a[0] - b[0], a[1] - b[1]}; }
inline Point2 operator*(double s, const Point2& a) { return {s * a[0], s * a[1]}; }

// Displacement of a frame's content relative to the reference frame:
// frame(x, y) shows what the reference shows at (x - dx, y - dy).
struct Shift2 {
  double dx = 0, dy = 0;
};

// Half-open pixel box [x0, x1) x [y0, y1).
struct PixelBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
  std::size_t area() const { return empty() ? 0 : std::size_t(width()) * std::size_t(height()); }
};

// The box grown by `margin` pixels on each side, clipped to a w x h image.
PixelBox expandBox(const PixelBox& box, int margin, int width, int height);

// Signed area (positive when the vertices run clockwise on the image, y down).
double polygonArea(const std::vector<Point2>& polygon);
Point2 polygonCentroid(const std::vector<Point2>& polygon);
// Even-odd rule; a polygon needs three vertices.
bool pointInPolygon(const std::vector<Point2>& polygon, double x, double y);

// Marks (1) the pixels of `box` whose centres lie inside the polygon moved by `offset`.
// `out` has box.width() * box.height() bytes, row-major; pixels outside are set to 0.
// Scanline fill: one pass over the edges per row, so it is cheap enough per frame.
void rasterizePolygon(const std::vector<Point2>& polygon, Shift2 offset, const PixelBox& box, std::uint8_t* out);

// Image angle of a direction: 0 = up on the image, clockwise positive, in [0, 360).
double imageAngleDeg(double dx, double dy);
// Clock-face hour of an image angle (12 = up, 3 = image right).
int clockHour(double angleDeg);

}  // namespace annulo
