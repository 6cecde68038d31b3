#pragma once
// Private: numbers in messages and descriptions, with a fixed number of decimals.

#include <sstream>
#include <string>

namespace annulo {

inline std::string fixedText(double v, int precision) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(precision);
  s << v;
  return s.str();
}

}  // namespace annulo
