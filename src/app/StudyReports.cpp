#include "StudyReports.h"

#include <algorithm>

namespace annulo::app {

std::vector<FoundReport> findReports(const LoadResult& study) {
  std::vector<FoundReport> out;
  SrImportOptions options;
  for (const auto& s : study.series) options.loaded.push_back(&s);
  for (const auto& r : study.rejected) {
    // Only objects the loader recognised as DICOM without pixels can be reports.
    if (r.reason.rfind("non-image object", 0) != 0) continue;
    auto imported = importSr(r.path, options);
    if (imported) out.push_back({r.path, std::move(*imported), {}});
    else if (r.reason.find("structured report") != std::string::npos) out.push_back({r.path, std::nullopt, imported.message()});
  }
  return out;
}

ImportCount importReport(AnnotationModel& model, const SrImport& report) {
  ImportCount count;
  for (TearAnnotation t : report.tears) {
    const auto& held = model.tears();
    const bool known = !t.trackingUid.empty() && std::any_of(held.begin(), held.end(), [&](const TearAnnotation& h) {
      return h.trackingUid == t.trackingUid;
    });
    if (known) {
      ++count.present;
      continue;
    }
    t.id.clear();  // the session names its own tears; the tracking UID keeps the link
    auto added = model.add(t);
    if (!added) {
      count.error = added.message();
      break;
    }
    ++count.added;
  }
  return count;
}

}  // namespace annulo::app
