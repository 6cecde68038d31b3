#pragma once
// The disc outline on a lateral annulogram: given by the user as a polygon, or
// estimated from the contrast-free background around the injection point.
//
// Estimation: on a lateral view the disc is the band between two vertebral
// endplates; its anterior and posterior margins are where the disc's own
// attenuation ends (a small step down into soft tissue). From the injection point
// (the needle tip sits in the nucleus) rays are cast over the contrast-free
// background; along each ray the edges that stand out of the local noise are
// candidate margins (a step up into an endplate or down into soft tissue; thin dense
// ridges that return to the same level, the needle, are stepped over). One candidate
// per ray is chosen by dynamic programming around the circle: the nearest clear edge
// is preferred, and neighbouring rays pay for radius jumps a disc outline does not
// make. Radii are then median-smoothed over angle.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/processing/FloatImage.h"
#include "annulo/processing/Geometry2D.h"

namespace annulo {

struct DiscOutlineEstimate {
  std::vector<Point2> polygon;  // pixels, reference-frame coordinates, clockwise
  double edgeFraction = 0;      // rays on which a margin was found directly (0..1)
  std::string method;
};

struct DiscOutlineOptions {
  int rays = 360;
  double pixelMm = 1.0;       // pixel size, for the mm limits below
  double minRadiusMm = 1.0;   // edges closer to the origin are ignored
  double maxRadiusMm = 45.0;  // a lumbar disc is under ~55 mm deep
  double ridgeMaxMm = 4.0;    // dense ridges thinner than this are stepped over
  // The needle: structures thinner than needleWidthMm and denser than their
  // surroundings by more than needleExcess (opacity units; 0 = off) are replaced by
  // their surroundings before the rays are cast. The needle tip is the ray origin,
  // so otherwise every ray would start on a steel edge.
  double needleWidthMm = 1.2;
  double needleExcess = 0;
};

// What the estimate looks at, in the reference frame, all over one box:
// - opacity: the background without contrast (larger = more attenuation);
// - standardError (optional): noise of each background pixel. It varies a lot,
//   because where contrast covered the background only the mask frames remain.
//   Edges must stand out of the local noise; without it, the noise is taken as
//   uniform and estimated from the image;
// - core (optional, 1 byte per pixel): where contrast sat from its arrival on. The
//   injection starts inside the nucleus, so no margin lies in there; rays start
//   searching where they leave it.
struct DiscBackground {
  FloatImage opacity;
  FloatImage standardError;
  std::vector<std::uint8_t> core;
};

// `origin` is inside the disc (the injection point).
Result<DiscOutlineEstimate> estimateDiscOutline(const DiscBackground& background, Point2 origin,
                                                const DiscOutlineOptions& options = {});

// Checks a user polygon: at least 3 vertices, non-zero area, finite coordinates.
Status validateOutline(const std::vector<Point2>& polygon);

}  // namespace annulo
