#include "annulo/render/Measurement.h"

#include <cmath>
#include <cstdio>

namespace annulo {

double distanceMm(Vec2 a, Vec2 b, double sx, double sy) { return std::hypot((b[0] - a[0]) * sx, (b[1] - a[1]) * sy); }

double angleDeg(Vec2 a, Vec2 v, Vec2 b, double sx, double sy) {
  const double ax = (a[0] - v[0]) * sx, ay = (a[1] - v[1]) * sy;
  const double bx = (b[0] - v[0]) * sx, by = (b[1] - v[1]) * sy;
  const double na = std::hypot(ax, ay), nb = std::hypot(bx, by);
  if (na == 0 || nb == 0) return 0;
  const double c = std::max(-1.0, std::min(1.0, (ax * bx + ay * by) / (na * nb)));
  return std::acos(c) * 180.0 / M_PI;
}

std::string describe(const Measurement& m, double sx, double sy, const std::string& calibration) {
  char buf[128];
  const bool pixels = calibration == "none";
  switch (m.kind) {
    case MeasureKind::Distance:
    case MeasureKind::Catheter:
      if (m.points.size() < 2) return "";
      std::snprintf(buf, sizeof buf, "%s%.1f %s (%s)", m.kind == MeasureKind::Catheter ? "path " : "",
                    distanceMm(m.points[0], m.points[1], sx, sy), pixels ? "px" : "mm", calibration.c_str());
      return buf;
    case MeasureKind::Angle:
      if (m.points.size() < 3) return "";
      std::snprintf(buf, sizeof buf, "%.1f deg", angleDeg(m.points[0], m.points[1], m.points[2], sx, sy));
      return buf;
  }
  return "";
}

void MeasureTool::start(MeasureKind kind) {
  kind_ = kind;
  active_ = true;
  points_.clear();
}

std::optional<Measurement> MeasureTool::click(Vec2 image) {
  if (!active_) return std::nullopt;
  points_.push_back(image);
  const std::size_t needed = kind_ == MeasureKind::Angle ? 3 : 2;
  if (points_.size() < needed) return std::nullopt;
  Measurement m{kind_, points_};
  cancel();
  return m;
}

}  // namespace annulo
