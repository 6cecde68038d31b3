#include "processing/BackgroundSampler.h"

#include <algorithm>
#include <cmath>

#include "processing/RobustStats.h"

namespace annulo::processing_detail {

BackgroundSampler::BackgroundSampler(const PixelBox& roi, unsigned workers)
    : roi_(roi),
      sums_(workers, std::vector<std::int64_t>(roi.area(), 0)),
      squares_(workers, std::vector<std::int64_t>(roi.area(), 0)),
      counts_(workers, std::vector<std::int32_t>(roi.area(), 0)) {}

namespace {
constexpr double kFixedScale = 1099511627776.0;  // 2^40
std::int64_t toFixed(float v) { return std::llround(double(v) * kFixedScale); }
}  // namespace

void BackgroundSampler::add(unsigned worker, const std::uint8_t* contrast, Shift2 shift, const FloatImage& opacity,
                            const FloatImage& maskOpacity) {
  const int w = roi_.width(), h = roi_.height();
  std::vector<std::int64_t>& sum = sums_[worker];
  std::vector<std::int64_t>& sq = squares_[worker];
  std::vector<std::int32_t>& cnt = counts_[worker];
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double fx = roi_.x0 + x + shift.dx, fy = roi_.y0 + y + shift.dy;
      const int px = int(std::lround(fx)) - roi_.x0, py = int(std::lround(fy)) - roi_.y0;
      bool near = false;
      for (int dy = -2; dy <= 2 && !near; ++dy)
        for (int dx = -2; dx <= 2 && !near; ++dx) {
          const int qx = px + dx, qy = py + dy;
          near = qx >= 0 && qy >= 0 && qx < w && qy < h && contrast[std::size_t(qy) * w + qx];
        }
      if (near) continue;
      const float v = opacity.sample(fx, fy) - maskOpacity.at(roi_.x0 + x, roi_.y0 + y);
      sum[std::size_t(y) * w + x] += toFixed(v);
      sq[std::size_t(y) * w + x] += toFixed(v * v);
      cnt[std::size_t(y) * w + x] += 1;
    }
  }
}

BackgroundSampler::Moments BackgroundSampler::at(std::size_t i) const {
  std::int64_t n = 0, sum = 0, squares = 0;
  for (std::size_t k = 0; k < sums_.size(); ++k) {
    n += counts_[k][i];
    sum += sums_[k][i];
    squares += squares_[k][i];
  }
  return {double(n), double(sum) / kFixedScale, double(squares) / kFixedScale};
}

DiscBackground BackgroundSampler::combine(const FloatImage& maskOpacity, double maskWeight, double sign,
                                          double fallbackVariance, const std::function<double(int, int)>& quantum,
                                          bool sampled) const {
  const std::size_t plane = roi_.area();
  DiscBackground background;
  background.opacity = FloatImage(roi_);
  background.standardError = FloatImage(roi_);
  background.core.assign(plane, 0);
  std::vector<float> variances;
  for (std::size_t i = 0; i < plane; ++i) {
    const Moments m = at(i);
    if (m.n >= 4) variances.push_back(float(std::max(0.0, (m.squares - m.sum * m.sum / m.n) / (m.n - 1))));
  }
  const double pooled = variances.empty() ? fallbackVariance : median(variances);
  for (int y = roi_.y0; y < roi_.y1; ++y) {
    for (int x = roi_.x0; x < roi_.x1; ++x) {
      const std::size_t i = std::size_t(y - roi_.y0) * roi_.width() + std::size_t(x - roi_.x0);
      const Moments m = at(i);
      const double var = m.n >= 4 ? std::max(0.25 * pooled, (m.squares - m.sum * m.sum / m.n) / (m.n - 1)) : pooled;
      // In the data's polarity, so that "denser" means the same as for the contrast.
      background.opacity.at(x, y) = float(sign * (maskOpacity.at(x, y) + m.sum / (m.n + maskWeight)));
      background.standardError.at(x, y) = float(std::max(quantum(x, y), std::sqrt(var / (m.n + maskWeight))));
      background.core[i] = m.n == 0 && sampled;
    }
  }
  return background;
}

}  // namespace annulo::processing_detail
