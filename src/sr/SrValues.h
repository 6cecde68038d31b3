#pragma once
// Private: value conversions shared by the SR writer and reader, so that
// export and import are exact inverses.

#include <optional>
#include <string>

#include "annulo/dicom/Series.h"

namespace annulo::sr {

// PS3.3 C.18.6.1.1: SCOORD (0,0) is the top-left corner of the top-left pixel;
// the model's (0,0) is that pixel's centre.
constexpr double kScoordShift = 0.5;
inline double toScoord(double modelPixel) { return modelPixel + kScoordShift; }
inline double fromScoord(double scoord) { return scoord - kScoordShift; }

// Numeric Value (0040,A30A) is a DS of at most 16 characters: the closest
// decimal that fits. The exact double goes into Floating Point Value (FD).
std::string decimalString(double value);

// ISO 8601 "YYYY-MM-DDThh:mm:ss[.f...][Z|+hh:mm|-hh:mm]" <-> DICOM DT
// "YYYYMMDDhhmmss[.ffffff][&ZZXX]". nullopt when the text is not of that
// form, or when converting back would not give the same text (then the
// writer keeps the original text in a TEXT item instead).
std::optional<std::string> isoToDicomDateTime(const std::string& iso);
std::optional<std::string> dicomDateTimeToIso(const std::string& dt);

// Calibration tokens as the model stores them in LeakFigures/CatheterPlan:
// calibrationName() of Series.h ("detector", "magnification-corrected", ...).
bool isKnownCalibrationToken(const std::string& token);

}  // namespace annulo::sr
