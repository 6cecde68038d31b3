#pragma once
// Reads a leak label map (unsigned 8-bit NRRD, columns x rows x frames, as
// `annulo-cli segment` writes it) to overlay on a series.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/dicom/Result.h"

namespace annulo::app {

Result<std::vector<std::uint8_t>> readLabelMap(const std::string& path, int columns, int rows, int frames);

}  // namespace annulo::app
