#include "annulo/dicom/DecodeProgress.h"

#include "annulo/dicom/Series.h"

namespace annulo {

DecodeProgress::DecodeProgress(const std::vector<const Series*>& series) {
  for (const Series* s : series) {
    auto p = std::make_unique<PerSeries>();
    p->slices = s ? s->sliceCount() : 0;
    p->ready = std::make_unique<std::atomic<bool>[]>(p->slices);
    for (std::size_t i = 0; i < p->slices; ++i) p->ready[i].store(false, std::memory_order_relaxed);
    series_.push_back(std::move(p));
  }
}

void DecodeProgress::record(const FramesDecoded& f) {
  if (f.series >= series_.size()) return;
  PerSeries& p = *series_[f.series];
  for (std::size_t i = f.firstSlice; i < f.firstSlice + f.count && i < p.slices; ++i)
    if (!p.ready[i].exchange(true, std::memory_order_release)) p.decoded.fetch_add(1, std::memory_order_relaxed);
}

bool DecodeProgress::isDecoded(std::size_t series, std::size_t slice) const {
  return series < series_.size() && slice < series_[series]->slices &&
         series_[series]->ready[slice].load(std::memory_order_acquire);
}

std::size_t DecodeProgress::decodedCount(std::size_t series) const {
  return series < series_.size() ? series_[series]->decoded.load(std::memory_order_relaxed) : 0;
}

std::size_t DecodeProgress::sliceCount(std::size_t series) const {
  return series < series_.size() ? series_[series]->slices : 0;
}

std::size_t DecodeProgress::nearestDecoded(std::size_t series, std::size_t wanted) const {
  const std::size_t n = sliceCount(series);
  if (n == 0) return 0;
  if (wanted >= n) wanted = n - 1;
  for (std::size_t d = 0; d < n; ++d) {
    if (wanted >= d && isDecoded(series, wanted - d)) return wanted - d;
    if (wanted + d < n && isDecoded(series, wanted + d)) return wanted + d;
  }
  return n;
}

}  // namespace annulo
