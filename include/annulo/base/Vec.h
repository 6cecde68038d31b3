#pragma once
// The point and vector types of the whole tree: image pixels (x = column, y = row)
// and patient millimetres (DICOM LPS), as plain arrays.

#include <array>

namespace annulo {

using Vec2 = std::array<double, 2>;
using Vec3 = std::array<double, 3>;
using Mat3 = std::array<Vec3, 3>;  // columns: row direction, column direction, normal

}  // namespace annulo
