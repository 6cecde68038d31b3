#pragma once
// The one export of a study's findings: the leak segmentation as DICOM SEG, the tears
// as a TID 1500 SR (referencing the SEG) and a presentation state (GSPS) for viewers
// without SR support. Each object is written on its own: one that fails is reported
// with its reason and costs the others nothing (the SR then leaves out the reference
// it cannot make). Every file is written under a temporary name and renamed when
// complete; a cancelled export removes what it wrote, so no partial output remains.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/dicom/Series.h"
#include "annulo/sr/SrExport.h"
#include "annulo/study/Job.h"

namespace annulo {

struct ExportRequest {
  std::string srPath;                   // empty: no SR
  std::optional<std::string> segPath;   // SEG of each segmented series (2nd: -2 before .dcm, ...)
  std::optional<std::string> gspsPath;  // GSPS of each series carrying 2D tears, most tears first
  std::string observerName;             // TID 1002 person observer; empty: the session's
  // An SR stating no tears (annulo-cli asks for one explicitly); the viewer exports
  // nothing when there is nothing to say.
  bool srWithoutTears = false;
};
// srPath with its siblings: REPORT.dcm, REPORT-seg.dcm, REPORT-pr.dcm.
ExportRequest siblingExport(const std::string& srPath);

struct SegmentedSeries {
  const Series* series = nullptr;
  std::shared_ptr<const std::vector<std::uint8_t>> labels;
};

struct ExportInput {
  Session session;
  std::vector<const Series*> sources;      // acquired series of the session's study
  std::vector<SegmentedSeries> segmented;  // acquired series with a non-empty label map
};

struct ExportReport {
  std::vector<ExportedObject> written;  // in the order SEG..., SR, GSPS...
  std::vector<std::string> failures;    // one per object not written, "SEG: reason"
  std::vector<std::string> warnings;
  bool cancelled = false;
  bool ok() const { return failures.empty() && !cancelled && !written.empty(); }
  std::vector<std::string> files() const;
  std::string summary() const;  // one line: what was written, what failed and why
};

// The series a GSPS draws on, most 2D tears first (only those with at least one).
std::vector<const Series*> gspsTargets(const Session& session, const std::vector<const Series*>& sources);

ExportReport exportStudy(const ExportInput& input, const ExportRequest& request, JobControl* control = nullptr);

}  // namespace annulo
