#pragma once
// The leak segmentation of one acquired series, kept with its study's session so it
// comes back when the study is reopened (and the export still writes its SEG):
//   <session folder>/<stem>.leak/<SeriesInstanceUID>.json  every figure, full precision
//   <session folder>/<stem>.leak/<SeriesInstanceUID>.nrrd  the labels inside the ROI
// Both are written to temporary names and renamed, the JSON last: a record is whole
// or absent. The JSON names the series and its frame count, so a record is never
// applied to another series.

#include <memory>
#include <string>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/LeakSegmenter.h"

namespace annulo {

Status saveLeakRecord(const LeakSegmentation& leak, const Series& series, const std::string& folder);
// Error when there is none, or it is unreadable, or it belongs to another geometry.
Result<std::shared_ptr<const LeakSegmentation>> loadLeakRecord(const Series& series, const std::string& folder);
bool hasLeakRecord(const Series& series, const std::string& folder);
void removeLeakRecord(const Series& series, const std::string& folder);

}  // namespace annulo
