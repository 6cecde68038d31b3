#pragma once
// Orientation letters for the edges of a view (PS3.3 C.7.6.1.1.1: L/R, A/P, H/F of the
// patient; LPS axes: +x Left, +y Posterior, +z Head). A direction gets up to two letters,
// the strongest first ("LP" for a 45-degree oblique); components under 0.25 are left out.

#include <optional>
#include <string>
#include <utility>

#include "annulo/dicom/Series.h"

namespace annulo {

std::string orientationLetters(const Vec3& direction);

// Patient Orientation (0020,0020) "A\F": the directions of the row (increasing column)
// and of the column (increasing row), as projection images give them.
std::optional<std::pair<Vec3, Vec3>> axesFromPatientOrientation(const std::string& text);

// The patient directions of a 2D image's +x (along a row) and +y (down a column): the
// series geometry when it has one, else its Patient Orientation, else none.
std::optional<std::pair<Vec3, Vec3>> imageAxes(const Series& series);

}  // namespace annulo
