#pragma once
// Private helper: statistics that ignore outliers (contrast, vessels, the needle)
// in noise and background estimates.

#include <algorithm>
#include <cmath>
#include <vector>

namespace annulo::processing_detail {

inline double median(std::vector<float> v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// Robust standard deviation: 1.4826 x median absolute deviation.
inline double robustSigma(const std::vector<float>& v) {
  if (v.size() < 2) return 0;
  const double m = median(v);
  std::vector<float> dev(v.size());
  std::transform(v.begin(), v.end(), dev.begin(), [m](float x) { return float(std::abs(x - m)); });
  return 1.4826 * median(std::move(dev));
}

}  // namespace annulo::processing_detail
