#pragma once
// Private: reads frames of one file straight into the series buffer.

#include <cstdint>

#include "DicomHeader.h"
#include "FrameDecoder.h"
#include "annulo/base/Result.h"

namespace annulo {

SampleType sampleTypeOf(const FileHeader& h);

// Frames [first, first + count) (0-based) into dst, count * frameBytes() bytes:
// host byte order, values confined to BitsStored (sign-extended when signed),
// colour as interleaved RGB. `privateHandle` re-opens the file for this read, so
// several threads can read pieces of one native file at once. With `frames`
// (the file's mapped fragments) an encapsulated file is decoded frame by frame
// on a decoder of this call's own, so pieces of it too may go to several threads;
// without, DCMTK decodes it through the file's dataset (one thread per file).
Status readFrames(FileHeader& h, int first, int count, std::uint8_t* dst, bool privateHandle = false,
                  const EncapsulatedFrames* frames = nullptr);

}  // namespace annulo
