#pragma once
// Private: reads rows of X-ray frames straight from the series buffer as
// "domain" values (interpolation domain: intensity for LIN data) or opacity,
// through per-stored-value tables so the inner loops are one lookup per pixel.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "annulo/dicom/Series.h"
#include "annulo/processing/FloatImage.h"
#include "annulo/processing/IntensityModel.h"

namespace annulo::processing_detail {

// Natural logarithm for x > 0, |error| < 1e-6: ln x = e ln2 + 2 atanh((m-1)/(m+1)),
// m in [sqrt(1/2), sqrt(2)). std::log is 5-10x slower and this runs per pixel per frame.
inline float fastLn(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int e = int((bits >> 23) & 0xFF) - 127;
  bits = (bits & 0x007FFFFFu) | 0x3F800000u;
  float m;
  std::memcpy(&m, &bits, sizeof m);
  if (m > 1.41421356f) {
    m *= 0.5f;
    ++e;
  }
  const float t = (m - 1.0f) / (m + 1.0f);
  const float t2 = t * t;
  const float series = t * (2.0f + t2 * (0.6666667f + t2 * (0.4f + t2 * (0.2857143f + t2 * 0.2222222f))));
  return float(e) * 0.69314718f + series;
}

class XrayFrames {
 public:
  XrayFrames(const Series& s, const XrayIntensityModel& model) : s_(s), model_(model) {
    lutIndex_.resize(s.sliceCount(), 0);
    for (std::size_t f = 0; f < s.sliceCount(); ++f) {
      int found = -1;
      for (std::size_t k = 0; k < lutKeys_.size(); ++k)
        if (lutKeys_[k].first == s.slices[f].rescaleSlope && lutKeys_[k].second == s.slices[f].rescaleIntercept)
          found = int(k);
      if (found < 0) {
        found = int(lutKeys_.size());
        lutKeys_.emplace_back(s.slices[f].rescaleSlope, s.slices[f].rescaleIntercept);
        domain_.push_back(domainLut(s, model, f));
        opacity_.push_back(opacityLut(s, model, f));
      }
      lutIndex_[f] = found;
    }
  }

  const XrayIntensityModel& model() const { return model_; }
  int columns() const { return s_.columns; }
  int rows() const { return s_.rows; }
  int frames() const { return int(s_.sliceCount()); }

  void domainRow(int frame, int y, int x0, int x1, float* out) const {
    row(frame, y, x0, x1, out, domain_[std::size_t(lutIndex_[std::size_t(frame)])], false);
  }
  void opacityRow(int frame, int y, int x0, int x1, float* out) const {
    row(frame, y, x0, x1, out, opacity_[std::size_t(lutIndex_[std::size_t(frame)])], true);
  }
  // Opacity of a domain value (after interpolation).
  float domainToOpacity(float d) const {
    if (model_.logarithmic) return d;
    return -fastLn(d > 0.5f ? d : 0.5f);
  }

 private:
  template <typename T>
  void typedRow(const T* src, int n, float* out, const StoredLut& lut, bool opacity, double slope,
                double intercept) const {
    if (!lut.empty()) {
      const float* table = lut.table.data();
      const std::int64_t base = lut.minStored;
      for (int i = 0; i < n; ++i) out[i] = table[std::int64_t(src[i]) - base];
      return;
    }
    for (int i = 0; i < n; ++i) {
      const double v = double(src[i]) * slope + intercept;
      out[i] = float(opacity ? model_.opacity(v) : model_.toDomain(v));
    }
  }
  void row(int frame, int y, int x0, int x1, float* out, const StoredLut& lut, bool opacity) const {
    const std::size_t offset = std::size_t(y) * std::size_t(s_.columns) + std::size_t(x0);
    const std::uint8_t* base = s_.sliceData(std::size_t(frame));
    const SliceInfo& info = s_.slices[std::size_t(frame)];
    const int n = x1 - x0;
    switch (s_.sampleType) {
      case SampleType::UInt8:
        return typedRow(base + offset, n, out, lut, opacity, info.rescaleSlope, info.rescaleIntercept);
      case SampleType::Int8:
        return typedRow(reinterpret_cast<const std::int8_t*>(base) + offset, n, out, lut, opacity, info.rescaleSlope,
                        info.rescaleIntercept);
      case SampleType::UInt16:
        return typedRow(reinterpret_cast<const std::uint16_t*>(base) + offset, n, out, lut, opacity, info.rescaleSlope,
                        info.rescaleIntercept);
      case SampleType::Int16:
        return typedRow(reinterpret_cast<const std::int16_t*>(base) + offset, n, out, lut, opacity, info.rescaleSlope,
                        info.rescaleIntercept);
      case SampleType::UInt32:
        return typedRow(reinterpret_cast<const std::uint32_t*>(base) + offset, n, out, lut, opacity, info.rescaleSlope,
                        info.rescaleIntercept);
      case SampleType::Int32:
        return typedRow(reinterpret_cast<const std::int32_t*>(base) + offset, n, out, lut, opacity, info.rescaleSlope,
                        info.rescaleIntercept);
    }
  }

  const Series& s_;
  XrayIntensityModel model_;
  std::vector<std::pair<double, double>> lutKeys_;
  std::vector<StoredLut> domain_, opacity_;
  std::vector<int> lutIndex_;
};

// Frame `frame` reduced by `factor` (box average in the interpolation domain, then to
// opacity): coarse pixel (cx, cy) covers full pixels [cx*factor, (cx+1)*factor).
inline FloatImage reduceFrame(const XrayFrames& fx, int frame, int factor) {
  const int k = std::max(1, factor);
  const int cw = fx.columns() / k, ch = fx.rows() / k;
  FloatImage img(PixelBox{0, 0, cw, ch});
  std::vector<float> row(static_cast<std::size_t>(cw * k)), acc(static_cast<std::size_t>(cw));
  const float norm = 1.0f / float(k * k);
  for (int cy = 0; cy < ch; ++cy) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    for (int j = 0; j < k; ++j) {
      fx.domainRow(frame, cy * k + j, 0, cw * k, row.data());
      for (int cx = 0; cx < cw; ++cx)
        for (int i = 0; i < k; ++i) acc[std::size_t(cx)] += row[std::size_t(cx * k + i)];
    }
    // Average in the physical (intensity) domain, then to opacity.
    for (int cx = 0; cx < cw; ++cx) img.at(cx, cy) = fx.domainToOpacity(acc[std::size_t(cx)] * norm);
  }
  return img;
}

}  // namespace annulo::processing_detail
