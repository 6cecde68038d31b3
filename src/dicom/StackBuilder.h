#pragma once
// Private: groups file headers into stacks (one future Series each), orders
// their images and derives geometry, calibration and timing.

#include <string>
#include <vector>

#include "DicomHeader.h"
#include "annulo/dicom/FileCollector.h"

namespace annulo {

struct ImageRef {
  std::size_t file = 0;  // index into the header list
  int frame = 0;         // 0-based frame within that file
};

struct Stack {
  std::vector<ImageRef> images;  // display order
  Series meta;                   // everything but pixels
};

// Groups by study, series, orientation and image layout. Files whose size
// disagrees with the rest of their series are moved to `rejected`.
std::vector<Stack> buildStacks(std::vector<FileHeader>& headers, std::vector<RejectedFile>& rejected);

}  // namespace annulo
