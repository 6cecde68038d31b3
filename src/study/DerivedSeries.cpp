#include "annulo/study/DerivedSeries.h"

#include <algorithm>

namespace annulo {

Series derivedSeries(const Series& src, DerivedImage d) {
  Series s;
  s.patient = src.patient;
  s.study = src.study;
  s.series = src.series;
  s.series.description = src.series.description + " [" + d.seriesSuffix + "]";
  s.equipment = src.equipment;
  s.sopClassUid = src.sopClassUid;
  s.photometric = d.photometric;
  s.columns = d.columns;
  s.rows = d.rows;
  s.samplesPerPixel = 1;
  s.bitsAllocated = int(bytesPerSample(d.sampleType) * 8);
  s.bitsStored = d.bitsStored;
  s.sampleType = d.sampleType;
  s.multiFrame = src.multiFrame;
  s.origin = src.origin;
  s.spacing = src.spacing;
  s.direction = src.direction;
  s.hasPatientGeometry = src.hasPatientGeometry && d.frames == int(src.sliceCount());
  s.calibration = src.calibration;
  s.invertDisplay = d.photometric == "MONOCHROME1";
  if (d.window) s.windows.push_back(*d.window);
  s.timing = src.timing;
  s.header = src.header;
  s.warnings.push_back(d.derivationDescription);
  for (int f = 0; f < d.frames; ++f) {
    const int from = f < int(d.sourceFrames.size()) ? d.sourceFrames[std::size_t(f)] : f;
    SliceInfo si = from >= 0 && from < int(src.sliceCount()) ? src.slices[std::size_t(from)] : SliceInfo{};
    if (from < 0) si.sopInstanceUid.clear();  // a projection is no acquired image: nothing to reference
    si.rescaleSlope = f < int(d.rescaleSlope.size()) ? d.rescaleSlope[std::size_t(f)] : 1.0;
    si.rescaleIntercept = f < int(d.rescaleIntercept.size()) ? d.rescaleIntercept[std::size_t(f)] : 0.0;
    s.slices.push_back(si);
  }
  s.pixels = PixelBuffer(d.bytes.size());
  std::copy(d.bytes.begin(), d.bytes.end(), s.pixels.data());
  return s;
}

}  // namespace annulo
