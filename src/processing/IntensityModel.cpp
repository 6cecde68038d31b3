#include "annulo/processing/IntensityModel.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>
#include <cmath>

namespace annulo {

namespace {
// Intensities below this are clamped before the logarithm: a zero sample (detector
// floor, or quantisation under a dense needle) must not become an infinite opacity.
constexpr double kMinIntensity = 0.5;
}  // namespace

double XrayIntensityModel::toDomain(double v) const {
  if (logarithmic) return attenuationLowersValue ? -v : v;
  const double intensity = attenuationLowersValue ? v : maxStored - v;
  return std::max(kMinIntensity, intensity);
}

double XrayIntensityModel::domainToOpacity(double d) const {
  return logarithmic ? d : -std::log(std::max(kMinIntensity, d));
}

XrayIntensityModel xrayIntensityModel(const Series& s) {
  XrayIntensityModel m;
  m.maxStored = s.bitsStored > 0 && s.bitsStored < 32 ? std::ldexp(1.0, s.bitsStored) - 1 : 65535.0;
  std::string relationship;
  bool haveSign = false;
  Sint16 sign = 1;
  if (s.header) {
    // DCMTK's getters are non-const; a header copy is small (no pixel data).
    DcmDataset header(*s.header);
    OFString value;
    if (header.findAndGetOFString(DCM_PixelIntensityRelationship, value).good()) relationship = value.c_str();
    haveSign = header.findAndGetSint16(DCM_PixelIntensityRelationshipSign, sign).good();
  }
  m.logarithmic = relationship == "LOG";
  if (haveSign && (sign == 1 || sign == -1)) {
    // PS3.3 C.7.6.16.2.x / C.8.7.1.1.x: +1 "lower pixel values correspond to less X-ray intensity".
    m.attenuationLowersValue = sign == 1;
    m.explanation = "PixelIntensityRelationshipSign " + std::to_string(sign);
  } else {
    // Without the sign, follow the display convention of fluoroscopy (contrast dark):
    // MONOCHROME1 shows low values bright, so its attenuation is stored high.
    m.attenuationLowersValue = !s.invertDisplay;
    m.explanation = s.invertDisplay ? "MONOCHROME1: attenuation taken as raising stored values"
                                    : "MONOCHROME2: attenuation taken as lowering stored values";
  }
  m.explanation += relationship.empty() ? ", PixelIntensityRelationship absent: taken as LIN"
                                        : ", PixelIntensityRelationship " + relationship;
  if (relationship == "DISP") m.explanation += " (display-shaped values: the logarithm is an approximation)";
  return m;
}

namespace {
template <typename Fn>
StoredLut buildLut(const Series& s, std::size_t slice, Fn&& fn) {
  StoredLut lut;
  if (bytesPerSample(s.sampleType) > 2) return lut;
  const bool isSigned = s.sampleType == SampleType::Int8 || s.sampleType == SampleType::Int16;
  const int bits = int(bytesPerSample(s.sampleType)) * 8;
  lut.minStored = isSigned ? -(std::int64_t(1) << (bits - 1)) : 0;
  const std::size_t count = std::size_t(1) << bits;
  const SliceInfo& info = s.slices.at(slice);
  lut.table.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double stored = double(std::int64_t(i) + lut.minStored);
    lut.table[i] = float(fn(stored * info.rescaleSlope + info.rescaleIntercept));
  }
  return lut;
}
}  // namespace

StoredLut opacityLut(const Series& s, const XrayIntensityModel& model, std::size_t slice) {
  return buildLut(s, slice, [&](double v) { return model.opacity(v); });
}

StoredLut domainLut(const Series& s, const XrayIntensityModel& model, std::size_t slice) {
  return buildLut(s, slice, [&](double v) { return model.toDomain(v); });
}

}  // namespace annulo
