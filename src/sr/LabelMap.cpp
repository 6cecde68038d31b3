#include "annulo/sr/LabelMap.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageIOBase.h>
#include <itkNrrdImageIO.h>

#include <filesystem>
#include <fstream>

namespace annulo {

Result<LabelMap> readLabelMap(const std::string& path) {
  using Image = itk::Image<std::uint8_t, 3>;
  // NRRD only, chosen by its magic: left to ITK's factory, a damaged file is
  // offered to every reader, and ITK's PNG reader aborts the process on a
  // malformed chunk (found by fuzzing: tests/data/fuzz/labelmap/).
  char magic[4] = {};
  std::ifstream(path, std::ios::binary).read(magic, 4);
  if (std::string(magic, 4) != "NRRD") return makeError(path + ": not a NRRD label map (no NRRD magic)");
  std::error_code ec;
  const std::uintmax_t fileSize = std::filesystem::file_size(path, ec);
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(itk::NrrdImageIO::New());
  reader->SetFileName(path);
  try {
    reader->UpdateOutputInformation();
    // ITK would cast any pixel type to uint8 silently; a label map must be uint8 already.
    const itk::ImageIOBase* io = reader->GetImageIO();
    if (io->GetComponentType() != itk::IOComponentEnum::UCHAR || io->GetNumberOfComponents() != 1)
      return makeError(path + ": label map must be unsigned 8-bit scalar, is " +
                       itk::ImageIOBase::GetComponentTypeAsString(io->GetComponentType()) + " with " +
                       std::to_string(io->GetNumberOfComponents()) + " component(s)");
    if (io->GetNumberOfDimensions() != 3 && io->GetNumberOfDimensions() != 2)
      return makeError(path + ": label map must be 3D (columns x rows x frames), has " +
                       std::to_string(io->GetNumberOfDimensions()) + " dimensions");
    // The header's sizes are allocated before the data is read: bound them by what
    // the file can hold (gzip inflates at most ~1032:1; raw is 1:1).
    std::uintmax_t voxels = 1;
    for (unsigned d = 0; d < io->GetNumberOfDimensions(); ++d) voxels *= std::uintmax_t(io->GetDimensions(d));
    if (ec || voxels > std::uintmax_t(1100) * fileSize + 4096)
      return makeError(path + ": label map claims " + std::to_string(voxels) + " voxels, more than its " +
                       std::to_string(fileSize) + " bytes can hold");
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    return makeError(path + ": cannot read label map: " + e.GetDescription());
  }
  Image::ConstPointer image = reader->GetOutput();
  const auto size = image->GetLargestPossibleRegion().GetSize();
  LabelMap map;
  map.columns = int(size[0]);
  map.rows = int(size[1]);
  map.frames = int(size[2]);
  const std::size_t count = std::size_t(size[0]) * size[1] * size[2];
  map.labels.assign(image->GetBufferPointer(), image->GetBufferPointer() + count);
  return map;
}

}  // namespace annulo
