#pragma once
// A teaching case folder from an annotated study: the de-identified images the
// tears are on, with the session's SR and GSPS (and SEG when a label map is
// given) de-identified in the same run so every reference still resolves, and a
// self-contained index.html (findings per disc level, the de-identification
// statement). Nothing identifying is written: the page is made from the
// de-identified SR, not from the session.
//
// PNG snapshots of each annotated frame (tear colour, leak label, scale bar; no
// burned-in text). Not yet in the bundle (issue 10 part 2): snapshots of 3D tears
// on their MR slice/MPR, the cine, the leak-area plot (they need VTK, which
// annulo_core must not link).

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/base/Result.h"
#include "annulo/deid/Deidentify.h"

namespace annulo::teaching {

struct TeachingCaseOptions {
  deid::DeidOptions deid;
  std::optional<std::string> labelsPath;  // uint8 label map (annulo-cli segment) -> DICOM SEG
};

struct TeachingCase {
  std::string indexHtml;  // CASE_DIR/index.html
  std::string dicomDir;   // CASE_DIR/dicom
  deid::DeidReport deid;
  int snapshots = 0;  // CASE_DIR/snapshots/tear-<n>.png, one per 2D tear
  std::vector<std::string> warnings;
};

// The session's source is reloaded (Session::sourcePath). Errors: no source, no
// tear, an export or the de-identification failing, a refused report.
Result<TeachingCase> writeTeachingCase(const Session& session, const std::string& caseDir,
                                       const TeachingCaseOptions& options);

}  // namespace annulo::teaching
