// annulo-cli export-sr: a session's tears as a TID 1500 SR, optionally with the
// leak segmentation (DICOM SEG) and a presentation state (GSPS).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/sr/LabelMap.h"
#include "annulo/sr/SrExport.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli export-sr SESSION -o REPORT.dcm [--seg SEG.dcm --labels LABELS.nrrd] [--gsps PR.dcm]\n"
    "         [--observer NAME]\n"
    "  SESSION      session JSON written by 'annulo-cli annotate' (its source is reloaded)\n"
    "  --seg        also write the leak segmentation (needs --labels)\n"
    "  --labels     uint8 label map, columns x rows x frames (0 background, 1 contrast, 2 leak)\n"
    "  --gsps       also write a presentation state drawing the tears\n"
    "  --observer   the reader signing the report (DICOM PN, e.g. Doe^Jane); default: the session's\n";

int usageError(const std::string& why) {
  std::cerr << "annulo-cli export-sr: " << why << "\n" << kUsage;
  return kExitUsage;
}

int failure(const std::string& why) {
  std::cerr << "annulo-cli export-sr: " << why << "\n";
  return kExitFailure;
}

void printWarnings(const ExportedObject& object) {
  for (const auto& w : object.warnings) std::cerr << "warning: " << w << "\n";
}

bool referenced(const Session& session, const Series& series) {
  for (const auto& tear : session.tears) {
    const auto& g = tear.geometry;
    if (g.image.seriesInstanceUid == series.series.instanceUid) return true;
    for (const auto& slice : series.slices)
      if (!g.image.sopInstanceUid.empty() && slice.sopInstanceUid == g.image.sopInstanceUid) return true;
  }
  return false;
}

// The series a label map belongs to: same columns x rows x frames, preferring
// one the tears reference.
const Series* labelSeries(const Session& session, const std::vector<Series>& series, const LabelMap& map) {
  const Series* match = nullptr;
  for (const auto& s : series) {
    if (s.columns != map.columns || s.rows != map.rows || int(s.slices.size()) != map.frames) continue;
    if (referenced(session, s)) return &s;
    if (!match) match = &s;
  }
  return match;
}

// The series a presentation state draws on: the one with most 2D tears.
const Series* gspsSeries(const Session& session, const std::vector<Series>& series) {
  const Series* best = nullptr;
  std::size_t bestCount = 0;
  for (const auto& s : series) {
    std::size_t count = 0;
    for (const auto& tear : session.tears)
      for (const auto& slice : s.slices)
        if (slice.sopInstanceUid == tear.geometry.image.sopInstanceUid) {
          ++count;
          break;
        }
    if (count > bestCount) best = &s, bestCount = count;
  }
  return best;
}

}  // namespace

int runExportSr(const std::vector<std::string>& argv) {
  // DCMTK logs its own warnings (e.g. on UTF-8 text) to stderr; ours are reported below.
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
  auto args = parseArgs(argv, {"-o", "--seg", "--labels", "--gsps", "--observer"}, {});
  if (!args) return usageError(args.message());
  if (args->positional.size() != 1) return usageError("expects one SESSION file");
  if (!args->value("-o")) return usageError("-o REPORT.dcm is required");
  const auto segPath = args->value("--seg");
  const auto labelsPath = args->value("--labels");
  if (segPath && !labelsPath)
    return usageError(
        "--seg needs --labels LABELS.nrrd: the segmentation is made from a label map "
        "(columns x rows x frames, uint8, written by 'annulo-cli segment')");
  if (labelsPath && !segPath) return usageError("--labels is only used with --seg SEG.dcm");

  auto session = loadSession(args->positional[0]);
  if (!session) return failure(session.message());
  if (session->sourcePath.empty())
    return failure(args->positional[0] + ": the session names no source images (use 'annotate --source')");
  LoadOptions loadOptions;
  loadOptions.readPixels = false;
  auto loaded = loadSeries(session->sourcePath, loadOptions);
  if (!loaded) return failure(loaded.message());
  if (loaded->series.empty()) return failure(session->sourcePath + ": no image series found");
  std::vector<const Series*> sources;
  for (const auto& s : loaded->series) sources.push_back(&s);

  SrExportOptions options;
  if (const auto observer = args->value("--observer")) options.observerName = *observer;
  if (segPath) {
    auto map = readLabelMap(*labelsPath);
    if (!map) return failure(map.message());
    const Series* target = labelSeries(*session, loaded->series, *map);
    if (!target)
      return failure(*labelsPath + ": no loaded series is " + std::to_string(map->columns) + " x " +
                     std::to_string(map->rows) + " x " + std::to_string(map->frames));
    auto seg = exportSeg(*target, map->labels, *segPath);
    if (!seg) return failure(seg.message());
    printWarnings(*seg);
    options.segSopInstanceUid = seg->sopInstanceUid;
    options.segSeriesInstanceUid = seg->seriesInstanceUid;
    options.segSourceSeriesInstanceUid = target->series.instanceUid;
    std::cout << "wrote " << *segPath << " (segmentation of series " << target->series.instanceUid << ")\n";
  }

  auto sr = exportSr(*session, sources, *args->value("-o"), options);
  if (!sr) return failure(sr.message());
  printWarnings(*sr);
  std::cout << "wrote " << sr->path << " (" << session->tears.size() << " tear(s), SOP Instance " << sr->sopInstanceUid
            << ")\n";

  if (const auto gspsPath = args->value("--gsps")) {
    const Series* target = gspsSeries(*session, loaded->series);
    if (!target) return failure("--gsps: no tear is drawn on a loaded image");
    auto gsps = exportGsps(*session, *target, *gspsPath);
    if (!gsps) return failure(gsps.message());
    printWarnings(*gsps);
    std::cout << "wrote " << gsps->path << " (presentation state of series " << target->series.instanceUid << ")\n";
  }
  return kExitOk;
}

}  // namespace annulo::cli
