#pragma once
// A float plane covering a box of an image: the working format of the processing
// units (opacity, differences, backgrounds). Coordinates are full-image pixels;
// (x0, y0) is the image position of values[0].

#include <algorithm>
#include <cmath>
#include <vector>

#include "annulo/processing/Geometry2D.h"

namespace annulo {

struct FloatImage {
  int x0 = 0, y0 = 0, width = 0, height = 0;
  std::vector<float> values;

  FloatImage() = default;
  explicit FloatImage(const PixelBox& box, float fill = 0.0f)
      : x0(box.x0), y0(box.y0), width(box.width()), height(box.height()), values(box.area(), fill) {}

  PixelBox box() const { return {x0, y0, x0 + width, y0 + height}; }
  bool empty() const { return values.empty(); }
  // Full-image coordinates; the caller keeps them inside box().
  float& at(int x, int y) { return values[std::size_t(y - y0) * std::size_t(width) + std::size_t(x - x0)]; }
  float at(int x, int y) const { return values[std::size_t(y - y0) * std::size_t(width) + std::size_t(x - x0)]; }

  // Bilinear sample at a full-image position, clamped to the box edge.
  float sample(double x, double y) const {
    const double fx = std::min(std::max(x - x0, 0.0), double(width - 1));
    const double fy = std::min(std::max(y - y0, 0.0), double(height - 1));
    const int ix = std::min(int(fx), width - 2 < 0 ? 0 : width - 2);
    const int iy = std::min(int(fy), height - 2 < 0 ? 0 : height - 2);
    const float wx = float(fx - ix), wy = float(fy - iy);
    const float* p = &values[std::size_t(iy) * std::size_t(width) + std::size_t(ix)];
    const std::size_t right = width > 1 ? 1 : 0, down = height > 1 ? std::size_t(width) : 0;
    const float top = p[0] + wx * (p[right] - p[0]);
    const float bottom = p[down] + wx * (p[down + right] - p[down]);
    return top + wy * (bottom - top);
  }
};

}  // namespace annulo
