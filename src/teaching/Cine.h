#pragma once
// Private: the cine of an acquired multi-frame series for a teaching case: every
// frame, at the file's own timing (SliceInfo::timeMs, i.e. FrameTime or
// FrameTimeVector), with the leak label blended in orange and a labelled scale
// bar, written as WebM (see MovieWriter.h for the encoder and why).

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "teaching/Drawing.h"

namespace annulo::teaching {

struct Cine {
  std::string file;  // relative to the case folder
  int frames = 0;
  double durationMs = 0;  // first to last frame
  double framesPerSecond = 0;
  std::string timing;  // where the times came from
  bool leakOverlay = false;
  std::string caption;
};

struct CineOptions {
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(float)> progress;  // fraction of this cine's frames written
};

// `series` is loaded with pixels; `leak` (optional) must have its size to be drawn.
// Errors name the file: encoder missing, a frame that does not render, cancelled.
Result<Cine> writeCine(const Series& series, const std::optional<LeakLabels>& leak, const std::string& caseDir,
                       const std::string& name, const CineOptions& options = {});

}  // namespace annulo::teaching
