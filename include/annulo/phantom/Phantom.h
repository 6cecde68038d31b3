#pragma once
// Deterministic phantoms with known truth: a synthetic annulogram (XA cine) and a
// synthetic lumbar sagittal T2 MR series. Everything is a pure function of the
// options (seed included), so tests can regenerate the bundled sample and compare.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo {

enum class PhantomSyntax { ExplicitLittle, JpegLossless, Rle, JpegLs };

struct PhantomOptions {
  std::uint32_t seed = 1;
  // Annulogram cine.
  int xaSize = 512;  // columns = rows
  int xaFrames = 48;
  int xaBitsAllocated = 8;    // 8 (BitsStored 8) or 16 (BitsStored 12)
  double noiseScale = 1.0;    // multiplies the quantum noise
  double frameTimeMs = 66.7;  // FrameTime (0018,1063)
  // Larger patient motion (issue 11). All 0 keeps the default gentle breathing (under
  // 1 px); otherwise a respiration-like slow drift reaching xaDriftPx (pixels at this
  // size) from frame 1, through the mask frames and the injection, plus an optional
  // sudden shift of xaJumpPx in a random direction between frames xaJumpFrame - 1 and
  // xaJumpFrame (1-based; 0 = no jump).
  double xaDriftPx = 0;
  double xaJumpPx = 0;
  int xaJumpFrame = 0;
  int xaMaskFrames = 0;  // contrast-free frames before the fill; 0 = 10% of the cine (at least 1)
  // MR series.
  int mrSize = 256;  // columns = rows
  int mrSlices = 15;
  bool writeXa = true;
  bool writeMr = true;
  PhantomSyntax syntax = PhantomSyntax::ExplicitLittle;
};

// One radial tear of the annulogram, in image pixel coordinates of the cine
// (x = column, y = row, origin at the centre of the top-left pixel), before motion.
// The cine is a lateral view with superior up and posterior to the image RIGHT, so
// posterior / posterolateral tears point to about 3 o'clock (directionDeg ~ 90).
struct TearTruth {
  std::array<double, 2> exitPoint{};  // where the leak crosses the disc boundary
  double directionDeg = 0;            // 0 = up on the image, clockwise
  int clock = 12;                     // clock-face hour of directionDeg (12 = up)
  int onsetFrame = 0;                 // 1-based frame where this tear first leaks
  double widthPx = 0;                 // leak channel width
  double maxLengthPx = 0;             // leak length reached at the last frame
};

struct XaTruth {
  std::string seriesInstanceUid;
  std::string sopInstanceUid;
  int columns = 0, rows = 0, frames = 0;
  double frameTimeMs = 0;
  double imagerPixelSpacingMm = 0;          // detector plane
  double magnification = 0;                 // EstimatedRadiographicMagnificationFactor
  std::array<double, 2> discCenter{};       // pixels, before motion
  double discRadiusX = 0, discRadiusY = 0;  // disc ellipse semi-axes (pixels)
  double nucleusRadiusX = 0, nucleusRadiusY = 0;
  std::array<double, 2> needleTip{};  // injection point, pixels, before motion
  std::array<double, 2> needleEntry{};
  int fillStartFrame = 0;                     // 1-based: first frame with intradiscal contrast
  int leakOnsetFrame = 0;                     // 1-based: first frame with any leak (0 = none)
  std::vector<std::array<double, 2>> motion;  // per frame (dx, dy) in pixels
  std::vector<TearTruth> tears;
};

struct MrTruth {
  std::string seriesInstanceUid;
  int columns = 0, rows = 0, slices = 0;
  double pixelSpacingMm = 0, sliceSpacingMm = 0;
  std::string hizLevel;                   // e.g. "L4-L5"
  int hizSlice = 0;                       // 1-based slice (sorted by position)
  std::array<double, 2> hizPixel{};       // column, row
  std::array<double, 3> hizPositionMm{};  // patient LPS
  double hizRadiusMm = 0;
};

struct PhantomTruth {
  std::uint32_t seed = 0;
  std::string studyInstanceUid;
  XaTruth xa;
  MrTruth mr;
};

// Pure synthesis (no I/O).
// Label map of frame `frame` (1-based) of the cine: 0 background, 1 intradiscal
// contrast, 2 leak; columns*rows bytes, row-major, motion applied.
std::vector<std::uint8_t> phantomLabelMap(const XaTruth& truth, int frame);
// Truth that writePhantom would write for these options.
PhantomTruth phantomTruth(const PhantomOptions& options);

// Writes DIR/xa/annulogram.dcm, DIR/mr/IM####.dcm and DIR/truth.json.
Result<PhantomTruth> writePhantom(const PhantomOptions& options, const std::string& dir);

std::string toJson(const PhantomTruth& truth);
Result<PhantomTruth> readPhantomTruth(const std::string& jsonPath);

}  // namespace annulo
