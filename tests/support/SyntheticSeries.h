#pragma once
// A series built in code, for tests that need exact pixel values rather than a file.

#include <cstdint>

#include "annulo/dicom/Series.h"

namespace annulo::test {

// `frames` frames of w x h uint16 (12 bits stored, 0.5 mm pixels), value(x, y, f).
template <typename Fn>
Series makeSeries(int w, int h, int frames, Fn value) {
  Series s;
  s.series.modality = "OT";
  s.photometric = "MONOCHROME2";
  s.columns = w;
  s.rows = h;
  s.bitsAllocated = 16;
  s.bitsStored = 12;
  s.sampleType = SampleType::UInt16;
  s.spacing = {0.5, 0.5, 1};
  s.slices.resize(std::size_t(frames));
  s.pixels = PixelBuffer(std::size_t(frames) * s.sliceBytes());
  auto* p = reinterpret_cast<std::uint16_t*>(s.pixels.data());
  for (int f = 0; f < frames; ++f)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) p[(std::size_t(f) * h + y) * w + x] = std::uint16_t(value(x, y, f));
  return s;
}

}  // namespace annulo::test
