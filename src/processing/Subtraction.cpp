#include "annulo/processing/Subtraction.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <itkMaximumProjectionImageFilter.h>
#include <itkMinimumProjectionImageFilter.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "TextFormat.h"
#include "annulo/base/Parallel.h"
#include "annulo/processing/IntensityModel.h"
#include "annulo/processing/ItkView.h"
#include "annulo/processing/MotionCorrection.h"
#include "processing/Progress.h"
#include "processing/XrayFrames.h"

namespace annulo {

using processing_detail::XrayFrames;

bool isProjectionXray(const Series& s) {
  static const char* kModalities[] = {"XA", "RF", "DX", "CR", "MG", "IO", "PX", "RG"};
  for (const char* m : kModalities)
    if (s.series.modality == m) return true;
  if (s.header) {
    DcmDataset header(*s.header);
    OFString value;
    if (header.findAndGetOFString(DCM_PixelIntensityRelationship, value).good() && !value.empty()) return true;
  }
  return false;
}

namespace {

std::string fmt(double v, int precision = 2) { return fixedText(v, precision); }

Status checkFrames(const Series& s, const char* what) {
  if (s.isColor()) return makeError(std::string(what) + " needs a greyscale series; this series is colour");
  if (s.pixels.empty()) return makeError(std::string(what) + ": series has no pixel data loaded");
  if (s.sliceCount() < 2)
    return makeError(std::string(what) + " needs a cine of at least 2 frames; this series has " +
                     std::to_string(s.sliceCount()));
  return {};
}

template <typename T>
void storeClamped(std::uint8_t* dst, std::size_t index, double v, double lo, double hi) {
  reinterpret_cast<T*>(dst)[index] = static_cast<T>(std::lround(std::min(hi, std::max(lo, v))));
}

}  // namespace

Result<DerivedImage> subtractMask(const Series& s, const SubtractionOptions& o, std::vector<Shift2>* shiftsOut) {
  if (Status st = checkFrames(s, "mask subtraction"); !st) return st.error();
  const int frames = int(s.sliceCount());
  if (o.maskFrame < 1 || o.maskFrame > frames)
    return makeError("mask frame " + std::to_string(o.maskFrame) + " out of range 1.." + std::to_string(frames));
  // Frames of one view over time, not slices through a volume: subtracting a
  // neighbouring slice shows anatomy, not contrast.
  if (s.hasPatientGeometry) {
    const Vec3& a = s.slices.front().position;
    const Vec3& b = s.slices.back().position;
    const double apart =
        std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
    if (apart > 0.5)
      return makeError("mask subtraction needs a cine (one view over time); this series is a stack of " +
                       std::to_string(frames) + " slices " + fmt(apart, 1) + " mm apart");
  }
  const bool xray = isProjectionXray(s);
  XrayIntensityModel model = xrayIntensityModel(s);
  if (!xray) {
    // Linear subtraction of modality values: the "opacity" is the value itself.
    model.logarithmic = true;
    model.attenuationLowersValue = false;
    model.explanation = "not a projection X-ray image: linear subtraction of modality values";
  }
  const XrayFrames fx(s, model);
  const int w = s.columns, h = s.rows;
  const int mask = o.maskFrame - 1;

  DerivedImage out;
  out.columns = w;
  out.rows = h;
  out.frames = frames;
  out.sampleType = s.sampleType == SampleType::UInt8 ? SampleType::UInt8 : SampleType::UInt16;
  out.bitsStored = out.sampleType == SampleType::UInt8 ? 8 : std::max(12, std::min(16, s.bitsStored));
  const double full = maxStoredValue(out.sampleType, out.bitsStored);
  const double mid = std::ldexp(1.0, out.bitsStored - 1);
  // X-ray: a quarter of the range per natural-log unit (+-2 units = 7x intensity);
  // otherwise one stored unit per modality unit, the offset undone by the Modality LUT.
  const double gain = xray ? (full + 1) / 4 : 1.0;
  out.bytes.resize(std::size_t(frames) * out.frameBytes());
  // Modality LUT: X-ray (PixelIntensityRelationship LOG needs one, PS3.3 C.8.7.1.1.2):
  // modality value = 1000 x ln(frame intensity / mask intensity), negative (dark under
  // MONOCHROME2) where contrast came. Thousandths keep the window in a range the
  // classic LINEAR VOI function handles (it assumes steps of about one unit).
  // Otherwise the difference in the source's modality units.
  out.rescaleSlope.assign(std::size_t(frames), xray ? 1000.0 / gain : 1.0);
  out.rescaleIntercept.assign(std::size_t(frames), xray ? -1000.0 * mid / gain : -mid);
  out.photometric = "MONOCHROME2";
  for (int f = 0; f < frames; ++f) out.sourceFrames.push_back(f);
  // Window in modality units (applied after the Modality LUT): +-1 ln unit for X-ray.
  out.window = xray ? WindowPreset{0.0, 2000.0, "SUBTRACTION"} : WindowPreset{0.0, full + 1, "SUBTRACTION"};
  if (xray) out.pixelIntensityRelationship = "LOG";

  // Motion: phase correlation on ~256-pixel reductions, then sub-pixel refinement
  // on the central 80% of the frame (image borders carry collimator edges, not anatomy).
  const int factor = std::max(1, std::min(w, h) / 256);
  const unsigned workers = workerCount(o.threads, frames);
  const PixelBox all{0, 0, w, h};
  FloatImage maskDomain(all), maskOpacity(all);
  for (int y = 0; y < h; ++y) {
    fx.domainRow(mask, y, 0, w, &maskDomain.at(0, y));
    fx.opacityRow(mask, y, 0, w, &maskOpacity.at(0, y));
  }
  const PixelBox central{w / 10, h / 10, w - w / 10, h - h / 10};
  const FloatImage coarseMask = processing_detail::reduceFrame(fx, mask, factor);
  const TranslationRefiner refiner(maskOpacity, central);
  std::vector<Shift2> shifts(static_cast<std::size_t>(frames));
  const processing_detail::ProgressSpan progress(o.progress, 0, 1);
  progress.start();
  processing_detail::ItemProgress framesDone(progress, frames);
  std::atomic<bool> stopped{false};
  parallelFor(frames, workers, [&](int f, unsigned) {
    // Once cancelled, the remaining frames are skipped, not computed.
    if (stopped.load(std::memory_order_relaxed) || processing_detail::cancelRequested(o.cancel)) {
      stopped.store(true, std::memory_order_relaxed);
      return;
    }
    FloatImage opacity(all);
    for (int y = 0; y < h; ++y) fx.opacityRow(f, y, 0, w, &opacity.at(0, y));
    Shift2 shift;
    if (o.motionCorrection && f != mask) {
      const FloatImage coarse = processing_detail::reduceFrame(fx, f, factor);
      const ShiftEstimate pc = phaseCorrelate(coarseMask, coarse, 0.5 * coarse.width, 0.5 * coarse.height, 128);
      if (pc.confidence > 0.02) shift = {pc.shift.dx * factor, pc.shift.dy * factor};
      shift = refiner.refine(opacity, shift).shift;
    }
    shifts[std::size_t(f)] = shift;
    std::uint8_t* dst = out.frameData(f);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const double m = fx.domainToOpacity(maskDomain.sample(x - shift.dx, y - shift.dy));
        // Opacity rises with attenuation whatever the stored polarity (IntensityModel).
        const double change = opacity.at(x, y) - m;
        // Contrast (more opacity) goes dark: mid - gain * change.
        const double v = xray ? mid - gain * change : mid + change;
        const std::size_t i = std::size_t(y) * std::size_t(w) + std::size_t(x);
        if (out.sampleType == SampleType::UInt8)
          storeClamped<std::uint8_t>(dst, i, v, 0, full);
        else
          storeClamped<std::uint16_t>(dst, i, v, 0, full);
      }
    framesDone.done();
  });
  if (stopped) return makeError("mask subtraction cancelled");
  if (shiftsOut) *shiftsOut = shifts;
  double maxShift = 0;
  for (const Shift2& sh : shifts) maxShift = std::max(maxShift, std::hypot(sh.dx, sh.dy));
  out.derivationDescription =
      std::string(xray ? "Mask subtraction in log space: stored value = " + fmt(mid, 0) + " - " + fmt(gain, 0) +
                             " x ln(mask intensity / frame intensity); modality value = 1000 x ln(frame / mask)"
                       : "Linear mask subtraction: modality value = frame - mask") +
      ", mask frame " + std::to_string(o.maskFrame) +
      (o.motionCorrection ? ", motion-corrected by translation (largest " + fmt(maxShift) + " px)"
                          : ", no motion correction");
  out.seriesSuffix = "DSA mask " + std::to_string(o.maskFrame);
  progress.finish();
  return out;
}

namespace {

template <typename T>
Result<DerivedImage> projectTyped(const Series& s, bool minimum, int first, int last) {
  using Image = itk::Image<T, 3>;
  const std::size_t count = std::size_t(last - first + 1);
  auto view = wrapBuffer<T, 3>(reinterpret_cast<const T*>(s.sliceData(std::size_t(first))),
                               {std::size_t(s.columns), std::size_t(s.rows), count},
                               {s.spacing[0], s.spacing[1], s.spacing[2]});
  DerivedImage out;
  out.columns = s.columns;
  out.rows = s.rows;
  out.frames = 1;
  out.sampleType = s.sampleType;
  out.bitsStored = s.bitsStored;
  out.bytes.resize(out.frameBytes());
  try {
    typename Image::Pointer result;
    if (minimum) {
      auto filter = itk::MinimumProjectionImageFilter<Image, Image>::New();
      filter->SetProjectionDimension(2);
      filter->SetInput(view);
      filter->Update();
      result = filter->GetOutput();
    } else {
      auto filter = itk::MaximumProjectionImageFilter<Image, Image>::New();
      filter->SetProjectionDimension(2);
      filter->SetInput(view);
      filter->Update();
      result = filter->GetOutput();
    }
    std::copy_n(reinterpret_cast<const std::uint8_t*>(result->GetBufferPointer()), out.frameBytes(), out.bytes.data());
  } catch (const itk::ExceptionObject& e) {
    return makeError(std::string("intensity projection (ITK): ") + e.GetDescription());
  }
  return out;
}

}  // namespace

Result<DerivedImage> projectFrames(const Series& s, ProjectionMode mode, int first, int last) {
  if (Status st = checkFrames(s, "intensity projection"); !st) return st.error();
  const int frames = int(s.sliceCount());
  if (first == 0) first = 1;
  if (last == 0) last = frames;
  if (first < 1 || last > frames || first > last)
    return makeError("projection frame range " + std::to_string(first) + ".." + std::to_string(last) +
                     " is not within 1.." + std::to_string(frames));
  for (int f = first; f <= last; ++f)
    if (s.slices[std::size_t(f - 1)].rescaleSlope != s.slices[std::size_t(first - 1)].rescaleSlope ||
        s.slices[std::size_t(f - 1)].rescaleIntercept != s.slices[std::size_t(first - 1)].rescaleIntercept)
      return makeError("intensity projection: frames " + std::to_string(first) + " and " + std::to_string(f) +
                       " have different rescale slope/intercept; their stored values are not comparable");
  bool minimum = mode == ProjectionMode::Minimum;
  std::string why = mode == ProjectionMode::Auto ? "" : " (requested)";
  if (mode == ProjectionMode::Auto) {
    // Keep what contrast does: in X-ray, contrast attenuates; whether that lowers the
    // stored values is the data's polarity (sign / MONOCHROME1), not an assumption.
    const bool xray = isProjectionXray(s);
    minimum = xray && xrayIntensityModel(s).attenuationLowersValue;
    why = xray ? " (contrast " + std::string(minimum ? "lowers" : "raises") +
                     " the stored values: " + xrayIntensityModel(s).explanation + ")"
               : " (not an X-ray projection image: brightest value)";
  }
  auto r = dispatchSampleType(s.sampleType,
                              [&](auto tag) { return projectTyped<decltype(tag)>(s, minimum, first - 1, last - 1); });
  if (!r) return r;
  DerivedImage out = std::move(r).value();
  out.rescaleSlope = {s.slices[std::size_t(first - 1)].rescaleSlope};
  out.rescaleIntercept = {s.slices[std::size_t(first - 1)].rescaleIntercept};
  out.photometric = s.photometric.empty() ? "MONOCHROME2" : s.photometric;
  out.sourceFrames = {-1};
  if (!s.windows.empty()) out.window = s.windows.front();
  out.derivationDescription = std::string(minimum ? "Minimum" : "Maximum") + " intensity projection of frames " +
                              std::to_string(first) + "-" + std::to_string(last) + why;
  out.seriesSuffix = std::string(minimum ? "MinIP" : "MIP");
  return out;
}

}  // namespace annulo
