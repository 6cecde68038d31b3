#pragma once
// Progressive loading: which slices of the series being loaded are already
// decoded, for a reader on another thread (the viewer's render loop) while the
// loader's workers are still filling the buffers.
//
// Rules of use:
// - Construct it from LoadOptions::onSeriesReady's list (on the loader thread),
//   then share it (e.g. std::shared_ptr) with the reader.
// - Call record() from LoadOptions::onFramesDecoded (any loading thread).
// - isDecoded(series, slice) true means the slice's bytes in that series'
//   buffer are final: record() publishes them (release) and isDecoded()
//   acquires them, so the reader may read exactly those slices while other
//   slices are still being written.
// - Valid until loadSeries returns; then use the returned series (a file that
//   failed late is dropped from them, which moves later slices down).

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace annulo {

class Series;

struct FramesDecoded {
  std::size_t series = 0;      // index into onSeriesReady's list (= the result's order)
  std::size_t firstSlice = 0;  // display order, as Series::sliceData
  std::size_t count = 0;
};

class DecodeProgress {
 public:
  explicit DecodeProgress(const std::vector<const Series*>& series);

  void record(const FramesDecoded& frames);
  bool isDecoded(std::size_t series, std::size_t slice) const;
  // Slices decoded so far (for a loading bar that counts frames).
  std::size_t decodedCount(std::size_t series) const;
  std::size_t sliceCount(std::size_t series) const;
  // The decoded slice nearest to `wanted` (to show while `wanted` is missing),
  // or sliceCount(series) when none is decoded yet.
  std::size_t nearestDecoded(std::size_t series, std::size_t wanted) const;

 private:
  struct PerSeries {
    std::unique_ptr<std::atomic<bool>[]> ready;
    std::size_t slices = 0;
    std::atomic<std::size_t> decoded{0};
  };
  std::vector<std::unique_ptr<PerSeries>> series_;
};

}  // namespace annulo
