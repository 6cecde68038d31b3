#include "LabelMapFile.h"

#include <itkImage.h>
#include <itkImageFileReader.h>

#include <algorithm>

namespace annulo::app {

Result<std::vector<std::uint8_t>> readLabelMap(const std::string& path, int columns, int rows, int frames) {
  using Image = itk::Image<std::uint8_t, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    return makeError(path + ": cannot read label map (" + std::string(e.GetDescription()) + ")");
  }
  const Image* img = reader->GetOutput();
  const auto size = img->GetLargestPossibleRegion().GetSize();
  if (int(size[0]) != columns || int(size[1]) != rows || int(size[2]) != frames)
    return makeError(path + ": label map is " + std::to_string(size[0]) + "x" + std::to_string(size[1]) + "x" +
                     std::to_string(size[2]) + ", the series is " + std::to_string(columns) + "x" +
                     std::to_string(rows) + "x" + std::to_string(frames));
  const std::size_t n = std::size_t(columns) * std::size_t(rows) * std::size_t(frames);
  return std::vector<std::uint8_t>(img->GetBufferPointer(), img->GetBufferPointer() + n);
}

}  // namespace annulo::app
