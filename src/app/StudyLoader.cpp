#include "StudyLoader.h"

namespace annulo::app {

StudyLoader::~StudyLoader() {
  cancel();
  join();
}

void StudyLoader::join() {
  if (worker_.joinable()) worker_.join();
}

void StudyLoader::cancel() { cancel_ = true; }

void StudyLoader::start(const std::string& path) {
  cancel();
  join();
  cancel_ = false;
  progress_ = 0;
  busy_ = true;
  path_ = path;
  worker_ = std::thread([this, path] {
    LoadOptions o;
    o.cancel = &cancel_;
    o.progress = [this](double f) { progress_ = f; };
    auto r = loadSeries(path, o);
    std::vector<FoundReport> reports;
    if (r && !cancel_) reports = findReports(*r);  // here, not on the UI thread: a report may be large
    std::lock_guard<std::mutex> lock(mutex_);
    result_.emplace(Finished{std::move(r), std::move(reports)});
    busy_ = false;
  });
}

std::optional<StudyLoader::Finished> StudyLoader::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<Finished> out;
  out.swap(result_);
  return out;
}

}  // namespace annulo::app
