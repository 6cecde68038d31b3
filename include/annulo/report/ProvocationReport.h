#pragma once
// A one-page, printable HTML report of a provocation (discography) study for
// the referring physician: patient and study, the per-level table (pressures
// in psi and kPa, volumes, pain, concordance, Dallas grade, leak,
// classification computed and final), the pressure-volume curve of each level
// as inline SVG with pain marks, the tears, the conclusion line per level and
// the reader's name. Self-contained (no scripts, no external files): a
// browser prints it to PDF.

#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/annotation/ProvocationCriteria.h"
#include "annulo/dicom/Series.h"

namespace annulo {

// A key image: a frame a tear was marked on, with the tear drawn (KeyImages.h).
struct KeyImage {
  std::string tearId, level;
  std::string file;     // PNG, relative to the report (as the <img src>)
  std::string caption;  // level, type, grade, frame, scale bar
};

struct ReportContext {
  PatientInfo patient;
  StudyInfo study;
  std::string institution;
  std::string readerName;           // who signs; empty: the session's observer, else the levels' observer
  std::string generatedAt;          // ISO 8601, shown in the footer
  std::vector<KeyImage> keyImages;  // shown under the tears; none: the section says why
  std::string keyImagesNote;        // why there are none (e.g. the source images are not loadable)
};

// Patient, study and institution from a loaded series (DICOM Patient / General
// Study / General Equipment modules, PS3.3 C.7.1.1, C.7.2.1, C.7.5.1).
ReportContext reportContextFrom(const Series& series);

std::string provocationReportHtml(const Session& session, const ReportContext& context,
                                  const ProvocationCriteria& criteria = defaultProvocationCriteria());

// The pressure-volume curve of one level as an <svg> element: the log rows
// (volume on x, pressure on y) with pain marks, or the recorded points when
// there is no log; opening pressure and opening + the criteria's limit dashed.
std::string pressureVolumeSvg(const ProvocationLevel& level, const ProvocationCriteria& criteria);

// Text escaped for HTML element content and attribute values.
std::string escapeHtml(const std::string& text);

}  // namespace annulo
