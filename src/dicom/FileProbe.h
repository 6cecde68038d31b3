#pragma once
// Private: a cheap look at a file before DCMTK parses it, from one open and
// (usually) one 64 KiB read.
// - DCMTK reads almost any bytes as an implicit-VR dataset, so text or image
//   files are caught here as "not a DICOM file".
// - DCMTK parses nested sequences recursively, so a hostile file with
//   thousands of nested sequences would overflow the stack: the element stream
//   is walked here without recursion and such files are refused.

#include <cstdint>
#include <optional>
#include <string>

#include "annulo/base/Result.h"

namespace annulo {

constexpr int kMaxSequenceDepth = 64;

struct ProbeInfo {
  // Native (not encapsulated) top-level Pixel Data: where its value starts.
  std::optional<std::uint64_t> pixelOffset;
  std::uint64_t pixelLength = 0;
  bool bigEndian = false;
  // Encapsulated top-level Pixel Data: where its first item (the Basic Offset
  // Table) starts, so frames can be found in the file without DCMTK (PS3.5 A.4).
  std::optional<std::uint64_t> encapsulatedOffset;
};

// Fails with the reason a file cannot be DICOM or is too deeply nested. What it
// cannot follow (unusual encodings, garbage after a valid start) is left for
// DCMTK to judge: the pixel offset is then simply unknown.
Result<ProbeInfo> probeFile(const std::string& path, std::uint64_t fileSize, int maxDepth = kMaxSequenceDepth);

}  // namespace annulo
