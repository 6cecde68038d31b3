#pragma once
// DSA-style mask subtraction and intensity projection over the frames of a cine.
//
// X-ray frames are subtracted in log space (PixelIntensityRelationship LIN, or LOG
// already): there, contrast adds the same opacity whatever bone lies behind it, so one
// window shows the contrast everywhere. Other modalities are subtracted linearly.
// Motion correction: each frame's translation against the mask (phase correlation on
// a reduced image, then sub-pixel Gauss-Newton), the mask shifted onto the frame.

#include <atomic>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/DerivedImage.h"
#include "annulo/processing/Geometry2D.h"

namespace annulo {

enum class ProjectionMode { Auto, Minimum, Maximum };

struct SubtractionOptions {
  int maskFrame = 1;  // 1-based
  bool motionCorrection = true;
  unsigned threads = 0;
  std::atomic<float>* progress = nullptr;     // optional: fraction of frames done, 0..1
  const std::atomic<bool>* cancel = nullptr;  // optional: checked per frame; "mask subtraction cancelled"
};

// Output: stored type of the source when it is 8 or 16 bits unsigned, otherwise
// uint16 (12 bits). X-ray: value = mid - gain * (opacity change), mid = half range,
// gain = range / 4 per natural-log unit, so contrast is dark (MONOCHROME2) and no
// change is mid-grey. `shifts` (optional) receives each frame's estimated motion.
Result<DerivedImage> subtractMask(const Series& series, const SubtractionOptions& options,
                                  std::vector<Shift2>* shifts = nullptr);

// One frame: the minimum or maximum over frames [first, last] (1-based, 0 = all).
// Auto picks the one that keeps contrast: minimum when contrast lowers the stored
// values (X-ray MONOCHROME2 / sign +1), maximum otherwise and for non-X-ray series.
Result<DerivedImage> projectFrames(const Series& series, ProjectionMode mode, int first = 0, int last = 0);

// Whether a series is a projection X-ray image (log-space processing applies).
bool isProjectionXray(const Series& series);

}  // namespace annulo
