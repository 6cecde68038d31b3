#include "annulo/processing/Filters.h"

#include "TextFormat.h"

// GCC 12 reports a false -Warray-bounds inside ITK 5.2's NeighborhoodOperator (its
// derivative operators index a Size<2> through a loop it cannot bound); ours is clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <itkAdaptiveHistogramEqualizationImageFilter.h>
#include <itkBilateralImageFilter.h>
#include <itkCurvatureAnisotropicDiffusionImageFilter.h>
#include <itkMedianImageFilter.h>
#include <itkUnsharpMaskImageFilter.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cmath>
#include <sstream>

#include "annulo/processing/FilterParameters.h"
#include "annulo/processing/ItkView.h"
#include "processing/Progress.h"

namespace annulo {

const char* filterOpName(FilterOp op) {
  switch (op) {
    case FilterOp::Median:
      return "median";
    case FilterOp::Diffusion:
      return "diffusion";
    case FilterOp::Bilateral:
      return "bilateral";
    case FilterOp::Clahe:
      return "clahe";
    case FilterOp::Unsharp:
      return "unsharp";
    case FilterOp::Subtract:
      return "subtract";
    case FilterOp::Projection:
      return "mip";
  }
  return "?";
}

const std::vector<FilterOp>& allFilterOps() {
  static const std::vector<FilterOp> kOps{FilterOp::Median,  FilterOp::Diffusion, FilterOp::Bilateral, FilterOp::Clahe,
                                          FilterOp::Unsharp, FilterOp::Subtract,  FilterOp::Projection};
  return kOps;
}

Result<FilterOp> parseFilterOp(const std::string& name) {
  for (FilterOp op : allFilterOps())
    if (name == filterOpName(op)) return op;
  return makeError("unknown filter '" + name + "' (median, diffusion, bilateral, clahe, unsharp, subtract, mip)");
}

namespace {

using FloatImage2 = itk::Image<float, 2>;

std::string fmt(double v, int precision = 2) { return fixedText(v, precision); }

Error cancelledError(FilterOp op) { return makeError(std::string(filterOpName(op)) + " filter cancelled"); }

bool cancelled(const FilterOptions& o) { return processing_detail::cancelRequested(o.cancel); }

// Stored values of a frame as float, in a fresh ITK image with unit spacing: the
// float filters need their own buffer anyway, and pixel units keep the diffusion's
// stability limit (time step < spacing / 2^(N+1)) independent of the calibration.
template <typename T>
FloatImage2::Pointer floatFrame(const typename itk::Image<T, 2>::Pointer& view) {
  auto image = FloatImage2::New();
  image->SetRegions(view->GetLargestPossibleRegion());
  image->Allocate();
  const T* src = view->GetBufferPointer();
  float* dst = image->GetBufferPointer();
  const std::size_t n = view->GetLargestPossibleRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < n; ++i) dst[i] = float(src[i]);
  return image;
}

template <typename T, typename TImage>
void storeFrame(const TImage* result, std::uint8_t* dst, std::size_t n, double lo, double hi) {
  const auto* src = result->GetBufferPointer();
  T* out = reinterpret_cast<T*>(dst);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(std::lround(std::min(hi, std::max(lo, double(src[i])))));
}

// Robust noise of a frame in stored units: spread of the difference of horizontal
// neighbours (flat areas dominate), / sqrt(2).
template <typename T>
double frameNoise(const T* data, int w, int h) {
  std::vector<float> d;
  for (int y = 0; y < h; y += 2)
    for (int x = 0; x + 1 < w; x += 2) d.push_back(std::abs(float(data[y * w + x + 1]) - float(data[y * w + x])));
  if (d.empty()) return 1;
  auto mid = d.begin() + std::ptrdiff_t(d.size() / 2);
  std::nth_element(d.begin(), mid, d.end());
  return std::max(1e-3, 1.4826 * double(*mid) / std::sqrt(2.0));
}

template <typename T>
Status filterFrames(const Series& s, const FilterOptions& o, DerivedImage& out) {
  using Image = itk::Image<T, 2>;
  const double lo = minStoredValue(s.sampleType, s.bitsStored > 0 ? s.bitsStored : int(8 * sizeof(T)));
  const double hi = maxStoredValue(s.sampleType, s.bitsStored > 0 ? s.bitsStored : int(8 * sizeof(T)));
  const std::size_t n = std::size_t(s.columns) * std::size_t(s.rows);
  double rangeSigmaUsed = 0, domainSigmaUsed = 0;
  const processing_detail::ProgressSpan progress(o.progress, 0, 1);
  for (std::size_t f = 0; f < s.sliceCount(); ++f) {
    if (cancelled(o)) return cancelledError(o.op);
    auto view = frameView<T>(s, f);
    if (!view) return view.error();
    std::uint8_t* dst = out.frameData(int(f));
    try {
      switch (o.op) {
        case FilterOp::Median: {
          // Straight on the stored type: a median of integers is an integer.
          auto filter = itk::MedianImageFilter<Image, Image>::New();
          filter->SetRadius(unsigned(o.radius));
          filter->SetInput(*view);
          filter->Update();
          storeFrame<T>(filter->GetOutput(), dst, n, lo, hi);
          break;
        }
        case FilterOp::Diffusion: {
          auto filter = itk::CurvatureAnisotropicDiffusionImageFilter<FloatImage2, FloatImage2>::New();
          filter->SetInput(floatFrame<T>(*view));
          filter->SetNumberOfIterations(unsigned(o.iterations));
          filter->SetTimeStep(o.timeStep);
          filter->SetConductanceParameter(o.conductance);
          filter->Update();
          storeFrame<T>(filter->GetOutput(), dst, n, lo, hi);
          break;
        }
        case FilterOp::Bilateral: {
          auto filter = itk::BilateralImageFilter<FloatImage2, FloatImage2>::New();
          auto input = floatFrame<T>(*view);
          FloatImage2::SpacingType spacing;
          spacing[0] = s.spacing[0] > 0 ? s.spacing[0] : 1;
          spacing[1] = s.spacing[1] > 0 ? s.spacing[1] : 1;
          input->SetSpacing(spacing);  // the domain sigma is in mm
          const double range =
              o.rangeSigma > 0 ? o.rangeSigma : 3 * frameNoise((*view)->GetBufferPointer(), s.columns, s.rows);
          rangeSigmaUsed = std::max(rangeSigmaUsed, range);
          filter->SetInput(input);
          const double domain = o.domainSigmaMm > 0 ? o.domainSigmaMm : 1.5 * std::min(spacing[0], spacing[1]);
          domainSigmaUsed = domain;
          filter->SetDomainSigma(domain);
          filter->SetRangeSigma(range);
          filter->Update();
          storeFrame<T>(filter->GetOutput(), dst, n, lo, hi);
          break;
        }
        case FilterOp::Clahe: {
          auto filter = itk::AdaptiveHistogramEqualizationImageFilter<FloatImage2>::New();
          filter->SetInput(floatFrame<T>(*view));
          filter->SetAlpha(float(o.alpha));
          filter->SetBeta(float(o.beta));
          const int radius = o.radius > 1 ? o.radius : std::max(8, s.columns / 16);
          typename itk::AdaptiveHistogramEqualizationImageFilter<FloatImage2>::ImageSizeType r;
          r.Fill(unsigned(radius));
          filter->SetRadius(r);
          filter->Update();
          storeFrame<T>(filter->GetOutput(), dst, n, lo, hi);
          break;
        }
        case FilterOp::Unsharp: {
          auto filter = itk::UnsharpMaskImageFilter<FloatImage2, FloatImage2>::New();
          auto input = floatFrame<T>(*view);
          FloatImage2::SpacingType spacing;
          spacing[0] = s.spacing[0] > 0 ? s.spacing[0] : 1;
          spacing[1] = s.spacing[1] > 0 ? s.spacing[1] : 1;
          input->SetSpacing(spacing);  // sigma in mm
          filter->SetInput(input);
          filter->SetSigma(o.sigmaMm);
          filter->SetAmount(o.amount);
          filter->SetThreshold(o.threshold);
          filter->SetClamp(false);  // we clamp to the stored range ourselves
          filter->Update();
          storeFrame<T>(filter->GetOutput(), dst, n, lo, hi);
          break;
        }
        case FilterOp::Subtract:
        case FilterOp::Projection:
          return makeError("internal: not a per-frame filter");
      }
    } catch (const itk::ExceptionObject& e) {
      return makeError(std::string(filterOpName(o.op)) + " filter (ITK) failed on frame " + std::to_string(f + 1) +
                       ": " + e.GetDescription());
    }
    progress.reach(double(f + 1) / double(s.sliceCount()));
  }
  switch (o.op) {
    case FilterOp::Median:
      out.derivationDescription = "Median filter, radius " + std::to_string(o.radius) + " px (ITK MedianImageFilter)";
      out.seriesSuffix = "median r" + std::to_string(o.radius);
      break;
    case FilterOp::Diffusion:
      out.derivationDescription = "Curvature anisotropic diffusion, " + std::to_string(o.iterations) +
                                  " iterations, time step " + fmt(o.timeStep, 4) + ", conductance " +
                                  fmt(o.conductance) + " (ITK CurvatureAnisotropicDiffusionImageFilter)";
      out.seriesSuffix = "diffusion";
      break;
    case FilterOp::Bilateral:
      out.derivationDescription = "Bilateral filter, domain sigma " + fmt(domainSigmaUsed) + " mm, range sigma " +
                                  fmt(rangeSigmaUsed) + " (ITK BilateralImageFilter)";
      out.seriesSuffix = "bilateral";
      break;
    case FilterOp::Clahe:
      out.derivationDescription = "Adaptive histogram equalisation, alpha " + fmt(o.alpha) + ", beta " + fmt(o.beta) +
                                  ", radius " + std::to_string(o.radius > 1 ? o.radius : std::max(8, s.columns / 16)) +
                                  " px (ITK AdaptiveHistogramEqualizationImageFilter)";
      out.seriesSuffix = "CLAHE";
      break;
    case FilterOp::Unsharp:
      out.derivationDescription = "Unsharp mask, sigma " + fmt(o.sigmaMm) + " mm, amount " + fmt(o.amount) +
                                  ", threshold " + fmt(o.threshold) + " (ITK UnsharpMaskImageFilter)";
      out.seriesSuffix = "unsharp";
      break;
    default:
      break;
  }
  return {};
}

// Subtraction and projection are whole-cine operations of their own (Subtraction.h).
Result<DerivedImage> applyCineOperation(const Series& s, const FilterOptions& o) {
  const processing_detail::ProgressSpan progress(o.progress, 0, 1);
  if (o.op == FilterOp::Subtract) {
    SubtractionOptions so;
    so.maskFrame = o.maskFrame;
    so.motionCorrection = o.motionCorrection;
    so.threads = o.threads;
    so.progress = o.progress;
    so.cancel = o.cancel;
    auto r = subtractMask(s, so);
    if (!r && cancelled(o)) return cancelledError(o.op);
    return r;
  }
  // One pass of ITK over the cine, short: progress jumps from 0 to 1.
  progress.start();
  auto r = projectFrames(s, o.projection, o.firstFrame, o.lastFrame);
  if (r) progress.finish();
  return r;
}

}  // namespace

Result<DerivedImage> applyFilter(const Series& s, const FilterOptions& o) {
  if (s.isColor())
    return makeError(std::string(filterOpName(o.op)) + " filter needs a greyscale series; this series is colour (" +
                     s.photometric + ")");
  if (s.pixels.empty() || s.sliceCount() == 0) return makeError("filter: series has no pixel data loaded");
  if (Status st = checkFilterParameters(o); !st) return st.error();
  if (cancelled(o)) return cancelledError(o.op);
  if (o.op == FilterOp::Subtract || o.op == FilterOp::Projection) return applyCineOperation(s, o);

  DerivedImage out;
  out.columns = s.columns;
  out.rows = s.rows;
  out.frames = int(s.sliceCount());
  out.sampleType = s.sampleType;
  out.bitsStored = s.bitsStored > 0 ? s.bitsStored : int(8 * bytesPerSample(s.sampleType));
  out.bytes.resize(std::size_t(out.frames) * out.frameBytes());
  for (const SliceInfo& info : s.slices) {
    out.rescaleSlope.push_back(info.rescaleSlope);
    out.rescaleIntercept.push_back(info.rescaleIntercept);
  }
  out.photometric = s.photometric.empty() ? "MONOCHROME2" : s.photometric;
  for (int f = 0; f < out.frames; ++f) out.sourceFrames.push_back(f);
  if (!s.windows.empty()) out.window = s.windows.front();
  const processing_detail::ProgressSpan progress(o.progress, 0, 1);
  progress.start();
  const Status st = dispatchSampleType(s.sampleType, [&](auto tag) { return filterFrames<decltype(tag)>(s, o, out); });
  if (!st) return st.error();
  progress.finish();
  return out;
}

}  // namespace annulo
