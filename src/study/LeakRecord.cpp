#include "annulo/study/LeakRecord.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkNrrdImageIO.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "annulo/net/PrivateFiles.h"
#include "annulo/study/StudyFolders.h"

namespace annulo {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using RoiImage = itk::Image<std::uint8_t, 3>;

json pt(const Point2& p) { return json::array({p[0], p[1]}); }
Point2 toPoint(const json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }

// The file stem of a series: its UID (digits and dots) or a hash when it is malformed.
std::string stem(const Series& s, const std::string& folder) {
  return (fs::path(folder) / sessionStem(s.series.instanceUid, folder)).string();
}

json pathJson(const LeakPath& p) {
  return {{"exit", pt(p.exitPoint)},          {"tip", pt(p.tip)},
          {"direction_deg", p.directionDeg},  {"clock", p.clock},
          {"exit_angle_deg", p.exitAngleDeg}, {"exit_clock", p.exitClock},
          {"length_px", p.lengthPx},          {"pixels", p.pixels}};
}

LeakPath pathFrom(const json& j) {
  LeakPath p;
  p.exitPoint = toPoint(j.at("exit"));
  p.tip = toPoint(j.at("tip"));
  p.directionDeg = j.at("direction_deg");
  p.clock = j.at("clock");
  p.exitAngleDeg = j.at("exit_angle_deg");
  p.exitClock = j.at("exit_clock");
  p.lengthPx = j.at("length_px");
  p.pixels = j.at("pixels");
  return p;
}

json frameJson(const LeakFrame& f) {
  return {{"frame", f.frame},
          {"time_ms", f.timeMs},
          {"motion", {f.motion.dx, f.motion.dy}},
          {"intradiscal_px", f.intradiscalPixels},
          {"leak_px", f.leakPixels},
          {"intradiscal_mm2", f.intradiscalAreaMm2},
          {"leak_mm2", f.leakAreaMm2}};
}

LeakFrame frameFrom(const json& j) {
  LeakFrame f;
  f.frame = j.at("frame");
  f.timeMs = j.at("time_ms");
  f.motion = {j.at("motion").at(0).get<double>(), j.at("motion").at(1).get<double>()};
  f.intradiscalPixels = j.at("intradiscal_px");
  f.leakPixels = j.at("leak_px");
  f.intradiscalAreaMm2 = j.at("intradiscal_mm2");
  f.leakAreaMm2 = j.at("leak_mm2");
  return f;
}

json toJson(const LeakSegmentation& r, const Series& s) {
  json j = {{"format", "annulo-leak-record/1"},
            {"series_uid", s.series.instanceUid},
            {"size", {r.columns, r.rows, r.frames}},
            {"roi", {r.roi.x0, r.roi.y0, r.roi.x1, r.roi.y1}},
            {"onset_frame", r.leakOnsetFrame ? json(*r.leakOnsetFrame) : json(nullptr)},
            {"onset_ms", r.leakOnsetMs ? json(*r.leakOnsetMs) : json(nullptr)},
            {"final_leak_mm2", r.finalLeakAreaMm2},
            {"accumulated_leak_mm2", r.accumulatedLeakAreaMm2},
            {"accumulated_leak_px", r.accumulatedLeakPixels},
            {"outline_estimated", r.discOutlineEstimated},
            {"outline_method", r.discOutlineMethod},
            {"disc_centre", pt(r.discCentre)},
            {"injection", pt(r.injectionPoint)},
            {"reference_frame", r.referenceFrame},
            {"mask_frames", {r.maskFirstFrame, r.maskLastFrame}},
            {"arrival_frame", r.contrastArrivalFrame},
            {"calibration", int(r.calibration)},
            {"calibration_description", r.calibrationDescription},
            {"pixel_mm", {r.pixelWidthMm, r.pixelHeightMm}},
            {"polarity", r.polarity},
            {"contrast_level", r.contrastLevel},
            {"threshold", r.threshold},
            {"noise_sigma", r.noiseSigma},
            {"warnings", r.warnings}};
  for (const auto& f : r.perFrame) j["per_frame"].push_back(frameJson(f));
  for (const auto& p : r.paths) j["paths"].push_back(pathJson(p));
  for (const auto& p : r.discOutline) j["outline"].push_back(pt(p));
  return j;
}

void fromJson(const json& j, LeakSegmentation& r) {
  r.columns = j.at("size").at(0);
  r.rows = j.at("size").at(1);
  r.frames = j.at("size").at(2);
  r.roi = {j.at("roi").at(0), j.at("roi").at(1), j.at("roi").at(2), j.at("roi").at(3)};
  if (!j.at("onset_frame").is_null()) r.leakOnsetFrame = j.at("onset_frame").get<int>();
  if (!j.at("onset_ms").is_null()) r.leakOnsetMs = j.at("onset_ms").get<double>();
  r.finalLeakAreaMm2 = j.at("final_leak_mm2");
  r.accumulatedLeakAreaMm2 = j.at("accumulated_leak_mm2");
  r.accumulatedLeakPixels = j.at("accumulated_leak_px");
  r.discOutlineEstimated = j.at("outline_estimated");
  r.discOutlineMethod = j.at("outline_method");
  r.discCentre = toPoint(j.at("disc_centre"));
  r.injectionPoint = toPoint(j.at("injection"));
  r.referenceFrame = j.at("reference_frame");
  r.maskFirstFrame = j.at("mask_frames").at(0);
  r.maskLastFrame = j.at("mask_frames").at(1);
  r.contrastArrivalFrame = j.at("arrival_frame");
  r.calibration = Calibration(j.at("calibration").get<int>());
  r.calibrationDescription = j.at("calibration_description");
  r.pixelWidthMm = j.at("pixel_mm").at(0);
  r.pixelHeightMm = j.at("pixel_mm").at(1);
  r.polarity = j.at("polarity");
  r.contrastLevel = j.at("contrast_level");
  r.threshold = j.at("threshold");
  r.noiseSigma = j.at("noise_sigma");
  r.warnings = j.at("warnings").get<std::vector<std::string>>();
  for (const auto& f : j.value("per_frame", json::array())) r.perFrame.push_back(frameFrom(f));
  for (const auto& p : j.value("paths", json::array())) r.paths.push_back(pathFrom(p));
  for (const auto& p : j.value("outline", json::array())) r.discOutline.push_back(toPoint(p));
}

Status writeRoi(const LeakSegmentation& r, const std::string& path) {
  auto image = RoiImage::New();
  RoiImage::SizeType size;
  size[0] = std::size_t(std::max(0, r.roi.width()));
  size[1] = std::size_t(std::max(0, r.roi.height()));
  size[2] = std::size_t(r.frames);
  image->SetRegions(RoiImage::RegionType(size));
  try {
    image->Allocate();
    std::copy(r.roiLabels.begin(), r.roiLabels.end(), image->GetBufferPointer());
    auto writer = itk::ImageFileWriter<RoiImage>::New();
    writer->SetImageIO(itk::NrrdImageIO::New());
    writer->SetFileName(path);
    writer->SetInput(image);
    writer->UseCompressionOn();
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    return makeError("cannot write " + path + ": " + e.GetDescription());
  }
  return {};
}

Status readRoi(const std::string& path, LeakSegmentation& r) {
  auto reader = itk::ImageFileReader<RoiImage>::New();
  reader->SetImageIO(itk::NrrdImageIO::New());
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    return makeError(path + ": cannot read the leak labels (" + std::string(e.GetDescription()) + ")");
  }
  const auto size = reader->GetOutput()->GetLargestPossibleRegion().GetSize();
  if (int(size[0]) != std::max(0, r.roi.width()) || int(size[1]) != std::max(0, r.roi.height()) ||
      int(size[2]) != r.frames)
    return makeError(path + ": leak labels do not match the region recorded beside them");
  const std::uint8_t* p = reader->GetOutput()->GetBufferPointer();
  r.roiLabels.assign(p, p + r.roi.area() * std::size_t(r.frames));
  return {};
}

}  // namespace

bool hasLeakRecord(const Series& s, const std::string& folder) { return fs::exists(stem(s, folder) + ".json"); }

void removeLeakRecord(const Series& s, const std::string& folder) {
  std::error_code ec;
  fs::remove(stem(s, folder) + ".json", ec);
  fs::remove(stem(s, folder) + ".nrrd", ec);
}

Status saveLeakRecord(const LeakSegmentation& leak, const Series& s, const std::string& folder) {
  // Patient data: the folder 0700 when made here, both files 0600 (PrivateFiles.h).
  if (Status st = makePrivateDirs(folder); !st) return st;
  const std::string base = stem(s, folder);
  // The labels first, the JSON last: a reader that finds the JSON finds its labels.
  if (Status st = writeRoi(leak, base + ".tmp.nrrd"); !st) return st;
  if (Status st = commitTemp(base + ".tmp.nrrd", base + ".nrrd"); !st) return st;
  return writePrivateFile(base + ".json", toJson(leak, s).dump(1) + "\n");
}

Result<std::shared_ptr<const LeakSegmentation>> loadLeakRecord(const Series& s, const std::string& folder) {
  const std::string base = stem(s, folder);
  std::ifstream in(base + ".json");
  if (!in) return makeError(base + ".json: no leak segmentation recorded for this series");
  auto leak = std::make_shared<LeakSegmentation>();
  try {
    std::stringstream text;
    text << in.rdbuf();
    const json j = json::parse(text.str());
    if (j.value("format", "") != "annulo-leak-record/1") return makeError(base + ".json: not a leak record");
    if (j.value("series_uid", "") != s.series.instanceUid)
      return makeError(base + ".json: recorded for series " + j.value("series_uid", "?"));
    fromJson(j, *leak);
  } catch (const std::exception& e) {
    return makeError(base + ".json: damaged leak record (" + e.what() + ")");
  }
  if (leak->columns != s.columns || leak->rows != s.rows || leak->frames != int(s.sliceCount()))
    return makeError(base + ".json: recorded for a " + std::to_string(leak->columns) + "x" +
                     std::to_string(leak->rows) + "x" + std::to_string(leak->frames) + " series, this one differs");
  if (Status st = readRoi(base + ".nrrd", *leak); !st) return st.error();
  return std::shared_ptr<const LeakSegmentation>(std::move(leak));
}

}  // namespace annulo
