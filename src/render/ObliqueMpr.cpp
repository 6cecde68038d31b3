#include "annulo/render/ObliqueMpr.h"

#include <algorithm>
#include <cmath>

namespace annulo {
namespace {

constexpr double kMprPi = 3.14159265358979323846;

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 add(const Vec3& a, const Vec3& b, double s = 1) { return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]}; }
Vec3 unit(const Vec3& a) {
  const double n = std::sqrt(dot(a, a));
  return n > 0 ? Vec3{a[0] / n, a[1] / n, a[2] / n} : a;
}
// Rodrigues: v turned by `deg` about the unit axis k.
Vec3 turn(const Vec3& v, const Vec3& k, double deg) {
  const double a = deg * kMprPi / 180, c = std::cos(a), s = std::sin(a);
  return add(add(Vec3{v[0] * c, v[1] * c, v[2] * c}, cross(k, v), s), k, dot(k, v) * (1 - c));
}

}  // namespace

Vec3 stackAxis(const Series& s) {
  const std::size_t n = s.sliceCount();
  if (s.hasPatientGeometry && n > 1) {
    const Vec3 d = add(s.slices[n - 1].position, s.slices[0].position, -1);
    if (dot(d, d) > 1e-12) return unit(d);
  }
  return unit(s.direction[2]);
}

std::array<DiscPlane, 2> orthogonalReformats(const Series& s, const Vec3& crosshair) {
  const Vec3 up = stackAxis(s);
  const Vec3 down{-up[0], -up[1], -up[2]};
  std::array<DiscPlane, 2> out;
  for (int i = 0; i < 2; ++i) {
    DiscPlane& p = out[std::size_t(i)];
    p.level = i == 0 ? "column" : "row";
    p.centre = crosshair;
    p.left = unit(s.direction[i == 0 ? 1 : 0]);
    p.back = down;
    p.normal = unit(cross(p.left, p.back));
  }
  return out;
}

DiscPlane turnedAbout(const DiscPlane& p, const Vec3& axis, const Vec3& pivot, double deg) {
  const Vec3 k = unit(axis);
  DiscPlane out = p;
  out.centre = add(pivot, turn(add(p.centre, pivot, -1), k, deg));
  out.left = unit(turn(p.left, k, deg));
  out.back = unit(turn(p.back, k, deg));
  out.normal = unit(cross(out.left, out.back));
  return out;
}

double dragAngleDeg(const Vec3& pivot, const Vec3& axis, const Vec3& from, const Vec3& to) {
  const Vec3 k = unit(axis);
  Vec3 a = add(from, pivot, -1), b = add(to, pivot, -1);
  a = add(a, k, -dot(a, k));
  b = add(b, k, -dot(b, k));
  if (dot(a, a) < 1e-12 || dot(b, b) < 1e-12) return 0;
  return std::atan2(dot(cross(a, b), k), dot(a, b)) * 180 / kMprPi;
}

Vec3 cutDirection(const DiscPlane& view, const Vec3& otherNormal) {
  const Vec3 d = cross(view.normal, otherNormal);
  if (dot(d, d) < 1e-12) return {0, 0, 0};
  return unit(d);
}

FittedPlane fitToVolume(const Series& s, const VolumeReslicer& r, const DiscPlane& p, int maxPixels) {
  double umin = 1e300, umax = -1e300, vmin = 1e300, vmax = -1e300;
  const double cs[2] = {0, double(s.columns - 1)}, rs[2] = {0, double(s.rows - 1)};
  const std::size_t ks[2] = {0, s.sliceCount() - 1};
  for (double c : cs)
    for (double rr : rs)
      for (std::size_t k : ks) {
        const Vec3 d = add(s.pixelToPatient(c, rr, k), p.centre, -1);
        umin = std::min(umin, dot(d, p.left));
        umax = std::max(umax, dot(d, p.left));
        vmin = std::min(vmin, dot(d, p.back));
        vmax = std::max(vmax, dot(d, p.back));
      }
  FittedPlane f;
  f.plane = p;
  f.plane.centre = add(add(p.centre, p.left, (umin + umax) / 2), p.back, (vmin + vmax) / 2);
  double px = r.samplingStepMm(p.left), py = r.samplingStepMm(p.back);
  // Too many pixels (a fine volume cut along its diagonal): coarser, same aspect.
  const double over = std::max((umax - umin) / px, (vmax - vmin) / py) / std::max(1, maxPixels - 1);
  if (over > 1) px *= over, py *= over;
  // 1e-6: an orthogonal cut spans exactly (voxels - 1) steps; keep the last voxel.
  f.grid.width = int(std::floor((umax - umin) / px + 1e-6)) + 1;
  f.grid.height = int(std::floor((vmax - vmin) / py + 1e-6)) + 1;
  f.grid.pixelMm = px;
  f.grid.pixelMmY = py;
  return f;
}

}  // namespace annulo
