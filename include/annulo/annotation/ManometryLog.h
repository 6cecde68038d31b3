#pragma once
// A manometer's injection log as CSV: one row per step with time, volume,
// pressure and (optionally) the pain score asked at that step.
//
// The first line names the columns (case-insensitive, any order, separated by
// ',' or ';'): time / time_s (seconds) or time_ms; volume / volume_ml;
// pressure / pressure_psi or pressure_kpa (converted to psi); pain (0-10, may
// be empty). Blank lines and lines starting with '#' are skipped.

#include <string>
#include <vector>

#include "annulo/annotation/ProvocationRecord.h"
#include "annulo/base/Result.h"

namespace annulo {

// `name` (the file) is used in error messages: "<name> line 4: ...".
Result<std::vector<ManometryRow>> parseManometryCsv(const std::string& text, const std::string& name);
Result<std::vector<ManometryRow>> readManometryCsv(const std::string& path);

}  // namespace annulo
