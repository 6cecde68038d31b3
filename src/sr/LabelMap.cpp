#include "annulo/sr/LabelMap.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageIOBase.h>

namespace annulo {

Result<LabelMap> readLabelMap(const std::string& path) {
  using Image = itk::Image<std::uint8_t, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
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
