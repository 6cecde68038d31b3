#include "annulo/processing/LeakReport.h"

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNrrdImageIO.h>

#include <cmath>

namespace annulo {

namespace {
using nlohmann::json;

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
json point(const Point2& p) { return json::array({round3(p[0]), round3(p[1])}); }
}  // namespace

json leakReportJson(const LeakSegmentation& r, const Series& s) {
  const bool calibrated = r.calibration != Calibration::None;
  auto area = [&](double mm2) -> json { return calibrated ? json(round3(mm2)) : json(nullptr); };
  const double pxMm = std::sqrt(r.pixelWidthMm * r.pixelHeightMm);

  json paths = json::array();
  for (const LeakPath& p : r.paths) {
    paths.push_back({{"exit_point", point(p.exitPoint)},
                     {"direction_deg", round3(p.directionDeg)},
                     {"clock", p.clock},
                     {"exit_angle_deg", round3(p.exitAngleDeg)},
                     {"exit_clock", p.exitClock},
                     {"tip", point(p.tip)},
                     {"length_mm", calibrated ? json(round3(p.lengthPx * pxMm)) : json(nullptr)},
                     {"length_px", round3(p.lengthPx)},
                     {"pixels", p.pixels}});
  }
  json perFrame = json::array();
  for (const LeakFrame& f : r.perFrame) {
    perFrame.push_back({{"frame", f.frame},
                        {"time_ms", round3(f.timeMs)},
                        {"intradiscal_area_mm2", area(f.intradiscalAreaMm2)},
                        {"leak_area_mm2", area(f.leakAreaMm2)},
                        {"intradiscal_pixels", f.intradiscalPixels},
                        {"leak_pixels", f.leakPixels},
                        {"motion_px", json::array({round3(f.motion.dx), round3(f.motion.dy)})},
                        // Edges left by motion the correction did not follow: such a
                        // frame's leak is not reported and does not set the onset.
                        {"residual_edge_pixels", f.residualEdgePixels},
                        {"registration_suspect", f.registrationSuspect}});
  }
  json outline = json::array();
  for (const Point2& p : r.discOutline) outline.push_back(point(p));
  const std::size_t finalLeakPixels = r.perFrame.empty() ? 0 : r.perFrame.back().leakPixels;
  return {
      {"series_uid", s.series.instanceUid},
      {"frames", r.frames},
      {"leak_onset_frame", r.leakOnsetFrame ? json(*r.leakOnsetFrame) : json(nullptr)},
      {"leak_onset_ms", r.leakOnsetMs ? json(round3(*r.leakOnsetMs)) : json(nullptr)},
      {"final_leak_area_mm2", area(r.finalLeakAreaMm2)},
      {"final_leak_pixels", finalLeakPixels},
      {"accumulated_leak_area_mm2", area(r.accumulatedLeakAreaMm2)},
      {"accumulated_leak_pixels", r.accumulatedLeakPixels},
      {"leak_path_count", r.paths.size()},
      {"leak_paths", paths},
      {"disc_outline_estimated", r.discOutlineEstimated},
      {"disc_outline_method", r.discOutlineMethod},
      {"disc_outline", outline},
      {"disc_centre", point(r.discCentre)},
      {"injection_point", point(r.injectionPoint)},
      {"coordinates",
       "image pixels (x = column, y = row, origin at the centre of the top-left pixel) of the reference frame " +
           std::to_string(r.referenceFrame) +
           "; angles: 0 = up on the image, clockwise; clock: 12 = up, 3 = image right"},
      {"calibration",
       {{"kind", calibrationName(r.calibration)},
        {"description", r.calibrationDescription},
        {"pixel_spacing_mm", calibrated ? json::array({r.pixelWidthMm, r.pixelHeightMm}) : json(nullptr)},
        {"area_unit", calibrated ? "mm2" : "px (no spacing in the header)"}}},
      {"reference_frame", r.referenceFrame},
      {"mask_frames", json::array({r.maskFirstFrame, r.maskLastFrame})},
      {"contrast_arrival_frame", r.contrastArrivalFrame},
      {"roi", json::array({r.roi.x0, r.roi.y0, r.roi.x1, r.roi.y1})},
      {"polarity", r.polarity},
      {"contrast_level", round3(r.contrastLevel)},
      {"threshold", round3(r.threshold)},
      {"noise_sigma", round3(r.noiseSigma)},
      {"warnings", r.warnings},
      {"per_frame", perFrame},
  };
}

Status writeLabelNrrd(const LeakSegmentation& r, const Series& s, const std::string& path) {
  using Image = itk::Image<std::uint8_t, 3>;
  auto image = Image::New();
  Image::SizeType size;
  size[0] = std::size_t(r.columns);
  size[1] = std::size_t(r.rows);
  size[2] = std::size_t(r.frames);
  image->SetRegions(Image::RegionType(size));
  Image::SpacingType spacing;
  for (int i = 0; i < 3; ++i) spacing[unsigned(i)] = s.spacing[std::size_t(i)] > 0 ? s.spacing[std::size_t(i)] : 1.0;
  image->SetSpacing(spacing);
  try {
    image->Allocate();
  } catch (const itk::ExceptionObject& e) {
    return makeError("label map for " + path + ": cannot allocate: " + e.GetDescription());
  }
  const std::size_t plane = std::size_t(r.columns) * std::size_t(r.rows);
  for (int f = 1; f <= r.frames; ++f) r.copyFrameLabels(f, image->GetBufferPointer() + std::size_t(f - 1) * plane);
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(itk::NrrdImageIO::New());  // explicit: no reliance on IO factory registration
  writer->SetFileName(path);
  writer->SetInput(image);
  writer->UseCompressionOn();
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    return makeError("cannot write label map " + path + ": " + e.GetDescription());
  }
  return {};
}

}  // namespace annulo
