#pragma once
// Window/level as a reader drags it, and the default a series opens with.

#include <string>
#include <vector>

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

struct NamedWindow {
  std::string name;
  WindowLevel window;
};
// Presets by modality, from the shown frame's values (percentiles, so they suit any
// scanner's scale): XA/RF "contrast" (2nd..98th: contrast and bone edges apart) and
// "full range"; MR "disc / CSF" (10th..99.5th: bright fluid and nucleus kept apart)
// and "soft tissue" (2nd..85th); any other "full range".
std::vector<NamedWindow> modalityWindows(const Series& series, std::size_t frame);

// Display grey 0..1 of a modality value (PS3.3 C.11.2.1.2.1 linear function),
// inverted for MONOCHROME1.
double displayGrey(double value, WindowLevel w, bool invert);

}  // namespace annulo
