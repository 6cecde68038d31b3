#include "annulo/annotation/SessionFolder.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace annulo {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::string defaultSessionFolder() {
  if (std::string dir = env("ANNULO_SESSION_DIR"); !dir.empty()) return dir;
  std::filesystem::path base = env("XDG_DATA_HOME");
  if (base.empty()) {
    const std::string home = env("HOME");
    base = std::filesystem::path(home.empty() ? "/tmp" : home) / ".local/share";
  }
  return (base / "annulo" / "sessions").string();
}

Status createPrivateFolder(const std::string& folder) {
  std::filesystem::path p = std::filesystem::path(folder).lexically_normal();
  std::filesystem::path built;
  for (const auto& part : p) {
    built /= part;
    if (built.string() == "/" || built.empty()) continue;
    struct stat st {};
    if (::stat(built.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return makeError(built.string() + ": exists and is not a folder");
      continue;
    }
    if (::mkdir(built.c_str(), 0700) != 0 && errno != EEXIST)
      return makeError(built.string() + ": cannot create the session folder (" + std::strerror(errno) + ")");
    ::chmod(built.c_str(), 0700);  // explicit: mkdir's mode is narrowed by the umask only
  }
  return {};
}

mode_t sessionFileMode(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  struct stat st {};
  if (::stat(dir.empty() ? "." : dir.c_str(), &st) == 0 && (st.st_mode & S_IWGRP)) return 0660;
  return 0600;
}

std::string sessionFileFor(const std::string& folder, const std::string& studyUid, const std::string& sourcePath) {
  const bool uid =
      !studyUid.empty() && studyUid.size() <= 64 &&
      std::all_of(studyUid.begin(), studyUid.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  std::string stem = studyUid;
  if (!uid) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs and builds, unlike std::hash
    for (unsigned char c : sourcePath + "|" + studyUid) h = (h ^ c) * 1099511628211ull;
    char buf[32];
    std::snprintf(buf, sizeof buf, "study-%016llx", static_cast<unsigned long long>(h));
    stem = buf;
  }
  return (std::filesystem::path(folder) / (stem + ".json")).string();
}

std::string defaultReaderName() {
  if (std::string r = env("ANNULO_READER"); !r.empty()) return r;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
  if (std::string u = env("USER"); !u.empty()) return u;
  return "unknown";
}

}  // namespace annulo
