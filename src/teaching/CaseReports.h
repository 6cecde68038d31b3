#pragma once
// Private: the one place the teaching case calls the SR/SEG/GSPS writers (the
// study model's export will replace this function).

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/sr/LabelMap.h"

namespace annulo::teaching {

struct CaseReportFiles {
  std::string sr, seg, gsps;  // paths written (seg/gsps empty when not written)
  std::vector<std::string> warnings;
};

// `labels` (optional) become a SEG of the series of their size.
Result<CaseReportFiles> writeCaseReports(const Session& session, const std::vector<Series>& series,
                                         const LabelMap* labels, const std::string& folder);

}  // namespace annulo::teaching
