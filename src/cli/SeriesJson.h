#pragma once
// How annulo-cli describes series and rejected files, as JSON and as text.

#include <nlohmann/json.hpp>
#include <ostream>

#include "annulo/dicom/SeriesLoader.h"

namespace annulo::cli {

nlohmann::json seriesSummary(const Series& s);
nlohmann::json rejectedJson(const std::vector<RejectedFile>& rejected);
void printSeriesText(std::ostream& out, const Series& s);
void printRejectedText(std::ostream& out, const std::vector<RejectedFile>& rejected);
// "no usable series" / "no series with that UID", then why each file was rejected.
void reportNoSeries(std::ostream& out, const std::string& command, const LoadResult& loaded);
// Finds a series by UID (or the first when uid is empty).
const Series* findSeries(const LoadResult& loaded, const std::string& uid);

}  // namespace annulo::cli
