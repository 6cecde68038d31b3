#include "SeriesJson.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <iomanip>

namespace annulo::cli {
namespace {
std::string sopClassName(const std::string& uid) {
  const char* n = dcmFindNameOfUID(uid.c_str(), nullptr);
  return n ? n : uid;
}
}  // namespace

nlohmann::json seriesSummary(const Series& s) {
  nlohmann::json j;
  j["series_uid"] = s.series.instanceUid;
  j["study_uid"] = s.study.instanceUid;
  j["patient_id"] = s.patient.id;
  j["modality"] = s.series.modality;
  j["description"] = s.series.description;
  j["series_number"] = s.series.number;
  j["sop_class_uid"] = s.sopClassUid;
  j["sop_class"] = sopClassName(s.sopClassUid);
  j["transfer_syntax"] = s.transferSyntaxUid;
  j["transfer_syntax_name"] = s.transferSyntaxName;
  j["photometric"] = s.photometric;
  j["sample_type"] = sampleTypeName(s.sampleType);
  j["bits_stored"] = s.bitsStored;
  j["dims"] = {s.columns, s.rows, s.sliceCount()};
  j["frames"] = s.sliceCount();
  j["multi_frame"] = s.multiFrame;
  j["spacing"] = {s.spacing[0], s.spacing[1], s.spacing[2]};
  j["origin"] = {s.origin[0], s.origin[1], s.origin[2]};
  j["calibration"] = {{"kind", calibrationName(s.calibration.kind)},
                      {"description", s.calibration.description},
                      {"detector_spacing", {s.calibration.detectorSpacing[0], s.calibration.detectorSpacing[1]}},
                      {"magnification", s.calibration.magnification}};
  j["frame_rate"] = s.frameRate();
  j["frame_time_ms"] = s.timing.nominalFrameTimeMs;
  j["timing_source"] = s.timing.source;
  j["invert_display"] = s.invertDisplay;
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& w : s.windows)
    windows.push_back({{"center", w.center}, {"width", w.width}, {"explanation", w.explanation}});
  j["windows"] = windows;
  j["voi_lut"] = s.voiLut ? nlohmann::json(s.voiLut->explanation) : nlohmann::json(nullptr);
  j["warnings"] = s.warnings;
  return j;
}

nlohmann::json rejectedJson(const std::vector<RejectedFile>& rejected) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : rejected) arr.push_back({{"path", r.path}, {"reason", r.reason}});
  return arr;
}

void printSeriesText(std::ostream& out, const Series& s) {
  out << "series " << s.series.instanceUid << "\n"
      << "  study " << s.study.instanceUid << "  patient " << s.patient.id << " (" << s.patient.name << ")\n"
      << "  " << s.series.modality << "  " << sopClassName(s.sopClassUid) << "  #" << s.series.number << " "
      << s.series.description << "\n"
      << "  size " << s.columns << " x " << s.rows << " x " << s.sliceCount() << (s.multiFrame ? " frames" : " slices")
      << ", " << sampleTypeName(s.sampleType) << " (" << s.bitsStored << " bits stored), " << s.photometric << "\n"
      << std::setprecision(6) << "  spacing " << s.spacing[0] << " x " << s.spacing[1] << " x " << s.spacing[2]
      << " mm [" << calibrationName(s.calibration.kind) << ": " << s.calibration.description << "]\n";
  if (s.frameRate() > 0)
    out << "  frame rate " << s.frameRate() << " fps (" << s.timing.source << ", " << s.timing.nominalFrameTimeMs
        << " ms/frame)\n";
  out << "  transfer syntax " << s.transferSyntaxName << "\n";
  for (const auto& w : s.windows)
    out << "  window " << w.center << " / " << w.width << (w.explanation.empty() ? "" : " (" + w.explanation + ")")
        << "\n";
  for (const auto& w : s.warnings) out << "  warning: " << w << "\n";
}

void printRejectedText(std::ostream& out, const std::vector<RejectedFile>& rejected) {
  if (rejected.empty()) return;
  out << "rejected " << rejected.size() << " file(s):\n";
  for (const auto& r : rejected) out << "  " << r.path << ": " << r.reason << "\n";
}

void reportNoSeries(std::ostream& out, const std::string& command, const LoadResult& loaded) {
  out << "annulo-cli " << command << ": " << (loaded.series.empty() ? "no usable series" : "no series with that UID")
      << "\n";
  printRejectedText(out, loaded.rejected);
}

const Series* findSeries(const LoadResult& loaded, const std::string& uid) {
  for (const auto& s : loaded.series)
    if (uid.empty() || s.series.instanceUid == uid) return &s;
  return nullptr;
}

}  // namespace annulo::cli
