#pragma once
// Private: the one place the teaching case calls the SR/SEG/GSPS writers (the
// study model's export will replace this function).

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo::teaching {

struct CaseReportFiles {
  std::string sr, seg, gsps;  // paths written (seg/gsps empty when not written)
  std::vector<std::string> warnings;
};

Result<CaseReportFiles> writeCaseReports(const Session& session, const std::vector<Series>& series,
                                         const std::optional<std::string>& labelsPath, const std::string& folder);

}  // namespace annulo::teaching
