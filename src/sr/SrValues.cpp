#include "sr/SrValues.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <regex>

namespace annulo::sr {

std::string decimalString(double value) {
  char buffer[64];
  auto exact = [&buffer, value](int length) {
    return length > 0 && length <= 16 && std::strtod(buffer, nullptr) == value;
  };
  // Plain decimals read best ("300", "466.9"): the shortest that reads back exactly.
  for (int decimals = 0; decimals <= 16; ++decimals) {
    const int length = std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    if (exact(length)) return buffer;
    if (length > 16) break;
  }
  // Then exponent form for very large or small values.
  for (int precision = 1; precision <= 17; ++precision)
    if (exact(std::snprintf(buffer, sizeof buffer, "%.*g", precision, value))) return buffer;
  // No exact 16-character form: the closest that fits (FD keeps the exact value).
  for (int precision = 16; precision >= 1; --precision)
    if (std::snprintf(buffer, sizeof buffer, "%.*g", precision, value) <= 16) return buffer;
  return "0";
}

std::optional<std::string> isoToDicomDateTime(const std::string& iso) {
  static const std::regex pattern(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$)");
  std::smatch m;
  if (!std::regex_match(iso, m, pattern)) return std::nullopt;
  std::string dt = m[1].str() + m[2].str() + m[3].str() + m[4].str() + m[5].str() + m[6].str() + m[7].str();
  // DICOM has no "Z": it is written as +0000, and read back as "+00:00". Only
  // forms that survive the way back are converted.
  if (m[8].matched) {
    const std::string zone = m[8].str();
    if (zone == "Z") return std::nullopt;
    dt += zone.substr(0, 3) + zone.substr(4, 2);
  }
  if (dicomDateTimeToIso(dt) != iso) return std::nullopt;
  return dt;
}

std::optional<std::string> dicomDateTimeToIso(const std::string& dt) {
  static const std::regex pattern(R"(^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d{1,6})?([+-]\d{4})?$)");
  std::smatch m;
  std::string trimmed = dt;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  if (!std::regex_match(trimmed, m, pattern)) return std::nullopt;
  std::string iso = m[1].str() + "-" + m[2].str() + "-" + m[3].str() + "T" + m[4].str() + ":" + m[5].str() + ":" +
                    m[6].str() + m[7].str();
  if (m[8].matched) {
    const std::string zone = m[8].str();
    iso += zone.substr(0, 3) + ":" + zone.substr(3, 2);
  }
  return iso;
}

bool isKnownCalibrationToken(const std::string& token) {
  for (Calibration c : {Calibration::None, Calibration::PatientPlane, Calibration::Detector,
                        Calibration::MagnificationCorrected, Calibration::Calibrated})
    if (token == calibrationName(c)) return true;
  return false;
}

}  // namespace annulo::sr
