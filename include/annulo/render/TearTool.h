#pragma once
// Placing a tear's geometry with the mouse, in image coordinates: a point is
// one click; a polyline or polygon collects clicks until finished (double
// click or Enter) and needs 2 / 3 points. Escape cancels.

#include <optional>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/render/ViewTransform.h"

namespace annulo {

class TearTool {
 public:
  enum class Mode { Idle, Point, Polyline, Polygon };

  void start(Mode mode);
  void cancel();
  // Returns the finished geometry when this click completes it (Point mode).
  std::optional<TearGeometry> click(Vec2 image);
  // Double click / Enter: completes a polyline or polygon if it has enough points.
  std::optional<TearGeometry> finish();

  Mode mode() const { return mode_; }
  const std::vector<Vec2>& pending() const { return points_; }
  bool active() const { return mode_ != Mode::Idle; }

 private:
  TearGeometry build(GeometryKind kind) const;
  Mode mode_ = Mode::Idle;
  std::vector<Vec2> points_;
};

}  // namespace annulo
