#pragma once
// Private: signed-distance shapes and their anti-aliased pixel coverage, shared
// by the XA and MR phantoms.

#include <algorithm>
#include <cmath>

namespace annulo::phantom_detail {

inline double clamp01(double v) { return std::min(1.0, std::max(0.0, v)); }

// Coverage of a pixel by a shape from the signed distance (in pixels) of its centre:
// a one-pixel ramp is enough anti-aliasing to avoid jagged edges.
inline double coverage(double signedDistance) { return clamp01(0.5 - signedDistance); }

inline double roundedBoxSdf(double u, double v, double halfU, double halfV, double radius) {
  const double qx = std::abs(u) - halfU + radius;
  const double qy = std::abs(v) - halfV + radius;
  const double ox = std::max(qx, 0.0);
  const double oy = std::max(qy, 0.0);
  return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.0) - radius;
}

// First-order distance to an ellipse: exact on the boundary's scale of a pixel,
// which is all the anti-aliasing needs.
inline double ellipseSdf(double u, double v, double ru, double rv) {
  const double k = std::sqrt((u / ru) * (u / ru) + (v / rv) * (v / rv));
  if (k < 1e-9) return -std::min(ru, rv);
  const double gu = u / (ru * ru);
  const double gv = v / (rv * rv);
  return (k - 1.0) * k / std::sqrt(gu * gu + gv * gv);
}

}  // namespace annulo::phantom_detail
