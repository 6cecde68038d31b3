#include "annulo/annotation/SessionSync.h"

#include <sys/stat.h>

#include "annulo/annotation/SessionStore.h"

namespace annulo {

SessionSync::SessionSync(std::string path, LockOptions lock) : path_(std::move(path)), lock_(std::move(lock)) {}

SessionSync::Stamp SessionSync::stampNow() const {
  struct stat st {};
  Stamp s;
  if (::stat(path_.c_str(), &st) != 0) return s;
  s.exists = true;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = static_cast<unsigned long long>(st.st_size);
  s.mtimeNs = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  return s;
}

Result<Session> SessionSync::open(const Session& fresh) {
  const Stamp before = stampNow();
  if (!before.exists) {
    base_ = fresh;
    stamp_ = before;
    return base_;
  }
  auto loaded = loadSession(path_);
  if (!loaded) return loaded.error();
  base_ = *loaded;
  // A write between the stat and the read makes the next changedOnDisk() true,
  // which only costs one extra refresh.
  stamp_ = before;
  return base_;
}

Result<MergeResult> SessionSync::commit(const Session& mine) {
  auto lock = SessionLock::acquire(path_, lock_);
  if (!lock) return lock.error();
  const Stamp now = stampNow();
  Session theirs = base_;
  if (now.exists) {
    auto loaded = loadSession(path_);
    if (!loaded) return makeError(loaded.message() + "; nothing was saved");
    theirs = std::move(*loaded);
  }
  MergeResult r = mergeSessions(base_, mine, theirs);
  r.merged.revision = theirs.revision;
  if (!now.exists || sessionToJson(r.merged) != sessionToJson(theirs)) {
    ++r.merged.revision;
    if (Status w = writeSessionFile(r.merged, path_); !w) return w.error();
  }
  base_ = r.merged;
  stamp_ = stampNow();
  return r;
}

bool SessionSync::changedOnDisk() const { return !(stampNow() == stamp_); }

SyncHook SessionSync::hook() {
  std::shared_ptr<SessionSync> self = shared_from_this();
  return [self](const Session& mine) { return self->commit(mine); };
}

}  // namespace annulo
