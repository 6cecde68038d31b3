#pragma once
// Measurements of a leak: onset, and the separate leak paths with their exit point
// on the disc boundary, direction and clock-face position.

#include <cstdint>
#include <optional>
#include <vector>

#include "annulo/processing/Geometry2D.h"

namespace annulo {

struct LeakPath {
  Point2 exitPoint{};       // where the path crosses the disc boundary (pixels, reference frame)
  Point2 tip{};             // its far end
  double directionDeg = 0;  // exit -> tip; 0 = up on the image, clockwise
  int clock = 12;           // clock-face hour of the direction
  double exitAngleDeg = 0;  // disc centre -> exit point, same convention
  int exitClock = 12;       // clock-face position of the exit on the disc
  double lengthPx = 0;      // geodesic length from the boundary to the tip
  std::size_t pixels = 0;   // leak pixels assigned to this path
};

struct LeakPathOptions {
  // A branch counts as a separate path when it runs at least this far beyond the
  // part already explained by longer paths; 0 = derive from the leak width.
  double minBranchPx = 0;
  std::size_t minPixels = 4;  // ignore specks smaller than this
};

// `leak` and `disc` are box-local masks (box.width() x box.height(), nonzero = set):
// the leak and the inside of the disc outline. Paths are sorted longest first.
std::vector<LeakPath> findLeakPaths(const std::uint8_t* leak, const std::uint8_t* disc, const PixelBox& box,
                                    Point2 discCentre, const LeakPathOptions& options = {});

// First frame (0-based index) from which the leak is present and stays present:
// at least `minPixels` in that frame and in each of the next `persistence` frames
// (as many as exist). Contrast that has left the disc does not go back, so a blip
// that vanishes is noise or a motion artefact, not an onset.
std::optional<int> leakOnsetIndex(const std::vector<std::size_t>& leakPixels, std::size_t minPixels,
                                  int persistence = 2);

// Dice overlap of two masks of the same size (1 when both are empty).
double diceCoefficient(const std::uint8_t* a, const std::uint8_t* b, std::size_t count, std::uint8_t labelA,
                       std::uint8_t labelB);

}  // namespace annulo
