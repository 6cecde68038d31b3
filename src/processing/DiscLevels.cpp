#include "annulo/processing/DiscLevels.h"

#include <algorithm>
#include <cmath>

namespace annulo {

namespace {

constexpr double kDeg = 3.14159265358979323846 / 180.0;
const char* const kLevels[] = {"L5-S1", "L4-L5", "L3-L4", "L2-L3", "L1-L2", "T12-L1", "T11-T12", "T10-T11"};

Point2 rotate(Point2 v, double radians) {
  const double c = std::cos(radians), s = std::sin(radians);
  return {c * v[0] - s * v[1], s * v[0] + c * v[1]};
}

class Walker {
 public:
  explicit Walker(const SpinePlane& p) : p_(p), mm_(1.0 / p.pixelMm) {}

  bool inside(Point2 q, double marginMm) const {
    const double m = marginMm * mm_;
    return q[0] >= m && q[1] >= m && q[0] <= p_.width - 1 - m && q[1] <= p_.height - 1 - m;
  }
  double sample(Point2 q) const {
    const double x = std::clamp(q[0], 0.0, double(p_.width - 1)), y = std::clamp(q[1], 0.0, double(p_.height - 1));
    const int ix = std::min(int(x), p_.width - 2), iy = std::min(int(y), p_.height - 2);
    const double fx = x - ix, fy = y - iy;
    const float* v = p_.values + std::size_t(iy) * std::size_t(p_.width) + std::size_t(ix);
    return (1 - fy) * ((1 - fx) * v[0] + fx * v[1]) + fy * ((1 - fx) * v[p_.width] + fx * v[p_.width + 1]);
  }
  // Mean along a bar across the spine (direction `across`), +-halfMm around q.
  double bar(Point2 q, Point2 across, double halfMm) const {
    double sum = 0;
    int n = 0;
    for (double s = -halfMm; s <= halfMm; s += 1.0) {
      sum += sample(q + (s * mm_) * across);
      ++n;
    }
    return sum / n;
  }
  // Relative difference of the band at q from the bone 10 mm above and below it.
  double bandContrast(Point2 q, Point2 along) const {
    const Point2 across{along[1], -along[0]};
    const double body = 0.5 * (bar(q + (10 * mm_) * along, across, 9) + bar(q - (10 * mm_) * along, across, 9));
    return (bar(q, across, 9) - body) / std::max(1e-6, std::abs(body));
  }
  // Height (mm) of the band at q along the spine: where it stays over half its contrast.
  double bandHeightMm(Point2 q, Point2 along, double contrast) const {
    const Point2 across{along[1], -along[0]};
    const double body = 0.5 * (bar(q + (10 * mm_) * along, across, 9) + bar(q - (10 * mm_) * along, across, 9));
    double height = 0;
    for (int side : {-1, 1})
      for (double s = 0.5; s < 12; s += 0.5) {
        const double v = (bar(q + (side * s * mm_) * along, across, 7) - body) / std::max(1e-6, std::abs(body));
        if (v * contrast < 0.5 * contrast * contrast) break;
        height += 0.5;
      }
    return height;
  }
  // Tilt of the disc band through q: the spine direction (near `along`) across which
  // the band differs most from the bone.
  Point2 discAxis(Point2 q, Point2 along) const {
    Point2 best = along;
    double bestC = -1;
    for (double a = -30; a <= 30; a += 5) {
      const Point2 d = rotate(along, a * kDeg);
      const double c = std::abs(bandContrast(q, d));
      if (c > bestC) bestC = c, best = d;
    }
    return best;
  }
  double mmScale() const { return mm_; }

 private:
  const SpinePlane& p_;
  double mm_;  // pixels per mm
};

}  // namespace

DiscLevel discLevelAt(const SpinePlane& plane, Point2 discPoint) {
  DiscLevel out;
  const Walker w(plane);
  const double mm = w.mmScale();
  Point2 q = discPoint;
  Point2 along = w.discAxis(q, plane.inferior);
  // Re-centre on the band along the spine (the point may sit off the disc's mid height).
  constexpr double kMinContrast = 0.12, kMinBrightDisc = 0.4;
  int below = 0;
  bool sacrum = false, fieldEnds = false;
  for (int hop = 0; hop < 8; ++hop) {
    double bestC = 0, bestK = 0, bestA = 0;
    for (double a = -20; a <= 20; a += 5) {
      const Point2 d = rotate(along, a * kDeg);
      for (double k = 18; k <= 46; k += 1.0) {
        const Point2 r = q + (k * mm) * d;
        if (!w.inside(r, 3)) break;
        const double c = w.bandContrast(r, d);
        if (std::abs(c) > std::abs(bestC)) bestC = c, bestK = k, bestA = a;
      }
    }
    const Point2 d = rotate(along, bestA * kDeg);
    const Point2 next = q + (bestK * mm) * d;
    // A disc is a bright band well above the bone (a nucleus: +0.4 and more on the grid)
    // or a dark one (a degenerated disc). A weakly bright band is sacral bone between
    // the fused segments' dark remnants, not a lumbar disc.
    if (bestC > 0 && bestC < kMinBrightDisc) bestC = 0;
    if (std::abs(bestC) < kMinContrast || bestK == 0) {
      // No further disc: bone below for 30 mm means the sacrum; otherwise the field ends.
      fieldEnds = !w.inside(q + (30 * mm) * along, 2);
      sacrum = !fieldEnds;
      break;
    }
    const Point2 axis = w.discAxis(next, d);
    if (w.bandHeightMm(next, axis, bestC) < 3.5) {  // a fused sacral segment, not a disc
      sacrum = true;
      break;
    }
    ++below;
    q = next;
    along = axis;
  }
  out.discsBelow = below;
  out.sacrumInView = sacrum;
  out.level = below < 8 ? kLevels[below] : "";
  out.method = sacrum ? "counted up from the lowest disc above the sacrum (taken as L5-S1), " + std::to_string(below) +
                            " disc" + (below == 1 ? "" : "s") + " below"
                      : "sacrum not in view: counted up from the lowest disc in the field, taken as L5-S1 (" +
                            std::to_string(below) + " disc" + (below == 1 ? "" : "s") + " below); may be wrong";
  return out;
}

}  // namespace annulo
