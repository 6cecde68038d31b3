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

// Variety of the sagittal T2 series (issue 11): the range real scanners produce and
// other renderings of the anatomy. Every field at its default keeps the generator's
// output byte for byte (the bundled sample depends on it).
struct MrVariation {
  double pixelMm = 0;              // pixel spacing; 0: 281.6 mm / mrSize
  double sliceMm = 0;              // slice spacing (thickness 0.9 of it); 0: 4 mm, less for big stacks
  double fieldShiftMm = 0;         // field of view moved superior (+) or inferior (-) along the body
  double valueScale = 1;           // signal 1.0 -> 3000 * valueScale modality units
  double rescaleSlope = 1;         // stored = (modality - intercept) / slope
  double rescaleIntercept = 0;     // (16-bit stored values unless slope 1, intercept 0, scale 1)
  double biasField = 0;            // smooth multiplicative coil field, relative amplitude (0.3 = +-30 %)
  bool reverseSliceOrder = false;  // InstanceNumber 1 on the patient's right instead of left
  bool anteriorRight = false;      // image flipped: columns run posterior -> anterior
  bool hiz = true;                 // false: a negative, no high-intensity zone
  double hizDiameterMm = 0;        // 0: 4-6 mm from the seed
  double hizContrast = -1;         // <0: signal 0.95; 0 just above the disc's nucleus .. 1 CSF-like
  std::string hizLevel;            // empty: from the seed (mostly L4-L5)
  int anatomy = 0;                 // 0: the default template; 1, 2, ...: other seeded renderings
                                   // (lordosis, disc heights, body shape, canal width, dark discs)
};

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
  MrVariation mr;
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
  // Not in truth.json (kept identical for the bundled sample); filled by phantomTruth.
  bool hasHiz = true;
  bool anteriorRight = false;
  bool reverseSliceOrder = false;
  double fieldShiftMm = 0;
  bool sacrumInView = true;  // the S1 body's centre is inside the field of view
  double hizSignal = 0.95, hizNucleusSignal = 0;
  std::vector<std::string> levelsInView;  // discs whose centre is in the field, head to feet
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
