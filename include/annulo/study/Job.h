#pragma once
// One background job type for every long task (loading, segmentation, filters, HIZ
// search, PACS query/retrieve/send, export): start, progress fraction, cancel,
// result or error. The UI polls `take()` once per frame and never blocks; a script
// or test calls `wait()`. Destroying a job cancels it and waits for its worker, so
// shutdown with jobs running ends cleanly (no worker outlives the data it reads).
//
// Rules of use:
// - The work function receives a JobControl: it checks `cancelled()` between steps
//   and reports `progress(f)`; core functions take `control.cancelFlag()` and
//   `control.progressSlot()` for their own cancel/progress options.
// - A cancelled job's result is whatever the work returned (usually the error
//   "... cancelled", see cancelledError); `cancelRequested()` tells a caller why.
// - Progress never goes back: a lower fraction than the last one is ignored.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "annulo/base/Result.h"

namespace annulo {

class JobControl {
 public:
  bool cancelled() const { return cancel_.load(std::memory_order_relaxed); }
  void cancel() { cancel_ = true; }
  // Raises the fraction done (0..1); a lower value than the current one is ignored.
  void progress(float fraction) {
    fraction = std::clamp(fraction, 0.0f, 1.0f);
    float seen = progress_.load(std::memory_order_relaxed);
    while (fraction > seen && !progress_.compare_exchange_weak(seen, fraction)) {
    }
  }
  float fraction() const { return progress_.load(std::memory_order_relaxed); }
  // For core functions with their own `const std::atomic<bool>* cancel` and
  // `std::atomic<float>* progress` options (they only ever raise it).
  const std::atomic<bool>* cancelFlag() const { return &cancel_; }
  std::atomic<float>* progressSlot() { return &progress_; }

 private:
  std::atomic<bool> cancel_{false};
  std::atomic<float> progress_{0.0f};
};

// The error a job returns when it stopped because it was asked to.
inline Error cancelledError(const std::string& what) { return makeError(what + " cancelled"); }

template <typename T>
class Job {
 public:
  using Work = std::function<Result<T>(JobControl&)>;

  Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;
  Job(Job&&) noexcept = default;
  Job& operator=(Job&& other) noexcept {
    if (this != &other) {
      stop();
      future_ = std::move(other.future_);
      control_ = std::move(other.control_);
      label_ = std::move(other.label_);
    }
    return *this;
  }
  ~Job() { stop(); }

  // Starts `work` on its own thread; a job still running is cancelled and waited for first.
  void start(std::string label, Work work) {
    stop();
    label_ = std::move(label);
    control_ = std::make_shared<JobControl>();
    // The worker holds the control block, so it outlives a job the UI stopped waiting for.
    future_ = std::async(std::launch::async, [control = control_, work = std::move(work)]() -> Result<T> {
      try {
        return work(*control);
      } catch (const std::exception& e) {
        return makeError(std::string("unexpected error: ") + e.what());
      }
    });
  }

  bool running() const { return future_.valid(); }
  const std::string& label() const { return label_; }
  float progress() const { return control_ ? control_->fraction() : 0.0f; }
  void cancel() {
    if (control_) control_->cancel();
  }
  bool cancelRequested() const { return control_ && control_->cancelled(); }

  // The result once, when the work has finished; never blocks.
  std::optional<Result<T>> take() {
    if (!future_.valid() || future_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
    return future_.get();
  }
  // Cancels the work and waits for it; its result is dropped.
  void stop() {
    if (!future_.valid()) return;
    cancel();
    future_.wait();
    future_ = {};
  }
  // Blocks until the work has finished (an idle job gives an error).
  Result<T> wait() {
    if (!future_.valid()) return makeError(label_.empty() ? "no job running" : label_ + ": no job running");
    return future_.get();
  }

 private:
  std::future<Result<T>> future_;
  std::shared_ptr<JobControl> control_;
  std::string label_;
};

}  // namespace annulo
