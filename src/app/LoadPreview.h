#pragma once
// Progressive display (issue 20): what the viewer may read of a series while the
// loading job is still decoding it. The loader's callbacks report into it; the UI
// thread reads decoded slices of the loader's early Series through read(), and
// never once the loader said decoding ended (LoadOptions::onDecodingEnded): then
// the Series move into the result and failed files' slices move down.
//
// Threads: the callbacks installed by attach() run on the loading threads;
// read(), decoded(), total() and id() on the UI thread. The preview must outlive
// the load (the job holds a shared_ptr to it).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "annulo/dicom/DecodeProgress.h"
#include "annulo/dicom/SeriesLoader.h"

namespace annulo::app {

class LoadPreview {
 public:
  // `wake` is called (from a loading thread) when the slice shown first is decoded,
  // so a UI that sleeps between events draws it at once.
  explicit LoadPreview(std::function<void()> wake = {});
  LoadPreview(const LoadPreview&) = delete;
  LoadPreview& operator=(const LoadPreview&) = delete;

  // Sets options.onSeriesReady / onFramesDecoded / onDecodingEnded to report here.
  void attach(LoadOptions& options);

  // Calls `reader(series, progress)` with the first series being loaded (the one shown
  // when the load ends) while its decoded slices may be read; the loader waits for
  // it to return before moving anything. Returns false without calling it before the
  // series is known or once decoding has ended. Only slices progress.isDecoded() are final.
  bool read(const std::function<void(const Series&, const DecodeProgress&)>& reader) const;

  // Slices decoded so far and in all, over every series (for the loading bar).
  std::size_t decoded() const;
  std::size_t total() const;
  // Unique per preview (a new open gets a new one even at the same address).
  std::uint64_t id() const { return id_; }

 private:
  void seriesReady(const std::vector<const Series*>& series);
  void framesDecoded(const FramesDecoded& frames);
  void decodingEnded();

  std::function<void()> wake_;
  const std::uint64_t id_;
  mutable std::mutex readLock_;  // held by read() and by decodingEnded()
  bool readable_ = false;
  const Series* first_ = nullptr;
  std::size_t firstShown_ = 0;
  std::size_t seriesCount_ = 0;
  std::unique_ptr<DecodeProgress> progress_;  // set before any frame is reported
  std::atomic<std::size_t> total_{0};
  std::atomic<bool> woke_{false};
};

}  // namespace annulo::app
