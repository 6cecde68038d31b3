#include "annulo/net/PrivateFiles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace annulo {
namespace fs = std::filesystem;
namespace {

std::string sysError() { return std::strerror(errno); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status writeAll(int fd, const char* data, std::size_t size, const fs::path& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return makeError("cannot write " + path.string() + ": " + sysError());
    data += n;
    size -= std::size_t(n);
  }
  return Status::success();
}

}  // namespace

// A rename is durable only once the folder entry is on disk too.
void syncFolder(const fs::path& dir) {
  Fd d(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) (void)::fsync(d.get());
}

Status makePrivateDirs(const fs::path& dir) {
  if (dir.empty()) return Status::success();
  fs::path built;
  for (const auto& part : dir) {
    built /= part;
    struct stat st {};
    if (::stat(built.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return makeError("cannot create folder " + dir.string() + ": " + built.string() + " is not a folder");
      continue;
    }
    if (::mkdir(built.c_str(), 0700) != 0 && errno != EEXIST)
      return makeError("cannot create folder " + built.string() + ": " + sysError());
    // mkdir's mode is masked by the umask; chmod is not.
    if (::chmod(built.c_str(), 0700) != 0)
      return makeError("cannot make " + built.string() + " private: " + sysError());
  }
  return Status::success();
}

bool isPrivateTemp(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.size() > 1 && name[0] == '.' && name.find(".part-") != std::string::npos;
}

Result<fs::path> createPrivateTemp(const fs::path& finalPath) {
  static std::atomic<unsigned> counter{0};
  if (auto s = makePrivateDirs(finalPath.parent_path()); !s) return s.error();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path temp = finalPath.parent_path() / ("." + finalPath.filename().string() + ".part-" +
                                                     std::to_string(::getpid()) + "-" + std::to_string(counter++));
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0 && errno == EEXIST) continue;
    if (fd.get() < 0) return makeError("cannot create " + temp.string() + ": " + sysError());
    if (::fchmod(fd.get(), 0600) != 0) {
      ::unlink(temp.c_str());
      return makeError("cannot make " + temp.string() + " private: " + sysError());
    }
    return temp;
  }
  return makeError("cannot create a temporary file beside " + finalPath.string());
}

Status commitTemp(const fs::path& temp, const fs::path& finalPath, bool syncTheFolder) {
  Fd fd(::open(temp.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    const std::string why = sysError();
    ::unlink(temp.c_str());
    return makeError("cannot flush " + temp.string() + " to disk: " + why);
  }
  // DCMTK and std::ofstream create files with the umask's mode: force 0600 before
  // the file gets its final name.
  if (::fchmod(fd.get(), 0600) != 0 || ::rename(temp.c_str(), finalPath.c_str()) != 0) {
    const std::string why = sysError();
    ::unlink(temp.c_str());
    return makeError("cannot move " + temp.string() + " to " + finalPath.string() + ": " + why);
  }
  if (syncTheFolder) syncFolder(finalPath.parent_path());
  return Status::success();
}

Status writePrivateFile(const fs::path& path, const std::string& bytes) {
  auto temp = createPrivateTemp(path);
  if (!temp) return temp.error();
  {
    Fd fd(::open(temp->c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    Status s = fd.get() < 0 ? Status(makeError("cannot open " + temp->string() + ": " + sysError()))
                            : writeAll(fd.get(), bytes.data(), bytes.size(), *temp);
    if (!s) {
      ::unlink(temp->c_str());
      return s;
    }
  }
  return commitTemp(*temp, path);
}

Status copyPrivateFile(const fs::path& from, const fs::path& to) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return makeError("cannot read " + from.string() + ": " + sysError());
  auto temp = createPrivateTemp(to);
  if (!temp) return temp.error();
  Status s;
  {
    Fd out(::open(temp->c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (out.get() < 0) s = makeError("cannot open " + temp->string() + ": " + sysError());
    char buf[1 << 16];
    while (s) {
      const ssize_t n = ::read(in.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) s = makeError("cannot read " + from.string() + ": " + sysError());
      if (n <= 0) break;
      s = writeAll(out.get(), buf, std::size_t(n), *temp);
    }
  }
  if (!s) {
    ::unlink(temp->c_str());
    return s;
  }
  return commitTemp(*temp, to);
}

std::string worldReadableWarning(const fs::path& folder) {
  std::error_code ec;
  const fs::path abs = fs::absolute(folder, ec).lexically_normal();
  struct stat st {};
  if (ec || ::stat(abs.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return {};
  if ((st.st_mode & S_IROTH) == 0 || (st.st_mode & S_IXOTH) == 0) return {};
  for (fs::path p = abs.parent_path(); !p.empty(); p = p.parent_path()) {
    struct stat up {};
    if (::stat(p.c_str(), &up) == 0 && (up.st_mode & S_IXOTH) == 0) return {};  // a parent keeps others out
    if (p == p.root_path()) break;
  }
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
  std::string shown = abs.string();
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  return shown + " is readable by every user of this machine (mode " + mode +
         "): exported objects carry the patient's name and ID; choose a private folder or remove others' access "
         "(chmod o-rwx)";
}

}  // namespace annulo
