#include "annulo/study/StudyReports.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsr/dsrtypes.h>

#include <algorithm>

#include "annulo/dicom/FileIdentity.h"

namespace annulo {
namespace {

// From the header alone: a damaged file can still say what it was meant to be, and a
// large SEG is not read whole to learn that it is not a report.
bool isStructuredReport(const std::string& path) {
  auto id = readFileIdentity(path);
  return id && DSRTypes::sopClassUIDToDocumentType(id->sopClassUid.c_str()) != DSRTypes::DT_invalid;
}

}  // namespace

std::vector<FoundReport> findReports(const LoadResult& study) {
  std::vector<FoundReport> out;
  SrImportOptions options;
  for (const auto& s : study.series) options.loaded.push_back(&s);
  for (const auto& r : study.rejected) {
    if (!isStructuredReport(r.path)) continue;
    auto imported = importSr(r.path, options);
    if (imported) {
      out.push_back({r.path, std::move(*imported), {}});
    } else {
      // An SR the loader could read (set aside only for having no pixels) has a broken
      // content tree; one it could not read is damaged, for the loader's reason.
      const bool readable = r.reason.rfind("non-image object", 0) == 0;
      out.push_back({r.path, std::nullopt, readable ? imported.message() : "damaged report: " + r.reason});
    }
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

}  // namespace annulo
