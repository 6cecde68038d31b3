#pragma once
// The fuzz entry functions: bytes in, through the same code a user's file
// takes. libFuzzer drives them (tools/fuzz.sh, FuzzMain.cpp); the normal test
// build runs each over its regression inputs in tests/data/fuzz/<target>/
// (FuzzRegressionTest.cpp). Every one must return without crashing, leaking or
// hanging on any input: bad input is an error value, never an abort.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace annulo::fuzz {

using Entry = int (*)(const std::uint8_t* data, std::size_t size);

struct Target {
  const char* name;
  Entry run;
  const char* description;
};

// file, folder, sr, session, labelmap, deid.
const std::vector<Target>& targets();
const Target* findTarget(const std::string& name);

// In the folder target, input files are separated by this marker.
extern const char kFileSeparator[];

}  // namespace annulo::fuzz
