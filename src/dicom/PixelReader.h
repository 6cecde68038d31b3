#pragma once
// Private: reads frames of one file straight into the series buffer.

#include <cstdint>

#include "DicomHeader.h"
#include "annulo/dicom/Result.h"

namespace annulo {

SampleType sampleTypeOf(const FileHeader& h);

// Frames [first, first + count) (0-based) into dst, count * frameBytes() bytes:
// host byte order, values confined to BitsStored (sign-extended when signed),
// colour as interleaved RGB. `privateHandle` re-opens the file for this read, so
// several threads can read pieces of one native file at once.
Status readFrames(FileHeader& h, int first, int count, std::uint8_t* dst, bool privateHandle = false);

}  // namespace annulo
