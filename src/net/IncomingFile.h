#pragma once
// Private to src/net: an instance received over the network (C-GET sub-operation
// or our storage SCP) written as folder/<SOPInstanceUID>.dcm, private (0600) and
// atomically: DCMTK writes a hidden temporary file that is renamed only when
// complete, so an interrupted retrieve never leaves a half file under a name the
// loader would read (folder scans skip hidden names).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::net_detail {

// Takes ownership of `received`. Returns the final path.
Result<std::string> writeIncoming(const std::filesystem::path& folder, const std::string& sopInstanceUid,
                                  DcmDataset* received);

// A new private temporary file beside folder/<SOPInstanceUID>.dcm (the UID checked
// to be a plain file name first). Returns the temporary path.
Result<std::filesystem::path> createIncomingTemp(const std::filesystem::path& folder,
                                                 const std::string& sopInstanceUid);

// Commits (fsync, rename; commitTemp) complete temporary files on a thread of its
// own, so the association receives the next instance while the disk flushes this
// one; the folder is synced once, in finish(). Results keep the order of add().
class BackgroundCommits {
 public:
  struct Outcome {
    std::string path;   // the final path when committed
    std::string error;  // else why not
  };
  BackgroundCommits();
  ~BackgroundCommits();  // finish()es
  void add(std::filesystem::path temp, std::filesystem::path finalPath);
  // Waits for every commit, syncs the folders once; the outcomes in add() order.
  std::vector<Outcome> finish();

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::filesystem::path, std::filesystem::path>> queue_;
  std::vector<Outcome> done_;
  std::vector<std::filesystem::path> folders_;
  bool closing_ = false;
  std::thread worker_;
};

// Removes hidden temporary files a killed process left in `folder`.
void removeStaleIncoming(const std::filesystem::path& folder);

}  // namespace annulo::net_detail
