#pragma once
// Window/level as a reader drags it, and the default a series opens with.

#include "annulo/dicom/Series.h"

namespace annulo {

struct WindowLevel {
  double center = 0;
  double width = 1;
};

// Right-drag: horizontal changes width, vertical changes centre, both in
// proportion to the data range so the feel is the same for 8- and 16-bit data.
WindowLevel dragWindow(WindowLevel w, double dxPixels, double dyPixels, double valueRange);

// The file's first preset, else the 1st..99th percentile of the middle slice.
WindowLevel defaultWindow(const Series& series);

// Display grey 0..1 of a modality value (PS3.3 C.11.2.1.2.1 linear function),
// inverted for MONOCHROME1.
double displayGrey(double value, WindowLevel w, bool invert);

}  // namespace annulo
