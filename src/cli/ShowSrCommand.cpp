// annulo-cli show-sr: the tears found in a DICOM SR (ours or another tool's),
// with everything that did not map listed, as text or JSON.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/sr/SrExport.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli show-sr FILE [--json] [--source PATH]\n"
    "  --source  check the SR's image references against the images under PATH\n";

template <typename T>
nlohmann::json optionalJson(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json tearJson(const TearAnnotation& t) {
  nlohmann::json j;
  j["id"] = t.id;
  j["tracking_uid"] = t.trackingUid;
  j["level"] = t.level;
  j["type"] = token(t.type);
  j["grade"] = t.grade;
  j["clock"] = optionalJson(t.clock);
  j["zone"] = t.zone ? nlohmann::json(token(*t.zone)) : nlohmann::json(nullptr);
  j["leak"] = token(t.leak);
  j["pain"] = token(t.pain);
  j["comment"] = t.comment;
  j["observer"] = t.observer;
  j["observed_at"] = t.observedAt;
  const TearGeometry& g = t.geometry;
  j["frame"] = g.image.frameNumber;
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : g.points)
    points.push_back(g.is3D() ? nlohmann::json({p[0], p[1], p[2]}) : nlohmann::json({p[0], p[1]}));
  j["geometry"] = {{"kind", token(g.kind)}, {"points", points}};
  j["referenced_sop_instance_uid"] = g.image.sopInstanceUid;
  j["referenced_sop_class_uid"] = g.image.sopClassUid;
  j["referenced_series_instance_uid"] = g.image.seriesInstanceUid;
  j["frame_of_reference_uid"] = g.frameOfReferenceUid;
  if (t.leakFigures) {
    const LeakFigures& f = *t.leakFigures;
    j["leak_figures"] = {{"area_mm2", optionalJson(f.areaMm2)},
                         {"onset_ms", optionalJson(f.onsetMs)},
                         {"onset_frame", optionalJson(f.onsetFrame)},
                         {"exit_direction_deg", optionalJson(f.exitDirectionDeg)},
                         {"calibration", f.calibration},
                         {"segmentation_sop_instance_uid", f.segmentationSopInstanceUid}};
  }
  if (t.catheter) {
    const CatheterPlan& c = *t.catheter;
    j["catheter"] = {{"target", {c.target[0], c.target[1]}},
                     {"entry", {c.entry[0], c.entry[1]}},
                     {"length_mm", c.lengthMm},
                     {"calibration", c.calibration}};
  }
  return j;
}

void printTear(std::ostream& out, const TearAnnotation& t) {
  const TearGeometry& g = t.geometry;
  out << "  " << (t.id.empty() ? "(no id)" : t.id) << "  " << (t.level.empty() ? "?" : t.level) << " " << token(t.type)
      << " grade " << t.grade;
  if (t.clock) out << ", " << *t.clock << " o'clock";
  if (t.zone) out << ", " << token(*t.zone);
  out << ", leak " << token(t.leak) << ", pain " << token(t.pain) << "\n    "
      << (g.points.empty() ? "no geometry" : token(g.kind));
  for (const auto& p : g.points) {
    out << " (" << p[0] << ", " << p[1];
    if (g.is3D()) out << ", " << p[2];
    out << ")";
  }
  if (!g.image.sopInstanceUid.empty()) {
    out << " on " << g.image.sopInstanceUid;
    if (g.image.frameNumber > 0) out << " frame " << g.image.frameNumber;
  }
  if (g.is3D()) out << " in frame of reference " << g.frameOfReferenceUid;
  out << "\n";
  if (t.leakFigures) {
    const LeakFigures& f = *t.leakFigures;
    out << "    leak:";
    if (f.areaMm2) out << " area " << *f.areaMm2 << " mm2";
    if (f.onsetMs) out << ", onset " << *f.onsetMs << " ms";
    if (f.onsetFrame) out << " (frame " << *f.onsetFrame << ")";
    if (f.exitDirectionDeg) out << ", exit " << *f.exitDirectionDeg << " deg";
    if (!f.calibration.empty()) out << " [" << f.calibration << "]";
    if (!f.segmentationSopInstanceUid.empty()) out << ", SEG " << f.segmentationSopInstanceUid;
    out << "\n";
  }
  if (t.catheter)
    out << "    catheter: target (" << t.catheter->target[0] << ", " << t.catheter->target[1] << "), entry ("
        << t.catheter->entry[0] << ", " << t.catheter->entry[1] << "), " << t.catheter->lengthMm << " mm ["
        << t.catheter->calibration << "]\n";
  if (!t.comment.empty()) out << "    comment: " << t.comment << "\n";
  if (!t.observer.empty()) out << "    observer: " << t.observer << "\n";
  if (!t.observedAt.empty()) out << "    observed: " << t.observedAt << "\n";
}

// The provocation record of one level as the SR carries it (computed and final side by side).
nlohmann::json provocationJson(const ImportedProvocation& p) {
  const ProvocationLevel& r = p.record;
  auto num = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"level", r.level},
          {"opening_psi", num(r.openingPsi)},
          {"pain_psi", num(r.painPsi)},
          {"peak_psi", num(r.peakPsi)},
          {"volume_ml", num(r.volumeAtPainMl)},
          {"total_ml", num(r.totalVolumeMl)},
          {"pain", r.painScore ? nlohmann::json(*r.painScore) : nlohmann::json(nullptr)},
          {"concordance", r.concordance ? nlohmann::json(token(*r.concordance)) : nlohmann::json(nullptr)},
          {"log_rows", r.log.size()},
          {"classification", p.computed ? nlohmann::json(token(*p.computed)) : nlohmann::json(nullptr)},
          {"reasons", p.reasons},
          {"final", r.override_ ? nlohmann::json(token(r.override_->classification)) : nlohmann::json(nullptr)},
          {"criteria_version", p.criteriaVersion},
          {"tear_tracking_uids", p.tearTrackingUids}};
}

}  // namespace

int runShowSr(const std::vector<std::string>& argv) {
  // DCMTK logs its own warnings (e.g. on UTF-8 text) to stderr; ours are reported below.
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
  auto args = parseArgs(argv, {"--source"}, {"--json"});
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli show-sr: " << (args ? "expects one FILE" : args.message()) << "\n" << kUsage;
    return kExitUsage;
  }
  SrImportOptions options;
  LoadResult loaded;
  if (const auto source = args->value("--source")) {
    LoadOptions lo;
    lo.readPixels = false;
    auto l = loadSeries(*source, lo);
    if (!l) {
      std::cerr << "annulo-cli show-sr: " << l.message() << "\n";
      return kExitFailure;
    }
    loaded = std::move(*l);
    for (const auto& s : loaded.series) options.loaded.push_back(&s);
  }
  auto imported = importSr(args->positional[0], options);
  if (!imported) {
    std::cerr << "annulo-cli show-sr: " << imported.message() << "\n";
    return kExitFailure;
  }
  const SrImport& sr = *imported;
  if (args->has("--json")) {
    nlohmann::json j;
    j["title"] = sr.documentTitle;
    j["sop_instance_uid"] = sr.sopInstanceUid;
    j["observer"] = sr.observer;
    j["tears"] = nlohmann::json::array();
    for (const auto& t : sr.tears) j["tears"].push_back(tearJson(t));
    j["provocation"] = nlohmann::json::array();
    for (const auto& p : sr.provocation) j["provocation"].push_back(provocationJson(p));
    j["unmapped"] = sr.unmapped;
    j["warnings"] = sr.warnings;
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << sr.documentTitle << ": " << sr.tears.size() << " tear(s)";
  if (!sr.observer.empty()) std::cout << ", observer " << sr.observer;
  std::cout << "\n";
  for (const auto& t : sr.tears) printTear(std::cout, t);
  for (const auto& p : sr.provocation) {
    std::cout << "  provocation " << p.record.level << ": computed " << (p.computed ? token(*p.computed) : "(none)");
    if (p.record.override_)
      std::cout << ", final " << token(p.record.override_->classification)
                << " (override: " << p.record.override_->reason << ")";
    std::cout << "; " << p.tearTrackingUids.size() << " tear(s) linked; criteria " << p.criteriaVersion << "\n";
  }
  if (!sr.unmapped.empty()) {
    std::cout << "not mapped to the model (" << sr.unmapped.size() << "):\n";
    for (const auto& u : sr.unmapped) std::cout << "  " << u << "\n";
  }
  for (const auto& w : sr.warnings) std::cerr << "warning: " << w << "\n";
  return kExitOk;
}

}  // namespace annulo::cli
