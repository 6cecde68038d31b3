// libFuzzer entry for one target, chosen at build time (tools/fuzz.sh builds
// one executable per target from this file).

#include <cstdlib>

#include "fuzz/FuzzTargets.h"

#ifndef ANNULO_FUZZ_TARGET
#error "ANNULO_FUZZ_TARGET must name a target"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const annulo::fuzz::Entry run = [] {
    const annulo::fuzz::Target* t = annulo::fuzz::findTarget(ANNULO_FUZZ_TARGET);
    if (!t) std::abort();
    return t->run;
  }();
  return run(data, size);
}
