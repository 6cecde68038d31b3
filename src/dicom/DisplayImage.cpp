#include "annulo/dicom/DisplayImage.h"

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkImportImageFilter.h>
#include <itkPNGImageIO.h>
#include <itkRGBPixel.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace annulo {
namespace {

DisplayImage blank(const Series& s) {
  DisplayImage img;
  img.width = s.columns;
  img.height = s.rows;
  img.channels = s.isColor() ? 3 : 1;
  img.pixels.resize(std::size_t(img.width) * std::size_t(img.height) * std::size_t(img.channels));
  return img;
}

std::uint8_t lookup(const VoiLut& lut, double value) {
  const double idx = std::clamp(value - lut.firstMapped, 0.0, double(lut.entries - 1));
  const double maxOut = double((1u << std::min(lut.bits, 16)) - 1);
  return std::uint8_t(std::lround(255.0 * std::min(1.0, lut.data[std::size_t(idx)] / maxOut)));
}

}  // namespace

std::uint8_t applyWindow(double value, double center, double width) {
  // PS3.3 C.11.2.1.2.1: the window is [c - 0.5 - (w-1)/2, c - 0.5 + (w-1)/2].
  const double w = std::max(width, 1.0);
  const double lo = center - 0.5 - (w - 1) / 2, hi = center - 0.5 + (w - 1) / 2;
  if (value <= lo) return 0;
  if (value > hi) return 255;
  return std::uint8_t(std::lround(((value - (center - 0.5)) / (w - 1) + 0.5) * 255.0));
}

DisplayImage renderSlice(const Series& s, std::size_t slice, std::optional<WindowPreset> window) {
  DisplayImage img = blank(s);
  const std::size_t n = img.pixels.size();
  if (s.isColor()) {
    std::memcpy(img.pixels.data(), s.sliceData(slice), n);
    return img;
  }
  const bool useLut = !window && s.windows.empty() && s.voiLut;
  if (!window && !s.windows.empty()) window = s.windows.front();
  if (!window && !useLut) {
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = s.modalityValue(slice, i);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    window = WindowPreset{(lo + hi) / 2 + 0.5, std::max(hi - lo + 1, 1.0), "min-max"};
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double v = s.modalityValue(slice, i);
    std::uint8_t out = useLut ? lookup(*s.voiLut, v) : applyWindow(v, window->center, window->width);
    img.pixels[i] = s.invertDisplay ? std::uint8_t(255 - out) : out;
  }
  return img;
}

template <typename Pixel>
Status writeWithItk(const DisplayImage& image, const std::string& path) {
  using Image = itk::Image<Pixel, 2>;
  auto importer = itk::ImportImageFilter<Pixel, 2>::New();
  typename Image::SizeType size{{itk::SizeValueType(image.width), itk::SizeValueType(image.height)}};
  typename Image::RegionType region;
  region.SetSize(size);
  importer->SetRegion(region);
  // The importer only views our buffer (does not own it): no copy.
  auto* data = reinterpret_cast<Pixel*>(const_cast<std::uint8_t*>(image.pixels.data()));
  importer->SetImportPointer(data, itk::SizeValueType(image.width) * itk::SizeValueType(image.height), false);
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(itk::PNGImageIO::New());
  writer->SetFileName(path);
  writer->SetInput(importer->GetOutput());
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    return makeError(path + ": cannot write PNG (" + std::string(e.GetDescription()) + ")");
  }
  return {};
}

Status writePng(const DisplayImage& image, const std::string& path) {
  if (image.width <= 0 || image.height <= 0) return makeError(path + ": empty image");
  if (image.channels == 3) return writeWithItk<itk::RGBPixel<std::uint8_t>>(image, path);
  return writeWithItk<std::uint8_t>(image, path);
}

}  // namespace annulo
