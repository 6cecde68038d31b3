#pragma once
// Writes small synthetic DICOM files whose every value a test knows.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

class DcmDataset;

namespace annulo::test {

struct ImageSpec {
  std::string sopClassUid = "1.2.840.10008.5.1.4.1.1.4";  // MR
  std::string modality = "MR";
  std::string studyUid = "1.2.826.0.1.3680043.10.1.1";
  std::string seriesUid = "1.2.826.0.1.3680043.10.1.2";
  std::string sopInstanceUid;  // empty: derived from instanceNumber
  int instanceNumber = 1;
  int rows = 8, columns = 6, frames = 1;
  int bitsAllocated = 16, bitsStored = 16, pixelRepresentation = 0;
  std::string photometric = "MONOCHROME2";
  std::optional<std::array<double, 3>> position;
  std::optional<std::array<double, 6>> orientation;
  std::optional<std::array<double, 2>> pixelSpacing;
  std::optional<std::array<double, 2>> imagerPixelSpacing;
  double sliceThickness = 0;
  double slope = 1, intercept = 0;
  bool writeRescale = false;
  double frameTime = 0;
  std::vector<double> frameTimeVector;
  double cineRate = 0;
  double magnification = 0, sid = 0, sod = 0;
  std::vector<std::array<double, 2>> windows;
  // Stored value of (frame, row, column); raw bits, written as is.
  std::function<std::uint32_t(int, int, int)> value = [](int f, int r, int c) {
    return std::uint32_t(f * 100 + r * 10 + c);
  };
  // Bytes of pixel data to drop from the end (to make it short).
  std::size_t truncatePixels = 0;
  bool omitPixelData = false;
};

// Writes the file (explicit VR little endian); throws std::runtime_error on failure.
void writeImage(const ImageSpec& spec, const std::string& path);

}  // namespace annulo::test
