#pragma once
// Private helper: the optional progress output and cancel flag of long work (segmentation, filters),
// a fraction 0..1 in an atomic the caller polls for a progress bar. Relaxed atomics
// throughout: the value is only displayed, it publishes no other memory, and a store
// per stage or per frame costs nothing next to the frame's work.

#include <algorithm>
#include <atomic>

namespace annulo::processing_detail {

// The caller's cancel flag, if it gave one, is set. Relaxed: it only asks work to stop.
inline bool cancelRequested(const std::atomic<bool>* flag) { return flag && flag->load(std::memory_order_relaxed); }

// The part [begin, end] of the whole run that one stage covers.
class ProgressSpan {
 public:
  ProgressSpan() = default;
  ProgressSpan(std::atomic<float>* out, float begin, float end) : out_(out), begin_(begin), end_(end) {}

  // The output back to 0 at the start of a run (the caller may reuse its atomic).
  void start() const {
    if (out_) out_->store(0.0f, std::memory_order_relaxed);
  }
  // Exactly 1 on success, whatever rounding the stage weights leave.
  void finish() const {
    if (out_) out_->store(1.0f, std::memory_order_relaxed);
  }
  // `fraction` (0..1) of this span done. Never lowers the output: parallel workers
  // finish frames out of order, and a bar must not go back.
  void reach(double fraction) const {
    if (!out_) return;
    const float v = begin_ + float(std::clamp(fraction, 0.0, 1.0)) * (end_ - begin_);
    float current = out_->load(std::memory_order_relaxed);
    while (current < v && !out_->compare_exchange_weak(current, v, std::memory_order_relaxed)) {
    }
  }
  // The part [from, to] (fractions of this span) as a span of its own.
  ProgressSpan part(double from, double to) const {
    return {out_, begin_ + float(from) * (end_ - begin_), begin_ + float(to) * (end_ - begin_)};
  }

 private:
  std::atomic<float>* out_ = nullptr;
  float begin_ = 0, end_ = 1;
};

// Counts the finished items of a (parallel) loop into a span.
class ItemProgress {
 public:
  ItemProgress(ProgressSpan span, int total) : span_(span), total_(std::max(1, total)) {}
  void done() {
    const int n = done_.fetch_add(1, std::memory_order_relaxed) + 1;
    span_.reach(double(n) / total_);
  }

 private:
  ProgressSpan span_;
  int total_;
  std::atomic<int> done_{0};
};

}  // namespace annulo::processing_detail
