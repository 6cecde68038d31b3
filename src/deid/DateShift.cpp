#include "deid/DateShift.h"

#include <cctype>
#include <cstdio>
#include <vector>

namespace annulo::deid {
namespace {

// Days since 1970-01-01 of a civil date and back (H. Hinnant's algorithms).
long daysFromCivil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + long(doe) - 719468;
}

void civilFromDays(long z, long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = long(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::optional<std::string> shiftOne(const std::string& date, long days) {
  if (date.size() != 8) return std::nullopt;
  for (char c : date)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  const long y = std::stol(date.substr(0, 4));
  const unsigned m = unsigned(std::stoul(date.substr(4, 2))), d = unsigned(std::stoul(date.substr(6, 2)));
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  long ny;
  unsigned nm, nd;
  civilFromDays(daysFromCivil(y, m, d) + days, ny, nm, nd);
  if (ny < 1 || ny > 9999) return std::nullopt;
  char out[16];
  std::snprintf(out, sizeof out, "%04ld%02u%02u", ny, nm, nd);
  return std::string(out);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

std::optional<std::string> shiftDa(const std::string& value, long days) {
  std::string out;
  for (const std::string& v : split(value, '\\')) {
    std::string shifted;
    for (const std::string& end : split(v, '-')) {  // a range "A-B": either end may be empty
      if (!end.empty()) {
        auto s = shiftOne(end, days);
        if (!s) return std::nullopt;
        shifted += *s;
      }
      shifted += '-';
    }
    shifted.pop_back();  // the '-' after the last part
    out += (out.empty() ? "" : "\\") + shifted;
  }
  return out;
}

std::optional<std::string> shiftDt(const std::string& value, long days) {
  std::string out;
  for (const std::string& v : split(value, '\\')) {
    if (v.size() < 8) return std::nullopt;
    auto date = shiftOne(v.substr(0, 8), days);
    if (!date) return std::nullopt;
    out += (out.empty() ? "" : "\\") + *date + v.substr(8);
  }
  return out;
}

}  // namespace annulo::deid
