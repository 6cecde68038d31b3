// annulo-cli export-sr: a session's tears as a TID 1500 SR, optionally with the
// leak segmentation (DICOM SEG) and a presentation state (GSPS).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>

#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/sr/LabelMap.h"
#include "annulo/study/Study.h"

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

// One line per object: what it holds.
std::string describe(const ExportedObject& o, const Session& session) {
  if (o.sopClassUid == UID_SegmentationStorage) return "segmentation, SOP Instance " + o.sopInstanceUid;
  if (o.sopClassUid == UID_GrayscaleSoftcopyPresentationStateStorage)
    return "presentation state, SOP Instance " + o.sopInstanceUid;
  return std::to_string(session.tears.size()) + " tear(s), " + std::to_string(session.provocation.size()) +
         " provocation level(s), SOP Instance " + o.sopInstanceUid;
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
  StudyOptions studyOptions;
  studyOptions.load.readPixels = false;
  studyOptions.sessionFile = args->positional[0];
  studyOptions.readReports = false;
  auto study = Study::open(session->sourcePath, studyOptions);
  if (!study) return failure(study.message());
  if ((*study)->series().empty()) return failure(session->sourcePath + ": no image series found");
  (*study)->selectSession(session->studyInstanceUid);

  ExportRequest request;
  request.srPath = *args->value("-o");
  request.srWithoutTears = true;
  if (const auto gspsPath = args->value("--gsps")) request.gspsPath = *gspsPath;
  if (const auto observer = args->value("--observer")) request.observerName = *observer;
  if (segPath) {
    auto map = readLabelMap(*labelsPath);
    if (!map) return failure(map.message());
    const Series* target = (*study)->seriesForLabelMap(*map);
    if (!target)
      return failure(*labelsPath + ": no loaded series is " + std::to_string(map->columns) + " x " +
                     std::to_string(map->rows) + " x " + std::to_string(map->frames));
    if (Status st = (*study)->setLabels(*target, *map); !st) return failure(st.message());
    request.segPath = *segPath;
  }
  if (request.gspsPath && gspsTargets(session.value(), (*study)->exportInput().sources).empty())
    return failure("--gsps: no tear is drawn on a loaded image");

  const ExportReport report = (*study)->exportObjects(request);
  for (const auto& w : report.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& o : report.written) std::cout << "wrote " << o.path << " (" << describe(o, *session) << ")\n";
  for (const auto& f : report.failures) std::cerr << "annulo-cli export-sr: not written: " << f << "\n";
  if (!report.failures.empty() || report.written.empty()) return kExitFailure;
  return kExitOk;
}

}  // namespace annulo::cli
