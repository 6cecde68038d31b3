#include "annulo/processing/LeakSegmenter.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>
#include <sstream>

#include "TextFormat.h"
#include "annulo/base/Parallel.h"
#include "annulo/processing/DiscOutline.h"
#include "annulo/processing/FloatImage.h"
#include "annulo/processing/IntensityModel.h"
#include "annulo/processing/MotionCorrection.h"
#include "annulo/processing/Subtraction.h"
#include "processing/BackgroundSampler.h"
#include "processing/ContrastComponent.h"
#include "processing/Progress.h"
#include "processing/RobustStats.h"
#include "processing/XrayFrames.h"

namespace annulo {

using processing_detail::BackgroundSampler;
using processing_detail::binomial3;
using processing_detail::growComponent;
using processing_detail::ItemProgress;
using processing_detail::median;
using processing_detail::ProgressSpan;
using processing_detail::robustSigma;
using processing_detail::XrayFrames;

std::vector<std::uint8_t> LeakSegmentation::frameLabels(int frame) const {
  std::vector<std::uint8_t> out(std::size_t(columns) * std::size_t(rows), 0);
  copyFrameLabels(frame, out.data());
  return out;
}

void LeakSegmentation::copyFrameLabels(int frame, std::uint8_t* out) const {
  std::fill(out, out + std::size_t(columns) * std::size_t(rows), std::uint8_t(0));
  if (frame < 1 || frame > frames || roi.empty()) return;
  const std::size_t plane = roi.area();
  const std::uint8_t* src = roiLabels.data() + std::size_t(frame - 1) * plane;
  for (int y = roi.y0; y < roi.y1; ++y)
    std::copy_n(src + std::size_t(y - roi.y0) * std::size_t(roi.width()), roi.width(),
                out + std::size_t(y) * std::size_t(columns) + std::size_t(roi.x0));
}

namespace {

std::string fmt(double v, int precision = 1) { return fixedText(v, precision); }

// Pixels of a w x h box within `radius` of (cx, cy) (box-local coordinates).
std::vector<int> discPixels(double cx, double cy, double radius, int w, int h) {
  std::vector<int> out;
  const int x0 = std::max(0, int(std::floor(cx - radius))), x1 = std::min(w - 1, int(std::ceil(cx + radius)));
  const int y0 = std::max(0, int(std::floor(cy - radius))), y1 = std::min(h - 1, int(std::ceil(cy + radius)));
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) out.push_back(y * w + x);
  return out;
}

struct Coarse {
  int factor = 1;
  int width = 0, height = 0;
  std::vector<FloatImage> opacity;  // per frame
  // Full-image position of a coarse pixel centre and back.
  double toFull(double c) const { return c * factor + 0.5 * (factor - 1); }
  double toCoarse(double x) const { return (x - 0.5 * (factor - 1)) / factor; }
};

// `stop` (may be null) skips the frames not started yet; the caller then discards the result.
Coarse reduceFrames(const XrayFrames& fx, unsigned workers, ProgressSpan progress, const std::atomic<bool>* stop) {
  Coarse c;
  c.factor = std::max(1, std::min(fx.columns(), fx.rows()) / 256);
  c.width = fx.columns() / c.factor;
  c.height = fx.rows() / c.factor;
  c.opacity.resize(std::size_t(fx.frames()));
  ItemProgress done(progress, fx.frames());
  parallelFor(fx.frames(), workers, [&](int f, unsigned) {
    if (processing_detail::cancelRequested(stop)) return;
    c.opacity[std::size_t(f)] = processing_detail::reduceFrame(fx, f, c.factor);
    done.done();
  });
  return c;
}

// Where each stage ends, as a fraction of the whole run: its usual share of the time
// (LeakTimings of annulo-bench-segment, 1024^2 x 60 cine on 2 cores: reduce 6%, coarse
// 12%, mask 4%, frames 67%, outline 5%, measure 5%), so the bar moves evenly.
enum class Stage { Reduce, Coarse, Mask, Frames, Outline, Measure };
constexpr double kStageEnd[] = {0.07, 0.19, 0.23, 0.90, 0.95, 1.0};

// Everything one frame needs at full resolution; one per worker, reused across frames.
struct Scratch {
  FloatImage opacity;  // frame opacity over the ROI
  std::vector<float> diff, smooth, tmp;
  std::vector<int> queue;
};

class Segmenter {
 public:
  Segmenter(const Series& s, const LeakSegmentationOptions& o)
      : s_(s), o_(o), fx_(s, xrayIntensityModel(s)), progress_(o.progress, 0, 1) {}

  Result<LeakSegmentation> run();

 private:
  Status validate() const;
  Status findContrastArrival();
  void buildCoarseMask(double scx, double scy);
  void coarseMotionAndExtent();
  void buildMask();
  Status pilotThreshold();
  void computeDifference(Shift2 shift, Scratch& sc) const;
  Shift2 frameShift(int f, Scratch& sc) const;
  Shift2 subtractFrame(int f, Scratch& sc, std::vector<int>& seeds) const;
  std::size_t segmentFrame(int f, Scratch& sc, std::uint8_t* comp, Shift2& shift, std::size_t& residual) const;
  void residualEdgeGuard(std::vector<std::size_t>& leakCounts, std::size_t minPixels);
  Status discOutline(const DiscBackground& background);
  void labelAndMeasure();
  bool cancelled() const { return processing_detail::cancelRequested(o_.cancel); }
  ProgressSpan stage(Stage st) const {
    const int i = int(st);
    return progress_.part(i == 0 ? 0.0 : kStageEnd[i - 1], kStageEnd[i]);
  }

  const Series& s_;
  const LeakSegmentationOptions& o_;
  XrayFrames fx_;
  unsigned workers_ = 1;
  int frames_ = 0;
  double pixelMm_ = 1;
  LeakSegmentation r_;

  Coarse coarse_;
  int sign_ = 1;  // +1: contrast raises opacity as the header model says; -1: data disagree
  int arrival_ = 0, maskFirst_ = 0, maskLast_ = 0, reference_ = 0, peakFrame_ = 0;  // 0-based
  FloatImage coarseMask_;
  std::vector<std::array<int, 2>> coarseMaskShift_;  // per mask frame, reduced pixels, to the first
  std::vector<Shift2> coarseShift_;                  // full-resolution pixels
  PixelBox roi_, padded_;
  FloatImage maskDomain_;  // over padded_
  TranslationRefiner refiner_;
  std::vector<Shift2> shifts_;
  std::vector<std::size_t> residual_;  // per frame: ROI pixels of opposite-polarity difference
  float threshold_ = 0;
  double seedRadiusPx_ = 2;
  ProgressSpan progress_;
};

Status Segmenter::validate() const {
  const std::string uid = s_.series.instanceUid.empty() ? "" : " (series " + s_.series.instanceUid + ")";
  if (s_.isColor())
    return makeError("leak segmentation needs a greyscale X-ray cine; this series is colour (" + s_.photometric + ")" +
                     uid);
  if (s_.sliceCount() < 2)
    return makeError(
        "leak segmentation needs a cine with at least 2 frames (a pre-contrast mask and a contrast "
        "frame); this series has " +
        std::to_string(s_.sliceCount()) + " frame" + (s_.sliceCount() == 1 ? "" : "s") + uid);
  if (s_.pixels.empty() || s_.columns < 8 || s_.rows < 8)
    return makeError("leak segmentation: series has no usable pixel data" + uid);
  // Frames of a stack of slices (MR, CT) differ by anatomy, not by contrast arriving:
  // the arrival and subtraction logic would find "contrast" everywhere.
  if (!isProjectionXray(s_))
    return makeError("leak segmentation needs an X-ray cine (XA or RF annulogram); this series is " +
                     (s_.series.modality.empty() ? std::string("of unknown modality") : s_.series.modality) + uid);
  const Point2 p = o_.injectionPoint;
  if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || p[0] < -0.5 || p[1] < -0.5 || p[0] > s_.columns - 0.5 ||
      p[1] > s_.rows - 0.5)
    return makeError("injection point (" + fmt(p[0]) + ", " + fmt(p[1]) + ") lies outside the " +
                     std::to_string(s_.columns) + " x " + std::to_string(s_.rows) + " image");
  if (!o_.discOutline.empty()) {
    if (Status st = validateOutline(o_.discOutline); !st) return st;
    if (!pointInPolygon(o_.discOutline, p[0], p[1]))
      return makeError("injection point (" + fmt(p[0]) + ", " + fmt(p[1]) +
                       ") is not inside the given disc outline: the needle tip must be in the disc");
  }
  if (o_.maskFrame < 0 || o_.maskFrame > int(s_.sliceCount()))
    return makeError("mask frame " + std::to_string(o_.maskFrame) + " out of range 1.." +
                     std::to_string(s_.sliceCount()));
  return {};
}

// Contrast arrival at the injection point on the reduced frames. This is also where the
// polarity is checked against the data: contrast must raise opacity there.
Status Segmenter::findContrastArrival() {
  const Coarse& c = coarse_;
  const double cx = c.toCoarse(o_.injectionPoint[0]), cy = c.toCoarse(o_.injectionPoint[1]);
  const double radius = std::max(1.0, 1.5 / (pixelMm_ * c.factor));
  const std::vector<int> pix = discPixels(cx, cy, radius, c.width, c.height);
  std::vector<double> signal(static_cast<std::size_t>(frames_));
  for (int f = 0; f < frames_; ++f) {
    double sum = 0;
    for (int i : pix) sum += c.opacity[std::size_t(f)].values[std::size_t(i)];
    signal[std::size_t(f)] = sum / double(pix.size());
  }
  // Noise of that signal: successive differences, robustly (most frames do not change).
  std::vector<float> steps;
  for (int f = 1; f < frames_; ++f)
    steps.push_back(float(std::abs(signal[std::size_t(f)] - signal[std::size_t(f - 1)])));
  const double sigma = std::max(1e-4, 1.4826 * median(steps) / std::sqrt(2.0));
  double up = 0, down = 0;
  int upFrame = 0, downFrame = 0;
  for (int f = 1; f < frames_; ++f) {
    const double d = signal[std::size_t(f)] - signal[0];
    if (d > up) up = d, upFrame = f;
    if (-d > down) down = -d, downFrame = f;
  }
  sign_ = up >= down ? 1 : -1;
  const double peak = std::max(up, down);
  peakFrame_ = sign_ > 0 ? upFrame : downFrame;
  const XrayIntensityModel& m = fx_.model();
  // 0.05: a 5% intensity change is the least iodinated contrast does in a nucleus.
  const double floor = m.logarithmic ? 0.0 : 0.05;
  if (peak < std::max(8 * sigma, floor))
    return makeError("no contrast appears at the injection point (" + fmt(o_.injectionPoint[0]) + ", " +
                     fmt(o_.injectionPoint[1]) + "): opacity there changes by at most " + fmt(peak, 3) +
                     " against frame-to-frame noise " + fmt(sigma, 3) +
                     "; is the point on the needle tip, and is there a pre-contrast frame?");
  r_.polarity = m.explanation;
  if (sign_ < 0) {
    r_.polarity +=
        "; the data disagree (contrast lowers the opacity computed from the header), so the data's "
        "polarity is used";
    r_.warnings.push_back("contrast polarity taken from the data, opposite to the header's");
  }
  const double arrivalLevel = std::max(0.25 * peak, 4 * sigma);
  arrival_ = 0;
  for (int f = 1; f < frames_; ++f) {
    if (sign_ * (signal[std::size_t(f)] - signal[0]) > arrivalLevel) {
      arrival_ = f;
      break;
    }
  }
  r_.contrastArrivalFrame = arrival_ + 1;
  if (o_.maskFrame > 0) {
    maskFirst_ = maskLast_ = o_.maskFrame - 1;
    if (maskLast_ >= arrival_)
      r_.warnings.push_back("mask frame " + std::to_string(o_.maskFrame) + " is not before contrast arrival (frame " +
                            std::to_string(arrival_ + 1) + "): contrast already there is subtracted away");
  } else {
    // The mask ends before any trace of contrast, not just before the arrival threshold.
    maskLast_ = arrival_ - 1;
    const double trace = std::max(3 * sigma, 0.05 * peak);
    while (maskLast_ > 0 && sign_ * (signal[std::size_t(maskLast_)] - signal[0]) > trace) --maskLast_;
    maskFirst_ = std::max(0, maskLast_ - 15);
  }
  reference_ = maskFirst_;
  return {};
}

// Coarse mask: the mask frames aligned to the reference (the first mask frame) to the
// nearest reduced pixel by phase correlation, then averaged. The patient can move
// during the mask frames (a drift, a sudden shift): averaged unaligned, they would leave
// a ghost of every edge that the subtraction then takes for contrast. Aligning to the
// nearest reduced pixel is all this level needs (the full-resolution mask is refined to
// sub-pixel); frames that moved less than half a reduced pixel are added unshifted.
void Segmenter::buildCoarseMask(double scx, double scy) {
  const Coarse& c = coarse_;
  const FloatImage& first = c.opacity[std::size_t(maskFirst_)];
  coarseMask_ = FloatImage(PixelBox{0, 0, c.width, c.height});
  coarseMaskShift_.assign(std::size_t(maskLast_ - maskFirst_ + 1), {0, 0});
  if (o_.motionCorrection) {
    parallelFor(maskLast_ - maskFirst_, workers_, [&](int i, unsigned) {
      const ShiftEstimate e = phaseCorrelate(first, c.opacity[std::size_t(maskFirst_ + 1 + i)], scx, scy, 128);
      if (e.confidence > 0.02)
        coarseMaskShift_[std::size_t(i + 1)] = {int(std::lround(e.shift.dx)), int(std::lround(e.shift.dy))};
    });
  }
  const int w = c.width, h = c.height;
  for (int f = maskFirst_; f <= maskLast_; ++f) {
    const auto [sx, sy] = coarseMaskShift_[std::size_t(f - maskFirst_)];
    const FloatImage& img = c.opacity[std::size_t(f)];
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const int fx = std::min(w - 1, std::max(0, x + sx)), fy = std::min(h - 1, std::max(0, y + sy));
        coarseMask_.values[std::size_t(y) * w + x] += img.values[std::size_t(fy) * w + fx];
      }
  }
  for (float& v : coarseMask_.values) v /= float(maskLast_ - maskFirst_ + 1);
}

void Segmenter::coarseMotionAndExtent() {
  const Coarse& c = coarse_;
  const double scx = c.toCoarse(o_.injectionPoint[0]), scy = c.toCoarse(o_.injectionPoint[1]);
  buildCoarseMask(scx, scy);
  coarseShift_.assign(std::size_t(frames_), Shift2{});
  if (o_.motionCorrection) {
    ItemProgress done(stage(Stage::Coarse).part(0, 0.5), frames_);
    parallelFor(frames_, workers_, [&](int f, unsigned) {
      const ShiftEstimate e = phaseCorrelate(coarseMask_, c.opacity[std::size_t(f)], scx, scy, 128);
      // A weak peak means the window has no structure to lock on: trust "no motion".
      if (e.confidence > 0.02) coarseShift_[std::size_t(f)] = {e.shift.dx * c.factor, e.shift.dy * c.factor};
      done.done();
    });
  }

  // Coarse contrast extent: the seed-connected component of each frame's difference,
  // united in reference coordinates.
  const int w = c.width, h = c.height;
  auto difference = [&](int f, std::vector<float>& d, std::vector<float>& s, std::vector<float>& tmp) {
    const int sx = int(std::lround(coarseShift_[std::size_t(f)].dx / c.factor));
    const int sy = int(std::lround(coarseShift_[std::size_t(f)].dy / c.factor));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const int mx = std::min(w - 1, std::max(0, x - sx)), my = std::min(h - 1, std::max(0, y - sy));
        d[std::size_t(y * w + x)] = float(sign_) * (c.opacity[std::size_t(f)].at(x, y) - coarseMask_.at(mx, my));
      }
    binomial3(d.data(), s.data(), tmp.data(), w, h);
  };
  const std::size_t n = std::size_t(w) * std::size_t(h);
  std::vector<float> d(n), s(n), tmp(n);
  difference(peakFrame_, d, s, tmp);
  const double radius = std::max(1.0, 1.5 / (pixelMm_ * c.factor));
  const auto seeds = discPixels(scx + coarseShift_[std::size_t(peakFrame_)].dx / c.factor,
                                scy + coarseShift_[std::size_t(peakFrame_)].dy / c.factor, radius, w, h);
  std::vector<float> seedValues;
  for (int i : seeds) seedValues.push_back(s[std::size_t(i)]);
  const double level = median(seedValues);
  // Subsample for the noise estimate: every 7th pixel is plenty and fast.
  std::vector<float> sample;
  for (std::size_t i = 0; i < n; i += 7) sample.push_back(s[i]);
  const double sigma = robustSigma(sample);
  const float threshold = float(std::max(0.35 * level, 4 * sigma));

  std::vector<std::vector<std::uint8_t>> unions(workers_, std::vector<std::uint8_t>(n, 0));
  struct Buffers {
    std::vector<float> d, s, tmp;
    std::vector<std::uint8_t> comp;
    std::vector<int> queue;
  };
  std::vector<Buffers> buffers(workers_);
  ItemProgress extentDone(stage(Stage::Coarse).part(0.5, 1), frames_ - arrival_);
  parallelFor(frames_ - arrival_, workers_, [&](int i, unsigned worker) {
    const int f = arrival_ + i;
    extentDone.done();  // counted at the start: the early returns below end a frame too
    Buffers& b = buffers[worker];
    b.d.resize(n);
    b.s.resize(n);
    b.tmp.resize(n);
    b.comp.resize(n);
    difference(f, b.d, b.s, b.tmp);
    const Shift2 sh = coarseShift_[std::size_t(f)];
    const auto fs = discPixels(scx + sh.dx / c.factor, scy + sh.dy / c.factor, radius, w, h);
    if (growComponent(b.s.data(), w, h, threshold, fs, b.comp.data(), b.queue) == 0) return;
    const int sx = int(std::lround(sh.dx / c.factor)), sy = int(std::lround(sh.dy / c.factor));
    std::vector<std::uint8_t>& u = unions[worker];
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (b.comp[std::size_t(y * w + x)]) {
          const int rx = std::min(w - 1, std::max(0, x - sx)), ry = std::min(h - 1, std::max(0, y - sy));
          u[std::size_t(ry * w + rx)] = 1;
        }
  });
  int minX = w, minY = h, maxX = -1, maxY = -1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool any = false;
      for (const auto& u : unions) any = any || u[std::size_t(y * w + x)];
      if (!any) continue;
      minX = std::min(minX, x), maxX = std::max(maxX, x), minY = std::min(minY, y), maxY = std::max(maxY, y);
    }
  const int k = c.factor;
  PixelBox extent;
  const int sx = int(std::lround(o_.injectionPoint[0])), sy = int(std::lround(o_.injectionPoint[1]));
  if (maxX < 0) {
    extent = {sx, sy, sx + 1, sy + 1};
  } else {
    extent = {minX * k, minY * k, (maxX + 1) * k, (maxY + 1) * k};
  }
  // Margin: the disc extends well beyond the nucleus that fills first (the outline
  // estimate needs its margins and some soft tissue beyond), at least 12 mm.
  const int margin = int(std::ceil(std::max(0.6 * std::max(extent.width(), extent.height()), 12.0 / pixelMm_)));
  roi_ = expandBox(extent, margin, s_.columns, s_.rows);
  double maxShift = 0;
  for (const Shift2& sh : coarseShift_) maxShift = std::max({maxShift, std::abs(sh.dx), std::abs(sh.dy)});
  padded_ = expandBox(roi_, int(std::ceil(maxShift)) + 4, s_.columns, s_.rows);
}

// Full-resolution mask over the padded ROI: the mask frames aligned to the reference
// and averaged in the intensity domain (noise drops with the square root of their number).
void Segmenter::buildMask() {
  const PixelBox& box = padded_;
  auto load = [&](int f, bool opacity) {
    FloatImage img(box);
    for (int y = box.y0; y < box.y1; ++y) {
      float* row = &img.at(box.x0, y);
      if (opacity)
        fx_.opacityRow(f, y, box.x0, box.x1, row);
      else
        fx_.domainRow(f, y, box.x0, box.x1, row);
    }
    return img;
  };
  TranslationRefiner refRefiner(load(reference_, true), roi_);
  const int count = maskLast_ - maskFirst_ + 1;
  std::vector<FloatImage> aligned(static_cast<std::size_t>(count));
  ItemProgress done(stage(Stage::Mask).part(0, 0.8), count);
  parallelFor(count, workers_, [&](int i, unsigned) {
    done.done();  // counted at the start: the reference frame returns early
    const int f = maskFirst_ + i;
    FloatImage dom = load(f, false);
    if (f == reference_ || !o_.motionCorrection) {
      aligned[std::size_t(i)] = std::move(dom);
      return;
    }
    const Shift2 start{coarseShift_[std::size_t(f)].dx - coarseShift_[std::size_t(reference_)].dx,
                       coarseShift_[std::size_t(f)].dy - coarseShift_[std::size_t(reference_)].dy};
    const Shift2 sh = refRefiner.refine(load(f, true), start).shift;
    FloatImage out(box);
    for (int y = box.y0; y < box.y1; ++y)
      for (int x = box.x0; x < box.x1; ++x) out.at(x, y) = dom.sample(x + sh.dx, y + sh.dy);
    aligned[std::size_t(i)] = std::move(out);
  });
  maskDomain_ = FloatImage(box);
  for (const FloatImage& a : aligned)
    for (std::size_t i = 0; i < a.values.size(); ++i) maskDomain_.values[i] += a.values[i];
  FloatImage maskOpacity(box);
  for (std::size_t i = 0; i < maskDomain_.values.size(); ++i) {
    maskDomain_.values[i] /= float(count);
    maskOpacity.values[i] = fx_.domainToOpacity(maskDomain_.values[i]);
  }
  refiner_ = TranslationRefiner(std::move(maskOpacity), roi_);
}

Shift2 Segmenter::frameShift(int f, Scratch& sc) const {
  if (f == reference_ || !o_.motionCorrection) return {};
  return refiner_.refine(sc.opacity, coarseShift_[std::size_t(f)]).shift;
}

// sign * (opacity of frame f - mask shifted onto frame f) over the ROI, then smoothed.
void Segmenter::computeDifference(Shift2 shift, Scratch& sc) const {
  const int w = roi_.width(), h = roi_.height();
  // The shift is the same for the whole frame, so are the bilinear weights.
  const double sx = -shift.dx, sy = -shift.dy;
  const int ix = int(std::floor(sx)), iy = int(std::floor(sy));
  const float wx = float(sx - ix), wy = float(sy - iy);
  const float sgn = float(sign_);
  const FloatImage& m = maskDomain_;
  for (int y = 0; y < h; ++y) {
    const int gy = roi_.y0 + y;
    const int my0 = std::min(m.y0 + m.height - 1, std::max(m.y0, gy + iy));
    const int my1 = std::min(m.y0 + m.height - 1, std::max(m.y0, gy + iy + 1));
    const float* r0 = &m.values[std::size_t(my0 - m.y0) * std::size_t(m.width)];
    const float* r1 = &m.values[std::size_t(my1 - m.y0) * std::size_t(m.width)];
    const float* op = &sc.opacity.at(roi_.x0, gy);
    float* d = &sc.diff[std::size_t(y) * std::size_t(w)];
    for (int x = 0; x < w; ++x) {
      const int gx = roi_.x0 + x;
      const int mx0 = std::min(m.x0 + m.width - 1, std::max(m.x0, gx + ix)) - m.x0;
      const int mx1 = std::min(m.x0 + m.width - 1, std::max(m.x0, gx + ix + 1)) - m.x0;
      const float top = r0[mx0] + wx * (r0[mx1] - r0[mx0]);
      const float bottom = r1[mx0] + wx * (r1[mx1] - r1[mx0]);
      d[x] = sgn * (op[x] - fx_.domainToOpacity(top + wy * (bottom - top)));
    }
  }
  binomial3(sc.diff.data(), sc.smooth.data(), sc.tmp.data(), w, h);
}

// Frame f's opacity over the ROI, its motion, the smoothed difference to the mask and
// the seed pixels at the needle tip moved with the frame (ROI-local indices).
Shift2 Segmenter::subtractFrame(int f, Scratch& sc, std::vector<int>& seeds) const {
  const std::size_t n = roi_.area();
  if (sc.opacity.box().x0 != roi_.x0 || sc.opacity.values.size() != n) sc.opacity = FloatImage(roi_);
  sc.diff.resize(n);
  sc.smooth.resize(n);
  sc.tmp.resize(n);
  for (int y = roi_.y0; y < roi_.y1; ++y) fx_.opacityRow(f, y, roi_.x0, roi_.x1, &sc.opacity.at(roi_.x0, y));
  const Shift2 shift = frameShift(f, sc);
  computeDifference(shift, sc);
  seeds = discPixels(o_.injectionPoint[0] + shift.dx - roi_.x0, o_.injectionPoint[1] + shift.dy - roi_.y0,
                     seedRadiusPx_, roi_.width(), roi_.height());
  return shift;
}

std::size_t Segmenter::segmentFrame(int f, Scratch& sc, std::uint8_t* comp, Shift2& shift,
                                    std::size_t& residual) const {
  std::vector<int> seeds;
  shift = subtractFrame(f, sc, seeds);
  const std::size_t grown =
      growComponent(sc.smooth.data(), roi_.width(), roi_.height(), threshold_, seeds, comp, sc.queue);
  // Contrast only ever adds opacity, and the injected contrast is connected to the tip:
  // a difference as strong as the threshold the other way, or one not connected to the
  // tip, is an edge the registration left (or a change of the anatomy), not contrast.
  residual = 0;
  for (std::size_t i = 0; i < sc.smooth.size(); ++i)
    residual += sc.smooth[i] < -threshold_ || (sc.smooth[i] > threshold_ && !comp[i]);
  return grown;
}

// Contrast level at the needle tip and noise, on the frame where the tip is most opaque.
Status Segmenter::pilotThreshold() {
  Scratch sc;
  std::vector<int> seeds;
  subtractFrame(peakFrame_, sc, seeds);
  std::vector<float> at;
  for (int i : seeds) at.push_back(sc.smooth[std::size_t(i)]);
  std::vector<float> sample;
  for (std::size_t i = 0; i < sc.smooth.size(); i += 5) sample.push_back(sc.smooth[i]);
  r_.contrastLevel = median(at);
  r_.noiseSigma = robustSigma(sample);
  if (r_.contrastLevel < 5 * r_.noiseSigma)
    return makeError("contrast at the injection point is too faint to segment: level " + fmt(r_.contrastLevel, 3) +
                     " against noise " + fmt(r_.noiseSigma, 3) + " (frame " + std::to_string(peakFrame_ + 1) + ")");
  // Half-way between nothing and the nucleus level, a little lower because a leak is
  // a thinner layer of contrast than the nucleus; never inside the noise.
  threshold_ = float(std::max(0.45 * r_.contrastLevel, 4 * r_.noiseSigma));
  r_.threshold = threshold_;
  return {};
}

Status Segmenter::discOutline(const DiscBackground& background) {
  r_.injectionPoint = o_.injectionPoint;
  if (!o_.discOutline.empty()) {
    r_.discOutline = o_.discOutline;
    r_.discOutlineEstimated = false;
    r_.discOutlineMethod = "given";
  } else {
    DiscOutlineOptions opt;
    opt.pixelMm = pixelMm_;
    // Steel is far denser than the contrast-filled nucleus; bone edges are far less.
    opt.needleExcess = 0.5 * r_.contrastLevel;
    auto est = estimateDiscOutline(background, o_.injectionPoint, opt);
    if (!est) return makeError("disc outline could not be estimated (" + est.message() + "); give it with --disc");
    r_.discOutline = est->polygon;
    r_.discOutlineEstimated = true;
    r_.discOutlineMethod = est->method;
    if (est->edgeFraction < 0.6)
      r_.warnings.push_back("disc margin found on only " + fmt(100 * est->edgeFraction, 0) +
                            "% of directions; check the estimated outline");
  }
  r_.discCentre = polygonCentroid(r_.discOutline);
  return {};
}

void Segmenter::labelAndMeasure() {
  const std::size_t plane = roi_.area();
  const int w = roi_.width();
  const double pixelArea = r_.pixelAreaMm2();
  r_.perFrame.resize(std::size_t(frames_));
  std::atomic<bool> clipped{false};
  const int h = roi_.height();
  ItemProgress done(stage(Stage::Measure).part(0, 0.7), frames_);
  parallelFor(frames_, workers_, [&](int f, unsigned) {
    done.done();
    std::vector<std::uint8_t> inside(plane);
    rasterizePolygon(r_.discOutline, shifts_[std::size_t(f)], roi_, inside.data());
    std::uint8_t* lab = r_.roiLabels.data() + std::size_t(f) * plane;
    std::size_t one = 0, two = 0;
    for (std::size_t i = 0; i < plane; ++i) {
      if (!lab[i]) continue;
      lab[i] = inside[i] ? 1 : 2;
      (inside[i] ? one : two)++;
    }
    // Contrast on an edge of the ROI that is not an edge of the image was cut off there.
    bool edge = false;
    for (int x = 0; x < w && !edge; ++x)
      edge = (roi_.y0 > 0 && lab[std::size_t(x)]) || (roi_.y1 < s_.rows && lab[std::size_t(h - 1) * w + x]);
    for (int y = 0; y < h && !edge; ++y)
      edge = (roi_.x0 > 0 && lab[std::size_t(y) * w]) || (roi_.x1 < s_.columns && lab[std::size_t(y) * w + w - 1]);
    if (edge) clipped = true;
    LeakFrame& lf = r_.perFrame[std::size_t(f)];
    lf.frame = f + 1;
    lf.timeMs = s_.slices[std::size_t(f)].timeMs;
    lf.motion = shifts_[std::size_t(f)];
    lf.intradiscalPixels = one;
    lf.leakPixels = two;
    lf.intradiscalAreaMm2 = double(one) * pixelArea;
    lf.leakAreaMm2 = double(two) * pixelArea;
  });

  if (clipped)
    r_.warnings.push_back("contrast reaches the edge of the analysed region (" + std::to_string(roi_.width()) + "x" +
                          std::to_string(roi_.height()) + " pixels around the disc): the leak may extend beyond it");
  std::vector<std::size_t> leakCounts;
  for (const LeakFrame& lf : r_.perFrame) leakCounts.push_back(lf.leakPixels);
  // Smallest leak worth calling: 0.5 mm^2, and never fewer than 3 pixels.
  const std::size_t minPixels = std::max<std::size_t>(3, std::size_t(std::ceil(0.5 / pixelArea)));
  residualEdgeGuard(leakCounts, minPixels);
  const auto onset = leakOnsetIndex(leakCounts, minPixels, 2);
  r_.finalLeakAreaMm2 = r_.perFrame.back().leakAreaMm2;
  if (!onset) return;
  r_.leakOnsetFrame = *onset + 1;
  r_.leakOnsetMs = s_.slices[std::size_t(*onset)].timeMs;

  // Accumulated leak in reference coordinates (nearest pixel: area, not shape, matters here).
  std::vector<std::uint8_t> accumulated(plane, 0);
  for (int f = *onset; f < frames_; ++f) {
    const std::uint8_t* lab = r_.roiLabels.data() + std::size_t(f) * plane;
    const int dx = int(std::lround(shifts_[std::size_t(f)].dx)), dy = int(std::lround(shifts_[std::size_t(f)].dy));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        if (lab[std::size_t(y) * w + x] != 2) continue;
        const int rx = x - dx, ry = y - dy;
        if (rx >= 0 && ry >= 0 && rx < w && ry < h) accumulated[std::size_t(ry) * w + rx] = 1;
      }
  }
  r_.accumulatedLeakPixels = std::size_t(std::count(accumulated.begin(), accumulated.end(), std::uint8_t(1)));
  r_.accumulatedLeakAreaMm2 = double(r_.accumulatedLeakPixels) * pixelArea;
  std::vector<std::uint8_t> inside(plane);
  rasterizePolygon(r_.discOutline, Shift2{}, roi_, inside.data());
  LeakPathOptions po;
  po.minPixels = minPixels;
  r_.paths = findLeakPaths(accumulated.data(), inside.data(), roi_, r_.discCentre, po);
}

// Frames whose registered difference still shows strong edges of the wrong polarity
// disagree with the mask outside the contrast: their "leak" may be those edges' bright
// halves. They are flagged, named in a warning, and their leak does not count towards
// the onset (a leak is reported from frames that agree with the mask only).
void Segmenter::residualEdgeGuard(std::vector<std::size_t>& leakCounts, std::size_t minPixels) {
  std::vector<int> suspect;
  for (int f = 0; f < frames_; ++f) {
    LeakFrame& lf = r_.perFrame[std::size_t(f)];
    lf.residualEdgePixels = residual_[std::size_t(f)];
    // Noise alone leaves a few isolated pixels beyond the threshold (>= 4 sigma);
    // misregistration leaves a band along every edge, comparable to the contrast itself.
    const std::size_t allowed =
        std::max<std::size_t>(8 * minPixels, std::size_t(0.25 * double(lf.intradiscalPixels + lf.leakPixels)));
    lf.registrationSuspect = lf.residualEdgePixels > allowed;
    if (!lf.registrationSuspect) continue;
    suspect.push_back(f + 1);
    leakCounts[std::size_t(f)] = 0;
  }
  if (suspect.empty()) return;
  std::string frames;
  for (std::size_t i = 0; i < suspect.size() && i < 12; ++i) frames += (i ? ", " : "") + std::to_string(suspect[i]);
  if (suspect.size() > 12) frames += " and " + std::to_string(suspect.size() - 12) + " more";
  r_.warnings.push_back("residual edges after motion correction in frame" +
                        std::string(suspect.size() > 1 ? "s " : " ") + frames +
                        ": the registered frames disagree with the mask outside the contrast, so the leak there is "
                        "not reported (check for patient motion the correction could not follow)");
}

Result<LeakSegmentation> Segmenter::run() {
  if (Status st = validate(); !st) return st.error();
  frames_ = int(s_.sliceCount());
  workers_ = workerCount(o_.threads, frames_);
  r_.columns = s_.columns;
  r_.rows = s_.rows;
  r_.frames = frames_;
  r_.calibration = s_.calibration.kind;
  r_.calibrationDescription = s_.calibration.description;
  r_.pixelWidthMm = s_.spacing[0] > 0 ? s_.spacing[0] : 1.0;
  r_.pixelHeightMm = s_.spacing[1] > 0 ? s_.spacing[1] : 1.0;
  if (r_.calibration == Calibration::None) {
    r_.pixelWidthMm = r_.pixelHeightMm = 1.0;
    r_.warnings.push_back("no pixel spacing in the header: areas are in pixels, not mm^2");
  } else if (r_.calibration == Calibration::Detector) {
    r_.warnings.push_back(
        "spacing is at the detector (no magnification factor): areas are overestimated by the "
        "geometric magnification squared");
  }
  pixelMm_ = std::sqrt(r_.pixelWidthMm * r_.pixelHeightMm);
  seedRadiusPx_ = std::max(2.0, 1.5 / pixelMm_);

  using Clock = std::chrono::steady_clock;
  auto t = Clock::now();
  const auto start = t;
  auto lap = [&t](double& ms) {
    const auto now = Clock::now();
    ms = std::chrono::duration<double, std::milli>(now - t).count();
    t = now;
  };
  const Error kCancelled{"leak segmentation cancelled"};
  progress_.start();
  if (cancelled()) return kCancelled;
  coarse_ = reduceFrames(fx_, workers_, stage(Stage::Reduce), o_.cancel);
  lap(r_.timings.reduceMs);
  if (cancelled()) return kCancelled;
  if (Status st = findContrastArrival(); !st) return st.error();
  coarseMotionAndExtent();
  lap(r_.timings.coarseMs);
  stage(Stage::Coarse).reach(1);
  if (cancelled()) return kCancelled;
  buildMask();
  if (Status st = pilotThreshold(); !st) return st.error();
  lap(r_.timings.maskMs);
  stage(Stage::Mask).reach(1);
  if (cancelled()) return kCancelled;
  r_.roi = roi_;
  r_.referenceFrame = reference_ + 1;
  r_.maskFirstFrame = maskFirst_ + 1;
  r_.maskLastFrame = maskLast_ + 1;

  // Pass 1: contrast component per frame, and the contrast-free background for the
  // outline estimate (frames spread over the cine, contrast and its rim left out).
  const std::size_t plane = roi_.area();
  r_.roiLabels.assign(std::size_t(frames_) * plane, 0);
  shifts_.assign(std::size_t(frames_), Shift2{});
  residual_.assign(std::size_t(frames_), 0);
  const bool estimate = o_.discOutline.empty();
  const int backgroundStride = std::max(1, frames_ / 16);
  int sampledFrames = 0;
  for (int f = arrival_; f < frames_; f += backgroundStride) ++sampledFrames;
  std::vector<Scratch> scratch(workers_);
  std::optional<BackgroundSampler> sampler;
  if (estimate) sampler.emplace(roi_, workers_);
  const FloatImage& maskOpacity = refiner_.reference();
  ItemProgress framesDone(stage(Stage::Frames), frames_);
  parallelFor(frames_, workers_, [&](int f, unsigned worker) {
    if (cancelled()) return;  // the remaining frames are skipped; run() then returns the error
    Scratch& sc = scratch[worker];
    std::uint8_t* comp = r_.roiLabels.data() + std::size_t(f) * plane;
    Shift2 shift;
    segmentFrame(f, sc, comp, shift, residual_[std::size_t(f)]);
    shifts_[std::size_t(f)] = shift;
    framesDone.done();  // the background sampling below is a small part of a frame's work
    if (sampler && f >= arrival_ && (f - arrival_) % backgroundStride == 0)
      sampler->add(worker, comp, shift, sc.opacity, maskOpacity);
  });

  lap(r_.timings.framesMs);
  if (cancelled()) return kCancelled;
  DiscBackground background;
  if (sampler) {
    const double slope = std::abs(s_.slices[std::size_t(reference_)].rescaleSlope);
    const bool logarithmic = fx_.model().logarithmic;
    // Never below one quantisation step: with little noise, averaging frames does not
    // average away the staircase that 8 bits make of a smooth gradient, and each of its
    // steps would otherwise look like a significant edge.
    auto quantum = [&](int x, int y) {
      return logarithmic ? slope : slope / std::max(0.5, double(maskDomain_.at(x, y)));
    };
    background = sampler->combine(maskOpacity, double(maskLast_ - maskFirst_ + 1), sign_,
                                  double(r_.noiseSigma * r_.noiseSigma) * 7.1, quantum, sampledFrames > 0);
  }
  if (Status st = discOutline(background); !st) return st.error();
  lap(r_.timings.outlineMs);
  stage(Stage::Outline).reach(1);
  labelAndMeasure();
  lap(r_.timings.measureMs);
  r_.timings.totalMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  progress_.finish();
  return std::move(r_);
}

}  // namespace

Result<LeakSegmentation> segmentLeak(const Series& series, const LeakSegmentationOptions& options) {
  Segmenter segmenter(series, options);
  return segmenter.run();
}

}  // namespace annulo
