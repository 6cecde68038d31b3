#pragma once
// The exclusive lock every session writer holds for its whole read -> apply ->
// write -> rename -> fsync. It is a POSIX record lock (fcntl, open-file-description
// lock where the kernel has it) on PATH.lock beside the session, so it also works
// between machines on NFS/SMB mounts whose server supports locking, and the kernel
// releases it when the holder dies (even by SIGKILL): a stale lock file is harmless.
//
// A mount without lock support (fcntl fails with ENOLCK, EOPNOTSUPP or ENOSYS) is
// refused with an error, because writers there could lose each other's edits;
// ANNULO_SESSION_UNLOCKED=1 lets a single writer save there anyway, at its own risk.
//
// Rules of use: hold at most one SessionLock per session in a process (a second
// one waits for the first, even in the same thread), and keep it only as long as
// the read-modify-write takes.

#include <chrono>
#include <string>

#include "annulo/base/Result.h"

namespace annulo {

struct LockOptions {
  // How long a writer waits for another one; ANNULO_SESSION_LOCK_TIMEOUT (seconds)
  // overrides the default.
  std::chrono::milliseconds timeout{5000};
  std::string holder;  // reader name written into the lock file while held
};

// The default options with the environment's timeout applied.
LockOptions defaultLockOptions();

std::string lockPath(const std::string& sessionPath);

class SessionLock {
 public:
  // Waits up to options.timeout. The error names the lock file and, when known,
  // the holder (process id, host, reader, since when).
  static Result<SessionLock> acquire(const std::string& sessionPath, const LockOptions& options = defaultLockOptions());

  SessionLock(SessionLock&& other) noexcept;
  SessionLock& operator=(SessionLock&& other) noexcept;
  SessionLock(const SessionLock&) = delete;
  SessionLock& operator=(const SessionLock&) = delete;
  ~SessionLock();

  // False when running unlocked under ANNULO_SESSION_UNLOCKED on a mount without locks.
  bool enforced() const { return enforced_; }

 private:
  SessionLock(int fd, bool enforced) : fd_(fd), enforced_(enforced) {}
  int fd_ = -1;
  bool enforced_ = true;
};

}  // namespace annulo
