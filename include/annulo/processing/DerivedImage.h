#pragma once
// Pixels of a derived (filtered, subtracted, projected) image, ready to be written as a
// DICOM object of the source's SOP class by DerivedSeriesWriter.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "annulo/dicom/Series.h"

namespace annulo {

struct DerivedImage {
  int columns = 0, rows = 0, frames = 0;
  SampleType sampleType = SampleType::UInt16;  // of `bytes`
  int bitsStored = 16;
  std::vector<std::uint8_t> bytes;  // frames x rows x columns samples, host byte order
  // Modality LUT per output frame; same as the source for value-preserving filters.
  std::vector<double> rescaleSlope, rescaleIntercept;
  std::string photometric = "MONOCHROME2";
  // Source frame (0-based) of each output frame; -1 = derived from all frames (projection).
  std::vector<int> sourceFrames;
  std::string derivationDescription;  // (0008,2111), what was done and with which settings
  std::string seriesSuffix;           // appended to the SeriesDescription, e.g. "median r1"
  std::optional<WindowPreset> window;
  std::string pixelIntensityRelationship;  // X-ray only: "LIN", "LOG"; empty = copy the source's

  std::size_t frameBytes() const { return std::size_t(columns) * std::size_t(rows) * bytesPerSample(sampleType); }
  std::uint8_t* frameData(int f) { return bytes.data() + std::size_t(f) * frameBytes(); }
  const std::uint8_t* frameData(int f) const { return bytes.data() + std::size_t(f) * frameBytes(); }
};

// Stored-value range of a sample type with `bitsStored` significant bits.
double minStoredValue(SampleType type, int bitsStored);
double maxStoredValue(SampleType type, int bitsStored);

}  // namespace annulo
