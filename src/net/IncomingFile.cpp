#include "net/IncomingFile.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "annulo/net/PrivateFiles.h"

namespace annulo::net_detail {

Result<std::filesystem::path> createIncomingTemp(const std::filesystem::path& folder, const std::string& uid) {
  if (uid.empty() || uid.find('/') != std::string::npos || uid[0] == '.')
    return makeError("instance without a usable SOP Instance UID ('" + uid + "')");
  return createPrivateTemp(folder / (uid + ".dcm"));
}

Result<std::string> writeIncoming(const std::filesystem::path& folder, const std::string& uid, DcmDataset* received) {
  DcmFileFormat file(received, OFFalse);  // takes ownership
  auto temp = createIncomingTemp(folder, uid);
  if (!temp) return temp.error();
  const std::filesystem::path path = folder / (uid + ".dcm");
  // DCMTK truncates the existing 0600 file, so the mode is ours from the start.
  const E_TransferSyntax xfer = file.getDataset()->getOriginalXfer();
  OFCondition cond = file.saveFile(temp->c_str(), xfer);
  if (cond.bad()) {
    std::error_code ec;
    std::filesystem::remove(*temp, ec);
    return makeError(uid + ": cannot write " + path.string() + ": " + cond.text());
  }
  if (auto s = commitTemp(*temp, path); !s) return s.error();
  return path.string();
}

BackgroundCommits::BackgroundCommits() : worker_([this] { run(); }) {}

BackgroundCommits::~BackgroundCommits() { (void)finish(); }

void BackgroundCommits::add(std::filesystem::path temp, std::filesystem::path finalPath) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.emplace_back(std::move(temp), std::move(finalPath));
  }
  wake_.notify_one();
}

void BackgroundCommits::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing, nothing left
    auto [temp, path] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const Status st = commitTemp(temp, path, false);
    lock.lock();
    done_.push_back(st ? Outcome{path.string(), {}} : Outcome{{}, st.message()});
    if (st && std::find(folders_.begin(), folders_.end(), path.parent_path()) == folders_.end())
      folders_.push_back(path.parent_path());
  }
}

std::vector<BackgroundCommits::Outcome> BackgroundCommits::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
  for (const auto& f : folders_) syncFolder(f);
  folders_.clear();
  return std::exchange(done_, {});
}

void removeStaleIncoming(const std::filesystem::path& folder) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    if (!isPrivateTemp(e.path())) continue;
    const std::string name = e.path().filename().string();
    const pid_t pid = pid_t(std::atol(name.c_str() + name.rfind(".part-") + 6));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) std::filesystem::remove(e.path(), ec);
  }
}

}  // namespace annulo::net_detail
