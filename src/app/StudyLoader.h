#pragma once
// Loads a study on a worker thread so the UI never freezes; the UI polls.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "annulo/dicom/SeriesLoader.h"

namespace annulo::app {

class StudyLoader {
 public:
  ~StudyLoader();
  void start(const std::string& path);
  void cancel();
  bool busy() const { return busy_.load(); }
  double progress() const { return progress_.load(); }
  const std::string& path() const { return path_; }
  // The finished load, once (then empty until the next start).
  std::optional<Result<LoadResult>> take();

 private:
  void join();
  std::thread worker_;
  std::atomic<bool> busy_{false}, cancel_{false};
  std::atomic<double> progress_{0};
  std::mutex mutex_;
  std::optional<Result<LoadResult>> result_;
  std::string path_;
};

}  // namespace annulo::app
