#include "annulo/dicom/LoadStatistics.h"

#include <algorithm>
#include <cstdint>

namespace annulo {

namespace {
// Per-slice figures of one series being loaded, keyed by its buffer: the
// result keeps each buffer at the same address (LoadOptions::onSeriesReady),
// while its index can change when a series loses every slice.
struct Pending {
  const std::uint8_t* buffer = nullptr;
  std::size_t slices = 0;
  std::vector<StoredSliceStats> perSlice;
  std::vector<char> done;  // each element written by the one job that wrote its slice
};

ModalityStats statsFor(const Series& s, const std::vector<Pending>& pending, std::size_t& recomputed) {
  const auto it = std::find_if(pending.begin(), pending.end(),
                               [&](const Pending& p) { return p.buffer && p.buffer == s.pixels.data(); });
  const bool whole = it != pending.end() && it->slices == s.sliceCount() &&
                     std::all_of(it->done.begin(), it->done.end(), [](char d) { return d != 0; });
  if (whole) return combineSliceStats(s, it->perSlice);
  ++recomputed;
  return computeModalityStats(s);
}
}  // namespace

Result<LoadWithStats> loadSeriesWithStats(const std::string& path, LoadOptions options) {
  // The callbacks run only inside loadSeries below, so they capture by reference.
  std::vector<Pending> pending;
  std::vector<const Series*> ready;
  auto userReady = std::move(options.onSeriesReady);
  auto userFrames = std::move(options.onFramesDecoded);
  options.onSeriesReady = [&](const std::vector<const Series*>& list) {
    ready = list;
    for (const Series* s : list)
      pending.push_back({s->pixels.data(), s->sliceCount(), std::vector<StoredSliceStats>(s->sliceCount()),
                         std::vector<char>(s->sliceCount(), 0)});
    if (userReady) userReady(list);
  };
  options.onFramesDecoded = [&](const FramesDecoded& f) {
    // Called on the worker that just decoded these slices (before the user's
    // callback, which may be a reader waiting for them: it sees the same bytes).
    Pending& p = pending[f.series];
    const Series& s = *ready[f.series];
    for (std::size_t k = f.firstSlice; k < f.firstSlice + f.count && k < p.slices; ++k) {
      p.perSlice[k] = storedSliceStats(s, k);
      p.done[k] = 1;
    }
    if (userFrames) userFrames(f);
  };
  auto loaded = loadSeries(path, options);
  if (!loaded) return loaded.error();
  LoadWithStats out;
  out.load = std::move(loaded.value());
  for (const Series& s : out.load.series)
    out.stats.push_back(options.readPixels ? statsFor(s, pending, out.recomputed) : ModalityStats{});
  return out;
}

}  // namespace annulo
