#pragma once
// The leak label map a `segment` run writes: uint8, columns x rows x frames
// (any ITK-readable format; NRRD in practice), 0 background, 1 intradiscal
// contrast, 2 leak. Read here so exportSeg gets exactly its input layout.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo {

struct LabelMap {
  int columns = 0, rows = 0, frames = 0;
  std::vector<std::uint8_t> labels;  // index (frame * rows + row) * columns + column
};

// Errors name the file: unreadable, not 3D, or not an unsigned 8-bit scalar image.
Result<LabelMap> readLabelMap(const std::string& path);

}  // namespace annulo
