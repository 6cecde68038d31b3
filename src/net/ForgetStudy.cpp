#include "annulo/net/ForgetStudy.h"

#include <filesystem>
#include <fstream>

#include "annulo/net/Outbox.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/net/UserFolders.h"

namespace annulo {
namespace fs = std::filesystem;
namespace {

bool startsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// <uid>.json and the session store's siblings: <uid>.json.bak, <uid>.json.lock,
// <uid>.json.tmp.<pid>, <uid>.bak, <uid>.lock. The ".json." prefix keeps the UID
// exact (1.2.3 never matches 1.2.3.4.json).
bool isSessionFile(const std::string& name, const std::string& uid) {
  return name == uid + ".json" || startsWith(name, uid + ".json.") || name == uid + ".bak" || name == uid + ".lock" ||
         startsWith(name, "." + uid + ".json");
}

void removePath(const fs::path& p, ForgetReport& r) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(p, ec))) return;
  fs::remove_all(p, ec);
  if (ec)
    r.kept.push_back(p.string() + ": " + ec.message());
  else
    r.removed.push_back(p.string());
}

void forgetSessions(const std::string& uid, ForgetReport& r) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const auto& e : fs::directory_iterator(sessionDir(), ec))
    if (isSessionFile(e.path().filename().string(), uid)) doomed.push_back(e.path());
  for (const auto& p : doomed) removePath(p, r);
}

// The viewer's recent list names folders and files; drop those of this study.
void forgetRecent(const std::string& uid, const fs::path& retrieved, ForgetReport& r) {
  const fs::path recent = annuloDataDir() / "recent.txt";
  std::ifstream in(recent);
  if (!in) return;
  std::string kept, line;
  bool dropped = false;
  for (; std::getline(in, line);) {
    const bool ofStudy = startsWith(line, retrieved.string()) || fs::path(line).filename() == uid;
    dropped |= ofStudy;
    if (!ofStudy) kept += line + "\n";
  }
  if (!dropped) return;
  if (auto s = writePrivateFile(recent, kept); !s)
    r.kept.push_back(s.message());
  else
    r.removed.push_back(recent.string() + " (the study's entries)");
}

}  // namespace

Result<ForgetReport> forgetStudy(const std::string& uid) {
  if (uid.empty() || uid.find('/') != std::string::npos || uid == "." || uid == "..")
    return makeError("'" + uid + "' is not a Study Instance UID");
  ForgetReport r;
  forgetSessions(uid, r);
  const fs::path retrieved = retrievedDir() / uid;
  removePath(retrieved, r);
  const Outbox box = Outbox::atDefaultLocation();
  if (auto ids = box.removeStudy(uid)) {
    for (const auto& id : *ids) r.removed.push_back((box.dir() / id).string());
  } else {
    r.kept.push_back(ids.message());
  }
  if (auto items = box.list())
    for (const auto& i : *items)
      if (i.studyInstanceUid == uid) r.kept.push_back((box.dir() / i.id).string() + ": being sent right now");
  forgetRecent(uid, retrieved, r);
  return r;
}

}  // namespace annulo
