#pragma once
// Private: Retain Longitudinal Temporal Information with Modified Dates (PS3.15
// E.3.6): every date of a patient moves by the same number of days, so intervals
// survive and the real dates do not. Times of day are kept.

#include <optional>
#include <string>

namespace annulo::deid {

// DA "YYYYMMDD" (also each end of a "A-B" range and each of several values "A\B")
// shifted by `days`; nullopt when any part is not a valid date.
std::optional<std::string> shiftDa(const std::string& value, long days);
// DT "YYYYMMDD[HHMMSS[.F]][&ZZXX]": the date part shifted, the rest kept. A DT
// with only a year or month cannot be shifted by days: nullopt.
std::optional<std::string> shiftDt(const std::string& value, long days);

}  // namespace annulo::deid
