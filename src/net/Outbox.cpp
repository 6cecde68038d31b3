#include "annulo/net/Outbox.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>

#include "annulo/dicom/FileIdentity.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/net/UserFolders.h"

namespace annulo {
namespace fs = std::filesystem;
namespace {

constexpr const char* kObject = "object.dcm";
constexpr const char* kState = "state.json";
constexpr const char* kLock = "lock";

std::string nowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// FNV-1a: a short stable tag for "this node", so one SOP instance queued for two
// peers makes two items.
std::string nodeTag(const std::string& text) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : text) h = (h ^ c) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

OutboxState stateFromName(const std::string& s) {
  if (s == "sent") return OutboxState::Sent;
  if (s == "failed") return OutboxState::Failed;
  return OutboxState::Pending;
}

Result<OutboxItem> readItem(const fs::path& itemDir) {
  const fs::path statePath = itemDir / kState;
  std::ifstream in(statePath);
  if (!in) return makeError(statePath.string() + ": no state file");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return makeError(statePath.string() + ": not a JSON object");
  OutboxItem it;
  try {
    it.id = itemDir.filename().string();
    it.file = (itemDir / kObject).string();
    it.source = j.value("source", "");
    it.sopInstanceUid = j.value("sop_instance_uid", "");
    it.sopClassUid = j.value("sop_class_uid", "");
    it.studyInstanceUid = j.value("study_instance_uid", "");
    it.node = j.value("node", "");
    it.nodeName = j.value("node_name", "");
    it.callingAe = j.value("calling_ae", "ANNULO");
    if (j.contains("tls") && j["tls"].is_object()) {
      const auto& t = j["tls"];
      it.tls.enabled = true;
      it.tls.caFile = t.value("ca", "");
      it.tls.certFile = t.value("certificate", "");
      it.tls.keyFile = t.value("key", "");
      it.tls.verifyPeer = t.value("verify", true);
    }
    it.state = stateFromName(j.value("state", "pending"));
    it.reason = j.value("reason", "");
    it.attempts = j.value("attempts", 0);
    it.lastAttempt = j.value("last_attempt", "");
    it.queued = j.value("queued", "");
  } catch (const nlohmann::json::exception& e) {
    return makeError(statePath.string() + ": " + e.what());
  }
  return it;
}

Status writeItem(const fs::path& itemDir, const OutboxItem& item) {
  nlohmann::json j = outboxItemJson(item);
  j.erase("file");  // derived from the folder: the item may be renamed into place
  j.erase("id");
  return writePrivateFile(itemDir / kState, j.dump(2) + "\n");
}

// An exclusive claim on one item for as long as this object lives. OFD locks
// belong to the open file description, so they exclude other threads of this
// process as well as other processes, and the kernel drops them when a killed
// sender's descriptors close.
class Claim {
 public:
  static std::optional<Claim> tryTake(const fs::path& itemDir) {
    const fs::path lockPath = itemDir / kLock;
    int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return std::nullopt;
    (void)::fchmod(fd, 0600);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
      ::close(fd);
      return std::nullopt;
    }
    return Claim(fd);
  }
  Claim(Claim&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Claim& operator=(Claim&&) = delete;
  Claim(const Claim&) = delete;
  ~Claim() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit Claim(int fd) : fd_(fd) {}
  int fd_;
};

bool processAlive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// ".<id>.part-<pid>-<n>": left behind only by a process that died mid-enqueue.
void removeStaleTemp(const fs::path& entry) {
  const std::string name = entry.filename().string();
  const auto at = name.rfind(".part-");
  if (at == std::string::npos) return;
  const pid_t pid = pid_t(std::atol(name.c_str() + at + 6));
  if (processAlive(pid)) return;
  std::error_code ec;
  fs::remove_all(entry, ec);
}

std::string studyUidOf(const std::string& path) {
  DcmFileFormat ff;
  OFString uid;
  // Values longer than 4 KiB (pixel data) are not loaded: only the UID is wanted.
  if (ff.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096).good())
    ff.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, uid);
  return uid.c_str();
}

std::string safeName(const std::string& uid) {
  std::string out;
  for (char c : uid) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.') ? c : '_';
  return out;
}

Status makePrivateDir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0) return makeError("cannot create " + dir.string() + ": " + std::strerror(errno));
  if (::chmod(dir.c_str(), 0700) != 0)
    return makeError("cannot make " + dir.string() + " private: " + std::strerror(errno));
  return Status::success();
}

// Moves a new item (state and object ready in `staged`) over an existing one that
// we hold: state first, so a crash in between leaves it pending, never "sent"
// with an object that was not.
Status replaceItem(const fs::path& staged, const fs::path& itemDir) {
  for (const char* name : {kState, kObject})
    if (::rename((staged / name).c_str(), (itemDir / name).c_str()) != 0)
      return makeError("cannot replace " + (itemDir / name).string() + ": " + std::strerror(errno));
  std::error_code ec;
  fs::remove_all(staged, ec);
  return Status::success();
}

std::string peerKey(const PacsNode& n) { return describe(n) + " as " + n.callingAe; }

}  // namespace

const char* outboxStateName(OutboxState state) {
  switch (state) {
    case OutboxState::Pending:
      return "pending";
    case OutboxState::Failed:
      return "failed";
    case OutboxState::Sent:
      return "sent";
  }
  return "pending";
}

nlohmann::json outboxItemJson(const OutboxItem& i) {
  return {{"id", i.id},
          {"file", i.file},
          {"sop_instance_uid", i.sopInstanceUid},
          {"node", i.node},
          {"state", outboxStateName(i.state)},
          {"reason", i.reason},
          {"attempts", i.attempts},
          {"last_attempt", i.lastAttempt},
          {"source", i.source},
          {"sop_class_uid", i.sopClassUid},
          {"study_instance_uid", i.studyInstanceUid},
          {"node_name", i.nodeName},
          {"calling_ae", i.callingAe},
          {"queued", i.queued},
          {"tls", i.tls.enabled ? nlohmann::json{{"ca", i.tls.caFile},
                                                 {"certificate", i.tls.certFile},
                                                 {"key", i.tls.keyFile},
                                                 {"verify", i.tls.verifyPeer}}
                                : nlohmann::json()}};
}

std::chrono::seconds outboxRetryDelay(int attempts) {
  if (attempts <= 0) return std::chrono::seconds(0);
  const long capped = std::min(attempts - 1, 6);  // 30 s * 2^6 = 32 min > the cap
  return std::chrono::seconds(std::min(30L << capped, 1800L));
}

bool outboxRetryDue(const OutboxItem& item, std::chrono::system_clock::time_point now) {
  if (item.state == OutboxState::Sent) return false;
  if (item.attempts == 0 || item.lastAttempt.empty()) return true;
  std::tm tm{};
  if (!strptime(item.lastAttempt.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return true;  // unreadable: try again
  const auto last = std::chrono::system_clock::from_time_t(timegm(&tm));
  return now >= last + outboxRetryDelay(item.attempts);
}

Result<PacsNode> nodeOfItem(const OutboxItem& item) {
  auto n = parsePacsNode(item.node);
  if (!n) return n;
  if (!item.callingAe.empty()) n->callingAe = item.callingAe;
  n->tls = item.tls;
  return n;
}

Outbox::Outbox(fs::path dir) : dir_(std::move(dir)) {}

Outbox Outbox::atDefaultLocation() { return Outbox(outboxDir()); }

Result<OutboxItem> Outbox::enqueue(const std::string& file, const PacsNode& node, const std::string& nodeName) const {
  auto id = readFileIdentity(file);
  if (!id) return makeError(file + ": " + id.message());
  if (auto s = validate(node); !s) return s.error();
  if (auto s = makePrivateDirs(dir_); !s) return s.error();
  OutboxItem item;
  item.id = safeName(id->sopInstanceUid) + "-" + nodeTag(peerKey(node));
  item.source = fs::absolute(file).string();
  item.sopInstanceUid = id->sopInstanceUid;
  item.sopClassUid = id->sopClassUid;
  item.studyInstanceUid = studyUidOf(file);
  item.node = describe(node);
  item.nodeName = nodeName;
  item.callingAe = node.callingAe;
  item.tls = node.tls;
  item.tls.keyPassword.clear();
  item.queued = nowUtc();
  const fs::path itemDir = dir_ / item.id;
  item.file = (itemDir / kObject).string();

  // Staged complete in a hidden folder, then renamed into place in one step.
  const fs::path staged =
      dir_ / ("." + item.id + ".part-" + std::to_string(::getpid()) + "-" + nodeTag(nowUtc() + file));
  if (auto s = makePrivateDir(staged); !s) return s.error();
  Status s = copyPrivateFile(file, staged / kObject);
  if (s) s = writeItem(staged, item);
  if (s && ::rename(staged.c_str(), itemDir.c_str()) != 0) {
    if (errno == EEXIST || errno == ENOTEMPTY) {
      auto claim = Claim::tryTake(itemDir);
      s = claim ? replaceItem(staged, itemDir)
                : Status(makeError(item.id + " is being sent right now; queue it again when that send has ended"));
    } else {
      s = makeError("cannot move " + staged.string() + " to " + itemDir.string() + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  if (!s) fs::remove_all(staged, ec);
  if (!s) return s.error();
  return item;
}

Result<std::vector<OutboxItem>> Outbox::list() const {
  std::vector<OutboxItem> items;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return items;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') {
      removeStaleTemp(e.path());
      continue;
    }
    if (!e.is_directory()) continue;
    auto it = readItem(e.path());
    if (it) items.push_back(std::move(*it));
  }
  if (ec) return makeError("cannot list the outbox " + dir_.string() + ": " + ec.message());
  std::sort(items.begin(), items.end(), [](const OutboxItem& a, const OutboxItem& b) {
    return std::tie(a.queued, a.id) < std::tie(b.queued, b.id);
  });
  return items;
}

namespace {

struct Claimed {
  OutboxItem item;
  Claim claim;
  PacsNode node;
};

void finish(const fs::path& dir, OutboxItem& item, OutboxState state, const std::string& reason,
            OutboxSendReport& report, FileStoreResult result = {}) {
  if (result.path.empty()) {  // never reached the C-STORE: the reason is the whole story
    result.path = item.file;
    result.sopInstanceUid = item.sopInstanceUid;
    result.sopClassUid = item.sopClassUid;
    result.outcome = StoreOutcome::Failure;
    result.message = "not sent: " + reason;
  }
  report.results.push_back(result);
  item.state = state;
  item.reason = reason;
  if (auto s = writeItem(dir / item.id, item); !s && item.reason.empty()) item.reason = s.message();
  (state == OutboxState::Sent ? report.sent : report.failed)++;
  report.items.push_back(item);
}

// One C-STORE batch for the items of one peer.
void sendGroup(const fs::path& dir, std::vector<Claimed*>& group, const StoreOptions& options,
               OutboxSendReport& report) {
  std::vector<std::string> files;
  for (auto* c : group) {
    c->item.attempts++;
    c->item.lastAttempt = nowUtc();
    c->item.state = OutboxState::Pending;
    c->item.reason = "sending (attempt started " + c->item.lastAttempt + ")";
    (void)writeItem(dir / c->item.id, c->item);  // a killed sender leaves it pending, retried later
    files.push_back(c->item.file);
  }
  auto r = storeFiles(group.front()->node, files, options);
  for (std::size_t i = 0; i < group.size(); ++i) {
    OutboxItem& item = group[i]->item;
    if (!r) {
      finish(dir, item, OutboxState::Failed, r.message(), report);
      continue;
    }
    const FileStoreResult& f = r->files[i];
    if (f.outcome == StoreOutcome::Success)
      finish(dir, item, OutboxState::Sent, "", report, f);
    else if (f.outcome == StoreOutcome::Warning)
      finish(dir, item, OutboxState::Sent, f.message, report, f);
    else if (f.outcome == StoreOutcome::Cancelled)
      finish(dir, item, OutboxState::Pending, f.message, report, f);
    else
      finish(dir, item, OutboxState::Failed, f.message, report, f);
  }
}

}  // namespace

OutboxSendReport Outbox::send(const std::vector<std::string>& ids, const OutboxNodeResolver& resolve,
                              const StoreOptions& options) const {
  const auto start = std::chrono::steady_clock::now();
  OutboxSendReport report;
  std::vector<Claimed> claimed;
  claimed.reserve(ids.size());
  for (const auto& id : ids) {
    const fs::path itemDir = dir_ / id;
    auto claim = Claim::tryTake(itemDir);
    if (!claim) {
      report.busy.push_back(id);
      continue;
    }
    auto item = readItem(itemDir);  // re-read under the claim: another sender may just have finished it
    if (!item || item->state == OutboxState::Sent) continue;
    auto node = resolve(*item);
    if (!node) {
      finish(dir_, *item, OutboxState::Failed, node.message(), report);
      continue;
    }
    claimed.push_back({std::move(*item), std::move(*claim), *node});
  }
  std::map<std::string, std::vector<Claimed*>> byPeer;
  for (auto& c : claimed) byPeer[peerKey(c.node)].push_back(&c);
  for (auto& [peer, group] : byPeer) sendGroup(dir_, group, options, report);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

OutboxSendReport Outbox::retryAll(const OutboxNodeResolver& resolve, const StoreOptions& options) const {
  std::vector<std::string> ids;
  if (auto items = list())
    for (const auto& i : *items)
      if (i.state != OutboxState::Sent) ids.push_back(i.id);
  return send(ids, resolve, options);
}

OutboxSendReport Outbox::retryDue(std::chrono::system_clock::time_point now, const OutboxNodeResolver& resolve,
                                  const StoreOptions& options) const {
  std::vector<std::string> ids;
  if (auto items = list())
    for (const auto& i : *items)
      if (outboxRetryDue(i, now)) ids.push_back(i.id);
  return send(ids, resolve, options);
}

namespace {

Result<std::vector<std::string>> removeWhere(const Outbox& box, const std::function<bool(const OutboxItem&)>& pick) {
  auto items = box.list();
  if (!items) return items.error();
  std::vector<std::string> removed;
  for (const auto& i : *items) {
    if (!pick(i)) continue;
    const fs::path itemDir = box.dir() / i.id;
    auto claim = Claim::tryTake(itemDir);
    if (!claim) continue;  // being sent: removed next time
    std::error_code ec;
    fs::remove_all(itemDir, ec);
    if (ec) return makeError("cannot remove " + itemDir.string() + ": " + ec.message());
    removed.push_back(i.id);
  }
  return removed;
}

}  // namespace

Result<std::vector<std::string>> Outbox::clear(bool everything) const {
  return removeWhere(*this, [everything](const OutboxItem& i) { return everything || i.state == OutboxState::Sent; });
}

Result<std::vector<std::string>> Outbox::removeStudy(const std::string& studyInstanceUid) const {
  return removeWhere(*this, [&](const OutboxItem& i) { return i.studyInstanceUid == studyInstanceUid; });
}

}  // namespace annulo
