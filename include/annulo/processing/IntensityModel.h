#pragma once
// How the stored values of a projection X-ray image relate to attenuation, so that
// iodinated contrast always shows as a POSITIVE change of "opacity" whatever the
// file's conventions. Decided from the header (PS3.3 C.8.7.2 X-Ray Image module:
// Pixel Intensity Relationship (0028,1040) and its Sign (0028,1041); Photometric
// Interpretation when the sign is absent) and then checked against the data by the
// users (LeakSegmenter, Subtraction) at the injection point.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/dicom/Series.h"

namespace annulo {

struct XrayIntensityModel {
  // LIN (or unknown): values are proportional to transmitted X-ray intensity, so
  // attenuation is -ln(value). LOG: values are already logarithmic.
  bool logarithmic = false;
  // True when more attenuation gives LOWER stored values (sign +1, MONOCHROME2 X-ray).
  bool attenuationLowersValue = true;
  double maxStored = 255;  // 2^BitsStored - 1, used to flip inverted LIN data
  std::string explanation;

  // Value in the domain where sub-pixel interpolation is physical: transmitted
  // intensity for LIN data (the detector integrates intensity), opacity for LOG data.
  double toDomain(double modality) const;
  // Opacity (attenuation, natural-log units for LIN data) of a domain value.
  double domainToOpacity(double domain) const;
  double opacity(double modality) const { return domainToOpacity(toDomain(modality)); }
};

XrayIntensityModel xrayIntensityModel(const Series& s);

// Per-stored-value table of a function of the modality value (rescale of `slice`
// applied) for integer types up to 16 bits: index = stored - minStored.
// Empty for 32-bit samples (callers then compute per pixel).
struct StoredLut {
  std::int64_t minStored = 0;
  std::vector<float> table;
  bool empty() const { return table.empty(); }
};
StoredLut opacityLut(const Series& s, const XrayIntensityModel& model, std::size_t slice);
StoredLut domainLut(const Series& s, const XrayIntensityModel& model, std::size_t slice);

}  // namespace annulo
