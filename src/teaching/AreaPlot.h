#pragma once
// Private: the leak-area-over-time plot of a teaching case, drawn with VTK's charts
// (vtkChartXY in an offscreen vtkContextView) and saved as PNG: leak area (mm²)
// against time (ms) with labelled axes and the leak onset marked.
//
// Debian's VTK 9.1 renders through GLX only (no EGL, no OSMesa), so the plot needs an X
// display (a real one or Xvfb): without DISPLAY it is not drawn and the caller is told.

#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::teaching {

struct AreaCurve {
  std::vector<double> timeMs;   // one per frame
  std::vector<double> areaMm2;  // leak area of that frame
  std::optional<double> onsetMs;
  std::string areaUnit = "mm²";  // "px²" when the series has no calibration
};

struct PlotSize {
  int width = 1200, height = 700;
};

// True when a picture can be rendered (an X display is set).
bool canRenderPlots();
// Errors: no display, an empty curve, the PNG not written.
Status writeAreaPlot(const AreaCurve& curve, const std::string& pngPath, PlotSize size = {});

}  // namespace annulo::teaching
