#pragma once
// Private helper: the contrast-free background of a cine's region of interest, for
// the disc outline estimate (DiscOutline.h). Frames spread over the cine are sampled
// wherever no contrast lies within 2 pixels (its blurred rim is not background);
// samples are kept relative to the mask so their squares keep float precision, and
// per worker, so frames segmented in parallel never share an accumulator. The sums are
// fixed point (2^-40 steps): integer addition is exact, so the result does not depend on
// which worker happened to sample which frame (float sums did, in the last bits).

#include <cstdint>
#include <functional>
#include <vector>

#include "annulo/processing/DiscOutline.h"
#include "annulo/processing/FloatImage.h"
#include "annulo/processing/Geometry2D.h"

namespace annulo::processing_detail {

class BackgroundSampler {
 public:
  BackgroundSampler(const PixelBox& roi, unsigned workers);

  // One frame: `contrast` is its component over the ROI (non-zero = contrast), `shift`
  // its motion, `opacity` its opacity image (full-image coordinates).
  void add(unsigned worker, const std::uint8_t* contrast, Shift2 shift, const FloatImage& opacity,
           const FloatImage& maskOpacity);

  // Background = mean of the mask (weight maskWeight) and the samples, in the data's
  // polarity (sign); its standard error from the samples' spread, pooled where a pixel
  // has fewer than 4 samples (fallbackVariance when no pixel has), never below
  // quantum(x, y). `sampled`: at least one frame was offered, so unsampled pixels are core.
  DiscBackground combine(const FloatImage& maskOpacity, double maskWeight, double sign, double fallbackVariance,
                         const std::function<double(int, int)>& quantum, bool sampled) const;

 private:
  struct Moments {
    double n = 0, sum = 0, squares = 0;
  };
  Moments at(std::size_t i) const;

  PixelBox roi_;
  std::vector<std::vector<std::int64_t>> sums_, squares_;
  std::vector<std::vector<std::int32_t>> counts_;
};

}  // namespace annulo::processing_detail
