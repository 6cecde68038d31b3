#pragma once
// Private: header values that parse but cannot be true (a HighBit outside
// BitsStored, a negative pixel spacing, a source-detector distance shorter than
// the source-patient distance, an infinite rescale slope, ...). Each is either
// refused with its reason or dropped with a warning the user sees (Series
// warnings: `annulo-cli info`, the viewer's series panel). Nothing absurd is used
// silently: a wrong value that loads looks like a right one.

#include "DicomHeader.h"
#include "annulo/base/Result.h"

class DcmItem;

namespace annulo {

// NumberOfFrames (0028,0008) is IS (PS3.5 6.2): an integer string. A value that
// is not one is never taken as 1: native pixel data that holds a whole number of
// frames gives the count (with a warning), otherwise the file is refused.
// Needs rows, columns, samples, bits and the pixel data length already read.
Status checkFrameCount(DcmItem* dataset, FileHeader& h);

// HighBit must be BitsStored - 1 .. BitsAllocated - 1 (PS3.5 8.1.1, PS3.3
// C.7.6.3.1); outside that, BitsStored is trusted and HighBit set to
// BitsStored - 1, with a warning. Run before the pixel layout check.
void checkBitLayout(FileHeader& h);

// Geometry, calibration, value transforms, windows and timing of a fully read
// header: impossible values are removed (or normalised) and named in h.warnings.
void checkHeaderValues(FileHeader& h);

}  // namespace annulo
