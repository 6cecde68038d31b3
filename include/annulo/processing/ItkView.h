#pragma once
// Zero-copy ITK views of a Series' pixel buffer (and of our own scratch buffers).
//
// Rules of use:
// - A view borrows memory: it must not outlive the Series (or buffer) it looks at.
//   Moving a Series is fine (PixelBuffer keeps its address); destroying it is not.
// - ITK has no const image, so a view of a const Series is writable in type only:
//   use it as a filter input and never write through it.
// - The pixel type must be the series' stored type (Series::sampleType): a view
//   reinterprets nothing. Use dispatchSampleType() to reach the right instantiation.
// - Geometry: pixel spacing from Series::spacing (already magnification-corrected
//   where the header allows), origin 0 and identity direction. The views are for
//   filtering in the image plane; patient coordinates come from Series::pixelToPatient.

#include <itkImage.h>

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo {

template <typename T>
constexpr bool isSampleType(SampleType t) {
  switch (t) {
    case SampleType::UInt8:
      return std::is_same_v<T, std::uint8_t>;
    case SampleType::Int8:
      return std::is_same_v<T, std::int8_t>;
    case SampleType::UInt16:
      return std::is_same_v<T, std::uint16_t>;
    case SampleType::Int16:
      return std::is_same_v<T, std::int16_t>;
    case SampleType::UInt32:
      return std::is_same_v<T, std::uint32_t>;
    case SampleType::Int32:
      return std::is_same_v<T, std::int32_t>;
  }
  return false;
}

// Calls fn(T{}) with T the C++ type of `type`; returns what fn returns.
template <typename Fn>
decltype(auto) dispatchSampleType(SampleType type, Fn&& fn) {
  switch (type) {
    case SampleType::UInt8:
      return fn(std::uint8_t{});
    case SampleType::Int8:
      return fn(std::int8_t{});
    case SampleType::UInt16:
      return fn(std::uint16_t{});
    case SampleType::Int16:
      return fn(std::int16_t{});
    case SampleType::UInt32:
      return fn(std::uint32_t{});
    case SampleType::Int32:
      break;
  }
  return fn(std::int32_t{});
}

// An ITK image over `data` (width x height [x depth], row-major) that does not own it.
template <typename T, unsigned D>
typename itk::Image<T, D>::Pointer wrapBuffer(const T* data, const std::array<std::size_t, D>& size,
                                              const std::array<double, D>& spacing) {
  using Image = itk::Image<T, D>;
  auto image = Image::New();
  typename Image::SizeType itkSize;
  typename Image::SpacingType itkSpacing;
  std::size_t count = 1;
  for (unsigned i = 0; i < D; ++i) {
    itkSize[i] = size[i];
    itkSpacing[i] = spacing[i] > 0 ? spacing[i] : 1.0;
    count *= size[i];
  }
  image->SetRegions(typename Image::RegionType(itkSize));
  image->SetSpacing(itkSpacing);
  // letContainerManageMemory = false: the container never frees or reallocates it.
  image->GetPixelContainer()->SetImportPointer(const_cast<T*>(data), count, false);
  return image;
}

// One frame (slice) of the series as a 2D image; no copy.
template <typename T>
Result<typename itk::Image<T, 2>::Pointer> frameView(const Series& s, std::size_t frame) {
  if (s.isColor()) return makeError("ITK view: colour series are not supported (samples per pixel 3)");
  if (!isSampleType<T>(s.sampleType))
    return makeError(std::string("ITK view: series stores ") + sampleTypeName(s.sampleType) +
                     ", not the requested pixel type");
  if (frame >= s.sliceCount() || s.pixels.empty())
    return makeError("ITK view: frame " + std::to_string(frame + 1) + " out of range 1.." +
                     std::to_string(s.sliceCount()) + (s.pixels.empty() ? " (no pixel data loaded)" : ""));
  const auto* data = reinterpret_cast<const T*>(s.sliceData(frame));
  return wrapBuffer<T, 2>(data, {std::size_t(s.columns), std::size_t(s.rows)}, {s.spacing[0], s.spacing[1]});
}

// The whole series as one 3D image (columns x rows x frames); no copy.
template <typename T>
Result<typename itk::Image<T, 3>::Pointer> seriesView(const Series& s) {
  if (s.isColor()) return makeError("ITK view: colour series are not supported (samples per pixel 3)");
  if (!isSampleType<T>(s.sampleType))
    return makeError(std::string("ITK view: series stores ") + sampleTypeName(s.sampleType) +
                     ", not the requested pixel type");
  if (s.sliceCount() == 0 || s.pixels.empty()) return makeError("ITK view: series has no pixel data loaded");
  const auto* data = reinterpret_cast<const T*>(s.pixels.data());
  return wrapBuffer<T, 3>(data, {std::size_t(s.columns), std::size_t(s.rows), s.sliceCount()},
                          {s.spacing[0], s.spacing[1], s.spacing[2]});
}

}  // namespace annulo
