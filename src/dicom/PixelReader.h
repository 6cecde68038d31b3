#pragma once
// Private: reads frames of one file straight into the series buffer.

#include <cstdint>

#include "DicomHeader.h"
#include "annulo/dicom/Result.h"

namespace annulo {

SampleType sampleTypeOf(const FileHeader& h);

// Frames [first, first + count) (0-based) into dst, count * frameBytes() bytes:
// host byte order, values confined to BitsStored (sign-extended when signed),
// colour as interleaved RGB. Native pixel data may be read from several threads
// at once on the same header; compressed pixel data may not.
Status readFrames(FileHeader& h, int first, int count, std::uint8_t* dst);

}  // namespace annulo
