#include "annulo/study/StudyFolders.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "annulo/net/PrivateFiles.h"

namespace annulo {
namespace {

constexpr std::size_t kRecentCount = 12;

std::filesystem::path home() {
  const char* h = std::getenv("HOME");
  return h && *h ? h : "/tmp";
}

std::filesystem::path dataFolder() {
  const char* data = std::getenv("XDG_DATA_HOME");
  return (data && *data ? std::filesystem::path(data) : home() / ".local/share") / "annulo";
}

std::filesystem::path recentFile() { return dataFolder() / "recent.txt"; }

}  // namespace

std::string sessionFolder() {
  if (const char* dir = std::getenv("ANNULO_SESSION_DIR"); dir && *dir) return dir;
  return (dataFolder() / "sessions").string();
}

std::string exportFolder() { return (dataFolder() / "exports").string(); }

std::string retrieveFolder(const std::string& studyInstanceUid) {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const std::filesystem::path base = xdg && *xdg ? std::filesystem::path(xdg) : home() / ".cache";
  return (base / "annulo" / "retrieved" / sessionStem(studyInstanceUid, "retrieve")).string();
}

std::string sessionStem(const std::string& studyUid, const std::string& source) {
  const bool uid =
      !studyUid.empty() && studyUid.size() <= 64 &&
      std::all_of(studyUid.begin(), studyUid.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  if (uid) return studyUid;
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs and builds, unlike std::hash
  for (unsigned char c : source + "|" + studyUid) h = (h ^ c) * 1099511628211ull;
  char stem[32];
  std::snprintf(stem, sizeof stem, "study-%016llx", static_cast<unsigned long long>(h));
  return stem;
}

std::vector<std::string> loadRecent() {
  std::vector<std::string> out;
  std::ifstream in(recentFile());
  std::string line;
  while (std::getline(in, line) && out.size() < kRecentCount)
    if (!line.empty()) out.push_back(line);
  return out;
}

Status rememberRecent(const std::string& path) {
  auto list = loadRecent();
  list.erase(std::remove(list.begin(), list.end(), path), list.end());
  list.insert(list.begin(), path);
  // Paths name patients' studies: the folder 0700 (when made here) and the file 0600.
  if (Status s = makePrivateDirs(recentFile().parent_path()); !s) return s;
  std::string text;
  for (std::size_t i = 0; i < list.size() && i < kRecentCount; ++i) text += list[i] + "\n";
  if (Status s = writePrivateFile(recentFile(), text); !s)
    return makeError("cannot write the recent list " + recentFile().string() + ": " + s.message());
  return {};
}

}  // namespace annulo
