#include "annulo/render/TearTool.h"

namespace annulo {

void TearTool::start(Mode mode) {
  mode_ = mode;
  points_.clear();
}

void TearTool::cancel() { start(Mode::Idle); }

TearGeometry TearTool::build(GeometryKind kind) const {
  TearGeometry g;
  g.kind = kind;
  for (const auto& p : points_) g.points.push_back({p[0], p[1], 0});
  return g;
}

std::optional<TearGeometry> TearTool::click(Vec2 image) {
  if (mode_ == Mode::Idle) return std::nullopt;
  points_.push_back(image);
  if (mode_ != Mode::Point) return std::nullopt;
  TearGeometry g = build(GeometryKind::Point);
  cancel();
  return g;
}

std::optional<TearGeometry> TearTool::finish() {
  if (mode_ == Mode::Polyline && points_.size() >= 2) {
    TearGeometry g = build(GeometryKind::Polyline);
    cancel();
    return g;
  }
  if (mode_ == Mode::Polygon && points_.size() >= 3) {
    TearGeometry g = build(GeometryKind::Polygon);
    cancel();
    return g;
  }
  return std::nullopt;
}

}  // namespace annulo
