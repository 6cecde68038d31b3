#include "annulo/render/WindowLevel.h"

#include <algorithm>
#include <vector>

namespace annulo {

WindowLevel dragWindow(WindowLevel w, double dx, double dy, double range) {
  const double perPixel = std::max(range, 1.0) / 512.0;
  w.width = std::max(1.0, w.width + dx * perPixel);
  w.center = w.center + dy * perPixel;  // drag up (dy < 0) brightens: lower centre
  return w;
}

WindowLevel defaultWindow(const Series& s) {
  if (!s.windows.empty()) return {s.windows.front().center, s.windows.front().width};
  if (s.sliceCount() == 0 || s.pixels.empty()) return {128, 256};
  const std::size_t slice = s.sliceCount() / 2, n = s.sliceSamples();
  const std::size_t step = std::max<std::size_t>(1, n / 65536);
  std::vector<double> v;
  for (std::size_t i = 0; i < n; i += step) v.push_back(s.modalityValue(slice, i));
  const auto at = [&](double q) {
    auto it = v.begin() + std::ptrdiff_t(q * double(v.size() - 1));
    std::nth_element(v.begin(), it, v.end());
    return *it;
  };
  const double lo = at(0.01), hi = at(0.99);
  return {(lo + hi) / 2 + 0.5, std::max(hi - lo + 1, 1.0)};
}

namespace {

// Values of one frame at the given quantiles (sampled: at most ~65k values).
std::vector<double> quantiles(const Series& s, std::size_t frame, const std::vector<double>& qs) {
  const std::size_t n = s.sliceSamples(), step = std::max<std::size_t>(1, n / 65536);
  std::vector<double> v;
  for (std::size_t i = 0; i < n; i += step) v.push_back(s.modalityValue(frame, i));
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  for (double q : qs) out.push_back(v.empty() ? 0.0 : v[std::size_t(q * double(v.size() - 1))]);
  return out;
}

WindowLevel between(double lo, double hi) { return {(lo + hi) / 2 + 0.5, std::max(hi - lo + 1, 1.0)}; }

}  // namespace

std::vector<NamedWindow> modalityWindows(const Series& s, std::size_t frame) {
  if (s.sliceCount() == 0 || s.pixels.empty() || frame >= s.sliceCount()) return {};
  const auto q = quantiles(s, frame, {0.0, 0.02, 0.10, 0.85, 0.98, 0.995, 1.0});
  std::vector<NamedWindow> out;
  const std::string& m = s.series.modality;
  if (m == "XA" || m == "RF") out.push_back({"contrast", between(q[1], q[4])});
  if (m == "MR") {
    out.push_back({"disc / CSF", between(q[2], q[5])});
    out.push_back({"soft tissue", between(q[1], q[3])});
  }
  out.push_back({"full range", between(q[0], q[6])});
  return out;
}

double displayGrey(double value, WindowLevel w, bool invert) {
  const double width = std::max(w.width, 1.0);
  const double lo = w.center - 0.5 - (width - 1) / 2, hi = w.center - 0.5 + (width - 1) / 2;
  double g = value <= lo ? 0.0 : value > hi ? 1.0 : (value - (w.center - 0.5)) / (width - 1) + 0.5;
  g = std::clamp(g, 0.0, 1.0);
  return invert ? 1.0 - g : g;
}

}  // namespace annulo
