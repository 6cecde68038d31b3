#pragma once
// Lumbar disc level of a point in a sagittal T2 slice, counted upward from the lowest
// lumbar disc (L5-S1). From the disc at the point, the spine is followed inferiorly
// disc to disc: each disc is a band across the spine that differs from the vertebral
// bodies above and below it (a bright nucleus, or a dark degenerated disc, between the
// dark endplates); the band's tilt is re-estimated at every disc, so the lordosis and
// the sacral slope are followed. The walk ends where no lumbar-height disc follows:
// if vertebral bone (the sacrum, whose segments are fused: no band of disc height)
// continues for 30 mm below the last disc, that disc is L5-S1; if the field ends
// first, the sacrum is not in view and the count is only a guess (a warning).

#include <string>

#include "annulo/processing/Geometry2D.h"

namespace annulo {

struct SpinePlane {
  const float* values = nullptr;  // smoothed slice, row-major
  int width = 0, height = 0;
  double pixelMm = 1;
  Point2 anterior{};  // unit image vector towards patient anterior
  Point2 inferior{};  // unit image vector towards patient feet
};

struct DiscLevel {
  std::string level;   // "L4-L5", ...; empty when no disc was found at the point
  int discsBelow = 0;  // lumbar discs found inferior to this one
  bool sacrumInView = false;
  std::string method;  // how it was counted, for the report
};

// `discPoint`: a pixel inside the disc (e.g. in its nucleus), column/row.
DiscLevel discLevelAt(const SpinePlane& plane, Point2 discPoint);

}  // namespace annulo
