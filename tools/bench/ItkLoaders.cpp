// ITK's GDCM path, as 3D Slicer and ITK-SNAP read DICOM: GDCMSeriesFileNames to
// find and order a series, ImageSeriesReader or ImageFileReader with GDCMImageIO.

#include <itkGDCMImageIO.h>
#include <itkGDCMSeriesFileNames.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageSeriesReader.h>

#include <cstdint>
#include <stdexcept>

#include "Loaders.h"

namespace annulo::bench {
namespace {

template <typename Pixel>
using Volume = itk::Image<Pixel, 3>;

template <typename Pixel>
typename Volume<Pixel>::Pointer readFolder(const DataSet& set) {
  auto names = itk::GDCMSeriesFileNames::New();
  names->SetUseSeriesDetails(true);  // as ITK's DICOM series examples and Slicer's ITK path
  names->SetDirectory(set.dicomDir);
  const auto& uids = names->GetSeriesUIDs();
  if (uids.empty()) throw std::runtime_error(set.dicomDir + ": GDCMSeriesFileNames found no series");
  auto reader = itk::ImageSeriesReader<Volume<Pixel>>::New();
  reader->SetImageIO(itk::GDCMImageIO::New());
  reader->SetFileNames(names->GetFileNames(uids.front()));
  reader->Update();
  return reader->GetOutput();
}

template <typename Pixel>
typename Volume<Pixel>::Pointer readCine(const DataSet& set) {
  const auto files = dicomFiles(set);
  if (files.size() != 1) throw std::runtime_error(set.dicomDir + ": expected one cine file");
  auto reader = itk::ImageFileReader<Volume<Pixel>>::New();
  reader->SetImageIO(itk::GDCMImageIO::New());
  reader->SetFileName(files.front());
  reader->Update();
  return reader->GetOutput();
}

template <typename Pixel>
LoadOutcome load(const char* typeName, const DataSet& set, Probe& probe) {
  typename Volume<Pixel>::Pointer image;
  probe.start();
  try {
    image = set.kind == DataKind::SliceFolder ? readFolder<Pixel>(set) : readCine<Pixel>(set);
  } catch (const itk::ExceptionObject& e) {
    throw std::runtime_error(set.dicomDir + ": ITK: " + e.GetDescription());
  }
  probe.stop();
  LoadOutcome out;
  out.pixelType = typeName;
  out.samples = image->GetBufferedRegion().GetNumberOfPixels();
  const Pixel* p = image->GetBufferPointer();
  double sum = 0;
  for (std::uint64_t i = 0; i < out.samples; ++i) sum += double(p[i]);
  out.sum = sum;
  return out;
}

}  // namespace

LoadOutcome loadWithItk(const std::string& pixelType, const DataSet& set, Probe& probe) {
  if (pixelType == "float") return load<float>("float", set, probe);
  if (pixelType == "int16") return load<std::int16_t>("int16", set, probe);
  if (pixelType == "uint16") return load<std::uint16_t>("uint16", set, probe);
  if (pixelType == "uint8") return load<std::uint8_t>("uint8", set, probe);
  throw std::runtime_error("no ITK variant for pixel type '" + pixelType + "'");
}

}  // namespace annulo::bench
