#pragma once
// The key images of the provocation report: each frame a tear was marked on,
// rendered with the file's window and the tear's point/polyline/polygon drawn in
// the tear colour (with a scale bar), as PNG files beside the report
// (REPORT-images/snapshots/tear-N.png), referenced by relative path.

#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/report/ProvocationReport.h"

namespace annulo {

// `series` must be loaded with pixels. Tears whose image is not among them (or 3D
// tears) get no key image; the result lists the images written.
Result<std::vector<KeyImage>> writeKeyImages(const std::vector<TearAnnotation>& tears,
                                             const std::vector<Series>& series, const std::string& reportPath);

}  // namespace annulo
