#include "annulo/processing/Geometry2D.h"

#include <algorithm>
#include <cmath>

namespace annulo {

namespace {}

PixelBox expandBox(const PixelBox& box, int margin, int width, int height) {
  return {std::max(0, box.x0 - margin), std::max(0, box.y0 - margin), std::min(width, box.x1 + margin),
          std::min(height, box.y1 + margin)};
}

double polygonArea(const std::vector<Point2>& p) {
  double twice = 0;
  for (std::size_t i = 0, n = p.size(); i < n; ++i) {
    const Point2& a = p[i];
    const Point2& b = p[(i + 1) % n];
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return 0.5 * twice;
}

Point2 polygonCentroid(const std::vector<Point2>& p) {
  const double area = polygonArea(p);
  if (std::abs(area) < 1e-12) {
    // Degenerate: fall back to the vertex mean so callers still get a point.
    Point2 mean{0, 0};
    for (const Point2& v : p) mean = {mean[0] + v[0], mean[1] + v[1]};
    if (!p.empty()) mean = {mean[0] / double(p.size()), mean[1] / double(p.size())};
    return mean;
  }
  double cx = 0, cy = 0;
  for (std::size_t i = 0, n = p.size(); i < n; ++i) {
    const Point2& a = p[i];
    const Point2& b = p[(i + 1) % n];
    const double cross = a[0] * b[1] - b[0] * a[1];
    cx += (a[0] + b[0]) * cross;
    cy += (a[1] + b[1]) * cross;
  }
  return {cx / (6 * area), cy / (6 * area)};
}

bool pointInPolygon(const std::vector<Point2>& p, double x, double y) {
  bool inside = false;
  for (std::size_t i = 0, n = p.size(), j = n - 1; i < n; j = i++) {
    const double yi = p[i][1], yj = p[j][1];
    if ((yi > y) != (yj > y)) {
      const double xc = p[j][0] + (y - yj) * (p[i][0] - p[j][0]) / (yi - yj);
      if (x < xc) inside = !inside;
    }
  }
  return inside;
}

void rasterizePolygon(const std::vector<Point2>& polygon, Shift2 offset, const PixelBox& box, std::uint8_t* out) {
  const int w = box.width(), h = box.height();
  if (w <= 0 || h <= 0) return;
  std::fill(out, out + std::size_t(w) * std::size_t(h), std::uint8_t(0));
  const std::size_t n = polygon.size();
  if (n < 3) return;
  std::vector<double> crossings;
  crossings.reserve(16);
  for (int row = 0; row < h; ++row) {
    const double y = box.y0 + row;
    crossings.clear();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const double yi = polygon[i][1] + offset.dy, yj = polygon[j][1] + offset.dy;
      // Half-open rule on y: a vertex exactly on the scanline is counted once.
      if ((yi > y) != (yj > y)) {
        const double xi = polygon[i][0] + offset.dx, xj = polygon[j][0] + offset.dx;
        crossings.push_back(xj + (y - yj) * (xi - xj) / (yi - yj));
      }
    }
    std::sort(crossings.begin(), crossings.end());
    std::uint8_t* line = out + std::size_t(row) * std::size_t(w);
    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
      // Pixel centres x with crossings[k] <= x < crossings[k+1], as pointInPolygon decides.
      const int xa = std::max(box.x0, int(std::ceil(crossings[k])));
      const int xb = std::min(box.x1 - 1, int(std::ceil(crossings[k + 1])) - 1);
      for (int x = xa; x <= xb; ++x) line[x - box.x0] = 1;
    }
  }
}

double imageAngleDeg(double dx, double dy) {
  // atan2 of (right, up): 0 = up, 90 = right, clockwise on screen because y grows down.
  double deg = std::atan2(dx, -dy) * 180.0 / kPi;
  if (deg < 0) deg += 360.0;
  return deg >= 360.0 ? deg - 360.0 : deg;
}

int clockHour(double angleDeg) {
  const double wrapped = std::fmod(std::fmod(angleDeg, 360.0) + 360.0, 360.0);
  const int hour = static_cast<int>(std::lround(wrapped / 30.0)) % 12;
  return hour == 0 ? 12 : hour;
}

}  // namespace annulo
