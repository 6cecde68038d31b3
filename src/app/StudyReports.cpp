#include "StudyReports.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmsr/dsrtypes.h>

#include <algorithm>

namespace annulo::app {
namespace {

// A damaged file can still say what it was meant to be: its meta header comes first.
bool metaSaysStructuredReport(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_metaOnly).bad()) return false;
  OFString uid;
  if (file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, uid).bad()) return false;
  return DSRTypes::sopClassUIDToDocumentType(uid.c_str()) != DSRTypes::DT_invalid;
}

}  // namespace

std::vector<FoundReport> findReports(const LoadResult& study) {
  std::vector<FoundReport> out;
  SrImportOptions options;
  for (const auto& s : study.series) options.loaded.push_back(&s);
  for (const auto& r : study.rejected) {
    // Objects the loader recognised as DICOM without pixels may be reports; a file it
    // could not read is listed here only if its meta header names an SR class.
    if (r.reason.rfind("non-image object", 0) != 0) {
      if (metaSaysStructuredReport(r.path)) out.push_back({r.path, std::nullopt, "damaged report: " + r.reason});
      continue;
    }
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
