#include "annulo/annotation/DiscPlane.h"

#include <cmath>

#include "annulo/processing/Geometry2D.h"

namespace annulo {
namespace {

constexpr double kPlanePi = 3.14159265358979323846;

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 add(const Vec3& a, const Vec3& b, double s = 1) { return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]}; }
Vec3 scaled(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }
Vec3 unit(const Vec3& a) {
  const double n = norm(a);
  return n > 0 ? scaled(a, 1 / n) : a;
}
// Rodrigues: v turned by `deg` about the unit axis k.
Vec3 turn(const Vec3& v, const Vec3& k, double deg) {
  const double a = deg * kPlanePi / 180, c = std::cos(a), s = std::sin(a);
  return add(add(scaled(v, c), cross(k, v), s), k, dot(k, v) * (1 - c));
}

}  // namespace

bool operator==(const DiscPlane& a, const DiscPlane& b) {
  return a.level == b.level && a.centre == b.centre && a.left == b.left && a.back == b.back && a.normal == b.normal &&
         a.radiusMm == b.radiusMm;
}

Result<DiscPlane> discPlaneFromMargins(const std::string& level, const Vec3& anterior, const Vec3& posterior,
                                       const Vec3& viewNormal) {
  const Vec3 line = add(posterior, anterior, -1);
  const double length = norm(line);
  if (!(length > 1e-6)) return Error{"disc plane " + level + ": the anterior and posterior points coincide"};
  Vec3 back = scaled(line, 1 / length);
  Vec3 left = add(viewNormal, back, -dot(viewNormal, back));
  if (!(norm(left) > 1e-3))
    return Error{"disc plane " + level + ": the margin line runs along the view's normal (click on a sagittal)"};
  left = unit(left);
  // Patient's left is +x in LPS; the clicked view's normal may point either way.
  if (left[0] < 0) left = scaled(left, -1);
  DiscPlane p;
  p.level = level;
  p.centre = scaled(add(anterior, posterior), 0.5);
  p.back = back;
  p.left = left;
  p.normal = cross(left, back);
  p.radiusMm = length / 2;
  return p;
}

DiscPlane rotated(const DiscPlane& plane, double aboutLeftDeg, double aboutBackDeg) {
  DiscPlane p = plane;
  p.back = unit(turn(p.back, p.left, aboutLeftDeg));
  p.normal = unit(cross(p.left, p.back));
  p.left = unit(turn(p.left, p.back, aboutBackDeg));
  p.normal = unit(cross(p.left, p.back));
  return p;
}

DiscPlane orthogonal(const DiscPlane& plane) {
  DiscPlane p = plane;
  p.left = {1, 0, 0};
  p.back = {0, 1, 0};
  p.normal = {0, 0, 1};
  return p;
}

double tiltDeg(const DiscPlane& plane) {
  const double c = std::fabs(dot(unit(plane.normal), Vec3{0, 0, 1}));
  return std::acos(std::min(1.0, c)) * 180 / kPlanePi;
}

Vec3 planePixelToPatient(const DiscPlane& plane, const PlaneGrid& grid, double x, double y) {
  const double u = (x - (grid.width - 1) / 2.0) * grid.pixelMm;
  const double v = (y - (grid.height - 1) / 2.0) * grid.yMm();
  return add(add(plane.centre, plane.left, u), plane.back, v);
}

Vec2 patientToPlanePixel(const DiscPlane& plane, const PlaneGrid& grid, const Vec3& p) {
  const Vec3 d = add(p, plane.centre, -1);
  return {dot(d, plane.left) / grid.pixelMm + (grid.width - 1) / 2.0,
          dot(d, plane.back) / grid.yMm() + (grid.height - 1) / 2.0};
}

double distanceFromPlane(const DiscPlane& plane, const Vec3& p) { return dot(add(p, plane.centre, -1), plane.normal); }

std::optional<int> clockOnPlane(const DiscPlane& plane, const Vec3& p) {
  const Vec3 d = add(p, plane.centre, -1);
  const double x = dot(d, plane.left), y = dot(d, plane.back);
  if (std::hypot(x, y) < 1e-9) return std::nullopt;
  // Seen as on the screen: x right (patient's left), y down (posterior), 12 up.
  return clockHour(imageAngleDeg(x, y));
}

Vec3 clockPoint(const DiscPlane& plane, int hour, double fraction) {
  const double a = (hour % 12) * 30.0 * kPlanePi / 180;
  const double r = plane.radiusMm * fraction;
  return add(add(plane.centre, plane.left, r * std::sin(a)), plane.back, -r * std::cos(a));
}

std::optional<SpinalZone> zoneGuideOnPlane(const DiscPlane& plane, const Vec3& p) {
  const Vec3 d = add(p, plane.centre, -1);
  if (dot(d, plane.back) <= 0 || plane.radiusMm <= 0) return std::nullopt;
  const double side = dot(d, plane.left) / plane.radiusMm;  // + = patient's left
  const double a = std::fabs(side);
  const bool left = side > 0;
  if (a < 0.25) return SpinalZone::Central;
  if (a < 0.5) return left ? SpinalZone::SubarticularLeft : SpinalZone::SubarticularRight;
  if (a < 0.8) return left ? SpinalZone::ForaminalLeft : SpinalZone::ForaminalRight;
  return left ? SpinalZone::ExtraforaminalLeft : SpinalZone::ExtraforaminalRight;
}

}  // namespace annulo
