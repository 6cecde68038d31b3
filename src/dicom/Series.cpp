#include "annulo/dicom/Series.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <thread>
#include <type_traits>
#include <vector>

#include "annulo/base/Parallel.h"
#include "annulo/dicom/LoadStatistics.h"

namespace annulo {

std::size_t bytesPerSample(SampleType type) {
  switch (type) {
    case SampleType::UInt8:
    case SampleType::Int8:
      return 1;
    case SampleType::UInt16:
    case SampleType::Int16:
      return 2;
    case SampleType::UInt32:
    case SampleType::Int32:
      return 4;
  }
  return 1;
}

const char* sampleTypeName(SampleType type) {
  switch (type) {
    case SampleType::UInt8:
      return "uint8";
    case SampleType::Int8:
      return "int8";
    case SampleType::UInt16:
      return "uint16";
    case SampleType::Int16:
      return "int16";
    case SampleType::UInt32:
      return "uint32";
    case SampleType::Int32:
      return "int32";
  }
  return "?";
}

const char* calibrationName(Calibration c) {
  switch (c) {
    case Calibration::None:
      return "none";
    case Calibration::PatientPlane:
      return "patient-plane";
    case Calibration::Detector:
      return "detector";
    case Calibration::MagnificationCorrected:
      return "magnification-corrected";
    case Calibration::Calibrated:
      return "calibrated";
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

// Block sums of 8/16-bit samples fit 32 bits (32768 * 65535 < 2^31), so the
// inner loop is branch-free min/max/add that the compiler vectorises; 32-bit
// samples add into 64 bits directly. Exact in every case.
template <typename T>
using BlockSum =
    std::conditional_t<(sizeof(T) < 4), std::conditional_t<std::is_signed_v<T>, std::int32_t, std::uint32_t>,
                       std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>>;

template <typename T>
StoredSliceStats sliceStats(const std::uint8_t* data, std::size_t n) {
  const T* p = reinterpret_cast<const T*>(data);
  T lo = std::numeric_limits<T>::max(), hi = std::numeric_limits<T>::lowest();
  std::int64_t total = 0;
  constexpr std::size_t kBlock = 32768;
  for (std::size_t b = 0; b < n; b += kBlock) {
    const std::size_t e = std::min(n, b + kBlock);
    BlockSum<T> s = 0;
    for (std::size_t i = b; i < e; ++i) {
      const T v = p[i];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
      s += BlockSum<T>(v);
    }
    total += std::int64_t(s);
  }
  return {double(lo), double(hi), double(total)};
}

StoredSliceStats statsOf(SampleType type, const std::uint8_t* d, std::size_t n) {
  switch (type) {
    case SampleType::UInt8:
      return sliceStats<std::uint8_t>(d, n);
    case SampleType::Int8:
      return sliceStats<std::int8_t>(d, n);
    case SampleType::UInt16:
      return sliceStats<std::uint16_t>(d, n);
    case SampleType::Int16:
      return sliceStats<std::int16_t>(d, n);
    case SampleType::UInt32:
      return sliceStats<std::uint32_t>(d, n);
    case SampleType::Int32:
      return sliceStats<std::int32_t>(d, n);
  }
  return {};
}
}  // namespace

double Series::storedValue(std::size_t slice, std::size_t index) const {
  const std::uint8_t* p = sliceData(slice) + index * bytesPerSample(sampleType);
  switch (sampleType) {
    case SampleType::UInt8:
      return *p;
    case SampleType::Int8:
      return static_cast<std::int8_t>(*p);
    case SampleType::UInt16:
      return load<std::uint16_t>(p);
    case SampleType::Int16:
      return load<std::int16_t>(p);
    case SampleType::UInt32:
      return load<std::uint32_t>(p);
    case SampleType::Int32:
      return load<std::int32_t>(p);
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

StoredSliceStats storedSliceStats(const Series& series, std::size_t slice) {
  return statsOf(series.sampleType, series.sliceData(slice), series.sliceSamples());
}

ModalityStats combineSliceStats(const Series& series, const std::vector<StoredSliceStats>& perSlice) {
  ModalityStats st;
  st.min = std::numeric_limits<double>::infinity();
  st.max = -st.min;
  const std::size_t n = series.sliceSamples();
  const std::size_t slices = std::min(series.sliceCount(), perSlice.size());
  for (std::size_t s = 0; s < slices; ++s) {
    // The modality LUT is linear per slice, so it maps the stored extremes and sum directly.
    const SliceInfo& si = series.slices[s];
    double a = perSlice[s].min * si.rescaleSlope + si.rescaleIntercept;
    double b = perSlice[s].max * si.rescaleSlope + si.rescaleIntercept;
    if (a > b) std::swap(a, b);
    st.min = std::min(st.min, a);
    st.max = std::max(st.max, b);
    st.sum += perSlice[s].sum * si.rescaleSlope + double(n) * si.rescaleIntercept;
    st.count += n;
  }
  if (st.count == 0) st.min = st.max = 0;
  st.mean = st.count ? st.sum / double(st.count) : 0;
  return st;
}

ModalityStats computeModalityStats(const Series& series) {
  const std::size_t slices = series.sliceCount();
  std::vector<StoredSliceStats> per(slices);
  // Slices on every core: a one-thread pass over a 240 MB cine costs as much as
  // a good part of its load (issue 20).
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned threads =
      series.pixels.size() < (std::size_t{8} << 20) ? 1u : unsigned(std::min<std::size_t>(cores, slices));
  parallelFor(slices, threads, [&](std::size_t s) { per[s] = storedSliceStats(series, s); });
  return combineSliceStats(series, per);
}

}  // namespace annulo
