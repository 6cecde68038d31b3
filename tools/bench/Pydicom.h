#pragma once
// The pydicom + numpy peer: an embedded script that stacks pixel_array of every
// file into one preallocated numpy array and reports its own time and peak RSS.

#include <optional>
#include <string>

#include "BenchData.h"
#include "Measurement.h"

namespace annulo::bench {

// A python3 that can import pydicom and numpy (PATH first, then the system one,
// where Debian's python3-pydicom lands), or nothing.
std::optional<std::string> findPydicomPython();

// Throws std::runtime_error with the script's output when it fails.
Measurement runPydicom(const std::string& python, const DataSet& set);

}  // namespace annulo::bench
