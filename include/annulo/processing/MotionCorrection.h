#pragma once
// Rigid 2D translation between cine frames: coarse phase correlation on a reduced
// image, then a robust Gauss-Newton (Lucas-Kanade) refinement at full resolution.
// Patient motion in a lateral lumbar cine (breathing) is close to a translation
// over the few centimetres around a disc, and DSA needs sub-pixel accuracy there:
// a 0.3 px error on a needle edge already leaves a stripe brighter than a leak.

#include <array>
#include <vector>

#include "annulo/processing/FloatImage.h"
#include "annulo/processing/Geometry2D.h"

namespace annulo {

struct ShiftEstimate {
  Shift2 shift;
  double confidence = 0;  // phase correlation: peak height (0..1); refinement: inlier fraction
};

// Phase correlation of `moving` against `reference` (both in the same domain, same
// image coordinates) over a square window of side `size` (a power of two is fastest)
// centred at (cx, cy), Hann-apodised. Returns the shift with sub-pixel peak fitting.
// The window is clipped to both images; a window under 16 pixels is an error.
ShiftEstimate phaseCorrelate(const FloatImage& reference, const FloatImage& moving, double cx, double cy, int size);

// Gauss-Newton refinement of a translation. Minimises sum w * (moving(p) - reference(p - shift))^2
// with Tukey weights, so contrast that arrived since the reference frame is an outlier
// rather than a pull. Only textured points carry information, so the points are chosen
// once: pixels of `box` whose gradient is in the top 30%, thinned evenly to `maxPoints`
// (evenly rather than strongest-first, so the needle alone cannot decide the motion).
class TranslationRefiner {
 public:
  TranslationRefiner() = default;
  // `reference` should extend a few pixels beyond `box` (the largest expected shift).
  TranslationRefiner(FloatImage reference, const PixelBox& box, std::size_t maxPoints = 6000);
  const FloatImage& reference() const { return reference_; }
  std::size_t points() const { return points_.size(); }
  // `moving` must cover the box.
  ShiftEstimate refine(const FloatImage& moving, Shift2 start, int iterations = 5) const;

 private:
  FloatImage reference_, gradX_, gradY_;
  std::vector<std::array<int, 2>> points_;
};

}  // namespace annulo
