#pragma once
// Loads everything under a path into series. One bad file never stops the rest:
// it is listed in `rejected` with the specific reason.

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/DecodeProgress.h"
#include "annulo/dicom/FileCollector.h"
#include "annulo/dicom/Series.h"

namespace annulo {

struct LoadOptions {
  bool readPixels = true;  // false: headers, geometry and identifiers only
  unsigned threads = 0;    // 0: one per core
  // Called from the loading threads with the fraction done (0..1).
  std::function<void(double)> progress;
  const std::atomic<bool>* cancel = nullptr;

  // Progressive loading (see DecodeProgress.h). onSeriesReady is called once,
  // on the calling thread, after the headers are read and the pixel buffers
  // allocated but before any pixel is decoded: every series with its geometry,
  // identity and (unfilled) buffer, in the order of the result. Those Series
  // objects stay where they are until loadSeries returns, and their buffers stay
  // at the same address in the result. onFramesDecoded is then called from the
  // loading threads each time slices are in place (one call per frame for
  // compressed files). The slice shown first (a cine's first frame, a volume's
  // middle slice) is decoded first.
  std::function<void(const std::vector<const Series*>&)> onSeriesReady;
  std::function<void(const FramesDecoded&)> onFramesDecoded;
  // Called once on the calling thread when no slice will be written any more
  // (all decoded, or the load cancelled or failed), before failed files' slices
  // are moved down and before the Series leave for the result: after it returns,
  // the list given to onSeriesReady must not be read again. Called whenever
  // onSeriesReady was, so a reader can stop safely (e.g. take a lock here that
  // the reader holds while it reads).
  std::function<void()> onDecodingEnded;
};

struct LoadResult {
  std::vector<Series> series;
  std::vector<RejectedFile> rejected;
  std::size_t filesSeen = 0;
};

// Errors only when the path itself cannot be used (missing, unreadable DICOMDIR)
// or the load was cancelled; unusable files inside it are in `rejected`.
Result<LoadResult> loadSeries(const std::string& path, const LoadOptions& options = {});

}  // namespace annulo
