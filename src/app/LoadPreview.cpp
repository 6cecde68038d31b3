#include "LoadPreview.h"

#include "annulo/dicom/Series.h"

namespace annulo::app {
namespace {

std::uint64_t nextId() {
  static std::atomic<std::uint64_t> id{0};
  return ++id;
}

}  // namespace

LoadPreview::LoadPreview(std::function<void()> wake) : wake_(std::move(wake)), id_(nextId()) {}

void LoadPreview::attach(LoadOptions& o) {
  o.onSeriesReady = [this](const std::vector<const Series*>& s) { seriesReady(s); };
  o.onFramesDecoded = [this](const FramesDecoded& f) { framesDecoded(f); };
  o.onDecodingEnded = [this] { decodingEnded(); };
}

void LoadPreview::seriesReady(const std::vector<const Series*>& series) {
  std::lock_guard<std::mutex> lock(readLock_);
  // The loader calls this before it starts any decoding thread, so progress_ is
  // in place (thread creation orders it) before framesDecoded runs.
  progress_ = std::make_unique<DecodeProgress>(series);
  std::size_t n = 0;
  for (const Series* s : series) n += s ? s->sliceCount() : 0;
  total_ = n;
  seriesCount_ = series.size();
  first_ = series.empty() ? nullptr : series.front();
  // The slice the loader decodes first (SeriesLoader: a cine's first frame, a volume's middle slice).
  firstShown_ = first_ && !first_->multiFrame ? first_->sliceCount() / 2 : 0;
  readable_ = first_ != nullptr;
}

void LoadPreview::framesDecoded(const FramesDecoded& f) {
  progress_->record(f);
  if (f.series == 0 && f.firstSlice <= firstShown_ && firstShown_ < f.firstSlice + f.count && wake_ &&
      !woke_.exchange(true))
    wake_();
}

void LoadPreview::decodingEnded() {
  std::lock_guard<std::mutex> lock(readLock_);  // waits for a read in progress
  readable_ = false;
  first_ = nullptr;
}

bool LoadPreview::read(const std::function<void(const Series&, const DecodeProgress&)>& reader) const {
  std::lock_guard<std::mutex> lock(readLock_);
  if (!readable_) return false;
  reader(*first_, *progress_);
  return true;
}

std::size_t LoadPreview::decoded() const {
  std::lock_guard<std::mutex> lock(readLock_);
  std::size_t n = 0;
  for (std::size_t i = 0; progress_ && i < seriesCount_; ++i) n += progress_->decodedCount(i);
  return n;
}

std::size_t LoadPreview::total() const { return total_; }

}  // namespace annulo::app
