#pragma once
// What a DICOM file is, without reading it: SOP class, SOP instance and transfer
// syntax from the meta header (a bare dataset without one is parsed, skipping
// large values). Enough to route a file (send it, list it as a report) cheaply,
// even when its pixel data are damaged.

#include <string>

#include "annulo/base/Result.h"

namespace annulo {

struct FileIdentity {
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string transferSyntaxUid;  // implicit little endian when the file does not say
};

// Errors: not a DICOM file, or no SOP Class / SOP Instance UID.
Result<FileIdentity> readFileIdentity(const std::string& path);

}  // namespace annulo
