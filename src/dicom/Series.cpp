#include "annulo/dicom/Series.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace annulo {

std::size_t bytesPerSample(SampleType type) {
  switch (type) {
    case SampleType::UInt8:
    case SampleType::Int8: return 1;
    case SampleType::UInt16:
    case SampleType::Int16: return 2;
    case SampleType::UInt32:
    case SampleType::Int32: return 4;
  }
  return 1;
}

const char* sampleTypeName(SampleType type) {
  switch (type) {
    case SampleType::UInt8: return "uint8";
    case SampleType::Int8: return "int8";
    case SampleType::UInt16: return "uint16";
    case SampleType::Int16: return "int16";
    case SampleType::UInt32: return "uint32";
    case SampleType::Int32: return "int32";
  }
  return "?";
}

const char* calibrationName(Calibration c) {
  switch (c) {
    case Calibration::None: return "none";
    case Calibration::PatientPlane: return "patient-plane";
    case Calibration::Detector: return "detector";
    case Calibration::MagnificationCorrected: return "magnification-corrected";
    case Calibration::Calibrated: return "calibrated";
  }
  return "?";
}

namespace {
template <typename T>
T load(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Min, max and sum of stored values of one slice, typed so the loop vectorises.
template <typename T>
void sliceStats(const std::uint8_t* data, std::size_t n, double& mn, double& mx, double& sum) {
  const T* p = reinterpret_cast<const T*>(data);
  T lo = std::numeric_limits<T>::max(), hi = std::numeric_limits<T>::lowest();
  long double s = 0;
  // Sum in blocks of 64-bit integers: exact, and far faster than long double per sample.
  std::int64_t block = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = p[i];
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    block += static_cast<std::int64_t>(v);
    if ((i & 0xFFFF) == 0xFFFF) {
      s += block;
      block = 0;
    }
  }
  s += block;
  mn = double(lo);
  mx = double(hi);
  sum = double(s);
}
}  // namespace

double Series::storedValue(std::size_t slice, std::size_t index) const {
  const std::uint8_t* p = sliceData(slice) + index * bytesPerSample(sampleType);
  switch (sampleType) {
    case SampleType::UInt8: return *p;
    case SampleType::Int8: return static_cast<std::int8_t>(*p);
    case SampleType::UInt16: return load<std::uint16_t>(p);
    case SampleType::Int16: return load<std::int16_t>(p);
    case SampleType::UInt32: return load<std::uint32_t>(p);
    case SampleType::Int32: return load<std::int32_t>(p);
  }
  return 0;
}

Vec3 Series::pixelToPatient(double column, double row, std::size_t slice) const {
  const Vec3 base = (slice < slices.size() && hasPatientGeometry) ? slices[slice].position : origin;
  Vec3 out{};
  for (int i = 0; i < 3; ++i)
    out[i] = base[i] + direction[0][i] * column * spacing[0] + direction[1][i] * row * spacing[1];
  if (!hasPatientGeometry)
    for (int i = 0; i < 3; ++i) out[i] += direction[2][i] * double(slice) * spacing[2];
  return out;
}

double Series::frameRate() const {
  if (timing.nominalFrameTimeMs > 0) return 1000.0 / timing.nominalFrameTimeMs;
  if (timing.cineRate > 0) return timing.cineRate;
  return timing.recommendedDisplayFrameRate;
}

ModalityStats computeModalityStats(const Series& series) {
  ModalityStats st;
  st.min = std::numeric_limits<double>::infinity();
  st.max = -st.min;
  const std::size_t n = series.sliceSamples();
  for (std::size_t s = 0; s < series.sliceCount(); ++s) {
    double mn = 0, mx = 0, sum = 0;
    const std::uint8_t* d = series.sliceData(s);
    switch (series.sampleType) {
      case SampleType::UInt8: sliceStats<std::uint8_t>(d, n, mn, mx, sum); break;
      case SampleType::Int8: sliceStats<std::int8_t>(d, n, mn, mx, sum); break;
      case SampleType::UInt16: sliceStats<std::uint16_t>(d, n, mn, mx, sum); break;
      case SampleType::Int16: sliceStats<std::int16_t>(d, n, mn, mx, sum); break;
      case SampleType::UInt32: sliceStats<std::uint32_t>(d, n, mn, mx, sum); break;
      case SampleType::Int32: sliceStats<std::int32_t>(d, n, mn, mx, sum); break;
    }
    // The modality LUT is linear per slice, so it maps the stored extremes and sum directly.
    const SliceInfo& si = series.slices[s];
    double a = mn * si.rescaleSlope + si.rescaleIntercept;
    double b = mx * si.rescaleSlope + si.rescaleIntercept;
    if (a > b) std::swap(a, b);
    st.min = std::min(st.min, a);
    st.max = std::max(st.max, b);
    st.sum += sum * si.rescaleSlope + double(n) * si.rescaleIntercept;
    st.count += n;
  }
  if (st.count == 0) st.min = st.max = 0;
  st.mean = st.count ? st.sum / double(st.count) : 0;
  return st;
}

}  // namespace annulo
