#pragma once
// Accuracy of the leak segmentation and the HIZ detector against the phantom's
// known truth (Phantom.h), for the segment-report command and the tests.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/Geometry2D.h"

namespace annulo {

struct PhantomCase {
  std::uint32_t seed = 1;
  double noiseScale = 1.0;
  int xaSize = 256;
  int xaFrames = 24;
  int xaBits = 8;  // 8 or 16 (12 stored)
  int mrSize = 256;
  int mrSlices = 15;
  bool giveOutline = false;  // pass the true disc ellipse instead of estimating it
  bool runHiz = true;
};

struct PhantomScore {
  PhantomCase input;
  double leakDice = 0;         // label 2 at the last frame
  double intradiscalDice = 0;  // label 1 at the last frame
  int onsetTruth = 0;          // 1-based, 0 = none
  std::optional<int> onsetFound;
  int tearsTruth = 0;
  int pathsFound = 0;
  double worstDirectionErrorDeg = 0;  // over the true tears, each against its best path
  double worstExitErrorPx = 0;
  double finalLeakAreaMm2 = 0, truthLeakAreaMm2 = 0;
  std::optional<double> hizDistanceMm;  // best candidate to the true HIZ
  double leakSeconds = 0, hizSeconds = 0;

  bool onsetWithin(int frames) const { return onsetFound && std::abs(*onsetFound - onsetTruth) <= frames; }
};

// The true disc ellipse as a polygon (reference-frame pixels).
std::vector<Point2> truthDiscOutline(const XaTruth& truth, int vertices = 180);

// Writes the phantom under `workDir`, loads it back like a user's files, runs the
// segmentation (and the HIZ detector) and scores them.
Result<PhantomScore> evaluateOnPhantom(const PhantomCase& c, const std::string& workDir);

}  // namespace annulo
