#pragma once
// Contrast-leak segmentation of an annulogram cine (lumbar discography under
// fluoroscopy). Per frame a label map: 1 = intradiscal contrast (inside the disc
// outline), 2 = leak (contrast connected to the injection but outside the disc).
//
// Pipeline, and why:
// 1. Every frame is reduced (box average of intensity) to ~256 pixels across. On the
//    reduced frames: contrast arrival at the injection point (which also checks the
//    contrast polarity against the header's), the pre-contrast mask frames, coarse
//    motion by phase correlation, and the coarse extent of contrast. The region of
//    interest (ROI) is that extent plus a margin wide enough for the disc outline:
//    full-resolution work then never touches the rest of a 1024^2 frame.
// 2. The mask is the average of the pre-contrast frames, each aligned to the first (on
//    the reduced frames to the nearest reduced pixel by phase correlation, then at full
//    resolution), so a patient who drifts or jumps during the mask frames leaves no ghost.
//    Motion is a two-level pyramid: phase correlation on the ~256-pixel reduced frames
//    (128-pixel window: captures about +-50 reduced pixels, i.e. +-100 px at 512 and
//    +-200 px at 1024, far beyond the +-12 px at 512 asked for), then Lucas-Kanade at full
//    resolution from there. Measured: see LeakTimings coarseMs / framesMs.
//    Each frame's translation is refined to sub-pixel accuracy (Lucas-Kanade with
//    Tukey weights, so new contrast is an outlier) and the mask is shifted onto the
//    frame in the intensity domain, then both are turned into opacity: DSA in log
//    space, where contrast adds the same amount whatever lies behind it.
// 3. The difference is smoothed with a 3x3 binomial, thresholded at a fraction of the
//    contrast level measured at the needle tip (never below 4 noise sigmas), and the
//    4-connected component touching the needle tip is kept, holes filled. Contrast
//    not connected to the injection (a bowel-gas change, noise) is not ours.
// 4. The disc outline (given, or estimated from the contrast-free background; see
//    DiscOutline.h), moved by each frame's motion, splits that component into 1 and 2.
//    A frame whose registered difference still has strong opposite-polarity edges
//    (residual-edge guard, see LeakFrame) is flagged and warned about, not counted as leak.
// 5. Metrics: areas per frame from Series::spacing (magnification-corrected when the
//    header allows; the calibration is reported), leak onset (first frame of a leak
//    that persists), accumulated leak in the reference frame, and leak paths there.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/Geometry2D.h"
#include "annulo/processing/LeakMetrics.h"

namespace annulo {

struct LeakSegmentationOptions {
  Point2 injectionPoint{};          // needle tip: x = column, y = row, pixels, reference frame
  std::vector<Point2> discOutline;  // optional polygon in the same coordinates; empty = estimate
  int maskFrame = 0;                // 1-based pre-contrast frame to subtract; 0 = automatic
  bool motionCorrection = true;
  unsigned threads = 0;  // 0 = one per core
  // Checked between stages (each well under a second on a 1024^2 x 120 cine) and per
  // frame in the per-frame stages: when set, segmentLeak returns the error
  // "leak segmentation cancelled".
  const std::atomic<bool>* cancel = nullptr;
  // Optional, for a progress bar polled from another thread: the fraction done (0..1),
  // raised per stage (weighted by its usual share of the time, see LeakTimings) and per
  // frame within the stages that loop over frames; never lowered; exactly 1 on success.
  std::atomic<float>* progress = nullptr;
};

struct LeakFrame {
  int frame = 0;      // 1-based
  double timeMs = 0;  // from the cine's frame timing
  Shift2 motion;      // estimated content shift relative to the reference frame
  std::size_t intradiscalPixels = 0, leakPixels = 0;
  double intradiscalAreaMm2 = 0, leakAreaMm2 = 0;  // pixel counts x pixel area (see calibration)
  // Residual-edge guard: ROI pixels whose registered difference is as strong as the
  // threshold but of the opposite polarity (contrast only adds opacity). Many of them
  // mean the frame disagrees with the mask outside the contrast (motion not followed):
  // registrationSuspect, a warning names the frame and its leak does not set the onset.
  std::size_t residualEdgePixels = 0;
  bool registrationSuspect = false;
};

// Where the time went (wall clock, ms), for benchmarks and the curious.
struct LeakTimings {
  double reduceMs = 0;   // reading every frame once, reduced
  double coarseMs = 0;   // arrival, coarse motion, coarse extent (ROI)
  double maskMs = 0;     // full-resolution mask and threshold
  double framesMs = 0;   // per-frame motion refinement, subtraction, component
  double outlineMs = 0;  // disc outline estimate
  double measureMs = 0;  // labels, areas, onset, paths
  double totalMs = 0;
};

struct LeakSegmentation {
  int columns = 0, rows = 0, frames = 0;
  PixelBox roi;                         // every label outside it is 0
  std::vector<std::uint8_t> roiLabels;  // frames x roi.height() x roi.width(), values 0/1/2
  std::vector<LeakFrame> perFrame;

  std::optional<int> leakOnsetFrame;  // 1-based
  std::optional<double> leakOnsetMs;
  double finalLeakAreaMm2 = 0;
  double accumulatedLeakAreaMm2 = 0;  // union over frames, motion-corrected
  std::size_t accumulatedLeakPixels = 0;
  std::vector<LeakPath> paths;  // reference-frame coordinates, longest first

  std::vector<Point2> discOutline;  // reference-frame coordinates
  bool discOutlineEstimated = false;
  std::string discOutlineMethod;
  Point2 discCentre{};
  Point2 injectionPoint{};

  int referenceFrame = 1;  // 1-based; path coordinates are in this frame
  int maskFirstFrame = 1, maskLastFrame = 1;
  int contrastArrivalFrame = 0;  // 1-based first frame with contrast at the tip

  Calibration calibration = Calibration::None;
  std::string calibrationDescription;
  double pixelWidthMm = 1, pixelHeightMm = 1;  // Series::spacing (pixels if uncalibrated)

  std::string polarity;      // how contrast shows in the stored values, and why
  double contrastLevel = 0;  // opacity added by contrast at the tip (ln units for LIN data)
  double threshold = 0;      // on the smoothed opacity difference
  double noiseSigma = 0;     // of the smoothed difference, robust
  std::vector<std::string> warnings;
  LeakTimings timings;

  double pixelAreaMm2() const { return pixelWidthMm * pixelHeightMm; }
  // Full label map of a frame (1-based): columns*rows bytes, row-major.
  std::vector<std::uint8_t> frameLabels(int frame) const;
  void copyFrameLabels(int frame, std::uint8_t* out) const;
};

// Errors name the problem: colour or single-frame series, injection point outside the
// image or not on contrast, a degenerate disc outline, no pre-contrast frame.
Result<LeakSegmentation> segmentLeak(const Series& series, const LeakSegmentationOptions& options);

}  // namespace annulo
