#pragma once

namespace annulo {
// Registers DCMTK's JPEG, JPEG-LS and RLE decoders once per process (thread-safe).
void ensureDecodersRegistered();
}  // namespace annulo
