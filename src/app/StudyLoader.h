#pragma once
// Loads a study on a worker thread so the UI never freezes; the UI polls.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "StudyReports.h"
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
  // The finished load, once (then empty until the next start), with the reports
  // (SR documents) found among the files it set aside.
  struct Finished {
    Result<LoadResult> load;
    std::vector<FoundReport> reports;
  };
  std::optional<Finished> take();

 private:
  void join();
  std::thread worker_;
  std::atomic<bool> busy_{false}, cancel_{false};
  std::atomic<double> progress_{0};
  std::mutex mutex_;
  std::optional<Finished> result_;
  std::string path_;
};

}  // namespace annulo::app
