#pragma once
// Calibrated distance and angle measurements on a 2D image, and the two-click
// tools that place them (ruler, angle, catheter path). A length always carries
// the name of its calibration: on XA it is either at the detector or corrected
// for magnification, and the reader must see which.

#include <optional>
#include <string>
#include <vector>

#include "annulo/render/ViewTransform.h"

namespace annulo {

enum class MeasureKind { Distance, Angle, Catheter };

struct Measurement {
  MeasureKind kind = MeasureKind::Distance;
  std::vector<Vec2>
      points;  // image pixels: 2 for distance/catheter (target, entry), 3 for angle (vertex in the middle)
};

// spacing: mm per column and per row (Series::spacing[0], [1]).
double distanceMm(Vec2 a, Vec2 b, double columnSpacing, double rowSpacing);
// Angle at `vertex` between the rays to a and b, in degrees, in physical space.
double angleDeg(Vec2 a, Vec2 vertex, Vec2 b, double columnSpacing, double rowSpacing);
std::string describe(const Measurement& m, double columnSpacing, double rowSpacing, const std::string& calibration);

class MeasureTool {
 public:
  void start(MeasureKind kind);
  void cancel() { active_ = false, points_.clear(); }
  bool active() const { return active_; }
  MeasureKind kind() const { return kind_; }
  const std::vector<Vec2>& pending() const { return points_; }
  // The finished measurement when this click completes it.
  std::optional<Measurement> click(Vec2 image);

 private:
  bool active_ = false;
  MeasureKind kind_ = MeasureKind::Distance;
  std::vector<Vec2> points_;
};

}  // namespace annulo
