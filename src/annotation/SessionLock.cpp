#include "annulo/annotation/SessionLock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>

#include "annulo/annotation/SessionFolder.h"

namespace annulo {
namespace {

bool envSet(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0";
}

std::string isoNowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Open-file-description locks (Linux >= 3.15) belong to the open file, not the
// process, so two writers in one process exclude each other too; classic POSIX
// locks are the fallback where the kernel does not know them.
int tryLock(int fd) {
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
#ifdef F_OFD_SETLK
  if (::fcntl(fd, F_OFD_SETLK, &fl) == 0) return 0;
  if (errno != EINVAL) return errno;
#endif
  return ::fcntl(fd, F_SETLK, &fl) == 0 ? 0 : errno;
}

bool unsupported(int err) { return err == ENOLCK || err == EOPNOTSUPP || err == ENOSYS; }

std::string holderOf(int fd) {
  char buf[256] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, std::size_t(n)) : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void recordHolder(int fd, const std::string& holder) {
  char host[128] = {};
  ::gethostname(host, sizeof host - 1);
  std::string text = "pid " + std::to_string(::getpid()) + " on " + host +
                     (holder.empty() ? "" : ", reader " + holder) + ", since " + isoNowUtc();
  // Fixed width, so a shorter note overwrites a longer one without a truncate.
  text.resize(std::max<std::size_t>(text.size(), 200), ' ');
  text += "\n";
  if (::pwrite(fd, text.data(), text.size(), 0) < 0) {
    // The holder note is a courtesy for error messages; the lock is what counts.
  }
}

Result<int> openLockFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::fchmod(fd, sessionFileMode(path));  // explicit: independent of the umask
    return fd;
  }
  if (errno == EEXIST) fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return makeError(path + ": cannot open the session lock file (" + std::strerror(errno) + ")");
  return fd;
}

}  // namespace

LockOptions defaultLockOptions() {
  LockOptions o;
  if (const char* v = std::getenv("ANNULO_SESSION_LOCK_TIMEOUT"); v && *v) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end != v && s >= 0) o.timeout = std::chrono::milliseconds(static_cast<long long>(s * 1000));
  }
  return o;
}

std::string lockPath(const std::string& sessionPath) { return sessionPath + ".lock"; }

Result<SessionLock> SessionLock::acquire(const std::string& sessionPath, const LockOptions& options) {
  const std::string path = lockPath(sessionPath);
  auto fd = openLockFile(path);
  if (!fd) return fd.error();
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    const int err = tryLock(*fd);
    if (err == 0) {
      recordHolder(*fd, options.holder);
      return SessionLock(*fd, true);
    }
    if (unsupported(err)) {
      if (envSet("ANNULO_SESSION_UNLOCKED")) return SessionLock(*fd, false);
      ::close(*fd);
      return makeError(path + ": this file system does not support record locks (" + std::strerror(err) +
                       "); several writers could lose each other's edits, so nothing was saved. Use a session "
                       "folder on a file system with locking, or set ANNULO_SESSION_UNLOCKED=1 if only one "
                       "program ever writes this session");
    }
    if (err != EAGAIN && err != EACCES && err != EINTR) {
      ::close(*fd);
      return makeError(path + ": cannot lock (" + std::strerror(err) + "); nothing was saved");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string holder = holderOf(*fd);
      ::close(*fd);
      const double seconds = double(options.timeout.count()) / 1000.0;
      char waited[32];
      std::snprintf(waited, sizeof waited, "%.1f", seconds);
      return makeError(sessionPath + ": another writer holds the session lock " + path +
                       (holder.empty() ? "" : " (" + holder + ")") + "; gave up after " + waited +
                       " s, nothing was changed");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

SessionLock::SessionLock(SessionLock&& other) noexcept : fd_(other.fd_), enforced_(other.enforced_) { other.fd_ = -1; }

SessionLock& SessionLock::operator=(SessionLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    enforced_ = other.enforced_;
    other.fd_ = -1;
  }
  return *this;
}

// Closing the descriptor releases the lock; the lock file stays (removing it
// would race with a writer that has just opened it).
SessionLock::~SessionLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace annulo
