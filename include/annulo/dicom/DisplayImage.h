#pragma once
// What a reader sees of one slice: modality LUT, then VOI (window or VOI LUT),
// then MONOCHROME1 inversion (PS3.4 N.2 grayscale pipeline), as 8-bit pixels.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo {

struct DisplayImage {
  int width = 0;
  int height = 0;
  int channels = 1;  // 1 grey, 3 RGB
  std::vector<std::uint8_t> pixels;
};

// Linear window of PS3.3 C.11.2.1.2.1 applied to a modality value, 0..255.
std::uint8_t applyWindow(double value, double center, double width);

// Default window: the file's first preset, else the VOI LUT, else the slice's
// modality value range.
DisplayImage renderSlice(const Series& series, std::size_t slice, std::optional<WindowPreset> window = std::nullopt);

Status writePng(const DisplayImage& image, const std::string& path);

}  // namespace annulo
