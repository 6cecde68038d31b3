#pragma once
// A long-running writer's link to its session file (the viewer; also the CLI):
// it remembers the state it last read or wrote (the base), notices when another
// writer changed the file, and saves by merging (SessionMerge.h) under the session
// lock, so an edit is applied to the latest state on disk and nobody's
// acknowledged edit is overwritten.
//
// Use:
//   auto sync = std::make_shared<SessionSync>(path);
//   auto opened = sync->open(freshSession);             // the file, or fresh if none
//   AnnotationModel model(*opened, sync->hook(), defaultReaderName());
//   ... model.add/update/remove/undo save through the merge ...
//   if (sync->changedOnDisk()) model.refresh();         // on focus, timer or inotify
//   model.conflicts()                                    // both versions, for the user
//
// Not thread-safe: one SessionSync per model, used from the thread that edits.

#include <memory>
#include <string>

#include "annulo/annotation/SessionLock.h"
#include "annulo/annotation/SessionMerge.h"
#include "annulo/base/Result.h"

namespace annulo {

class SessionSync : public std::enable_shared_from_this<SessionSync> {
 public:
  explicit SessionSync(std::string path, LockOptions lock = defaultLockOptions());

  const std::string& path() const { return path_; }
  const Session& base() const { return base_; }

  // Reads the file and makes it the base; without a file, `fresh` becomes the base
  // and nothing is written until the first commit.
  Result<Session> open(const Session& fresh = {});

  // Under the lock: re-reads the file, merges `mine` (base + this writer's edits)
  // with it, writes the merge when it differs from the file, and makes it the new
  // base. An unreadable file or a lock timeout is an error and nothing is written.
  Result<MergeResult> commit(const Session& mine);

  // Cheap check (inode, size, modification time) whether the file differs from
  // what this writer last read or wrote.
  bool changedOnDisk() const;

  // The save hook for AnnotationModel; it keeps this object alive.
  SyncHook hook();

 private:
  struct Stamp {
    bool exists = false;
    unsigned long long dev = 0, ino = 0, size = 0;
    long long mtimeNs = 0;
    bool operator==(const Stamp& o) const {
      return exists == o.exists && dev == o.dev && ino == o.ino && size == o.size && mtimeNs == o.mtimeNs;
    }
  };
  Stamp stampNow() const;

  std::string path_;
  LockOptions lock_;
  Session base_;
  Stamp stamp_;
};

}  // namespace annulo
