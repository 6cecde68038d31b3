#pragma once
// Private: DCMTK parses nested sequences recursively, so a hostile file with
// thousands of nested sequences overflows the stack. This walks the header's
// element stream without recursion and refuses such files before DCMTK sees them.

#include <cstdint>
#include <string>

#include "annulo/dicom/Result.h"

namespace annulo {

constexpr int kMaxSequenceDepth = 64;

// Fails only when nesting deeper than maxDepth is found; anything it cannot
// follow (unusual encodings, garbage) is left for DCMTK to judge.
Status checkSequenceNesting(const std::string& path, int maxDepth = kMaxSequenceDepth);

}  // namespace annulo
