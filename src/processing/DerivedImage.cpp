#include "annulo/processing/DerivedImage.h"

#include <cmath>

namespace annulo {

double minStoredValue(SampleType type, int bitsStored) {
  const bool isSigned = type == SampleType::Int8 || type == SampleType::Int16 || type == SampleType::Int32;
  return isSigned ? -std::ldexp(1.0, bitsStored - 1) : 0.0;
}

double maxStoredValue(SampleType type, int bitsStored) {
  const bool isSigned = type == SampleType::Int8 || type == SampleType::Int16 || type == SampleType::Int32;
  return isSigned ? std::ldexp(1.0, bitsStored - 1) - 1 : std::ldexp(1.0, bitsStored) - 1;
}

}  // namespace annulo
