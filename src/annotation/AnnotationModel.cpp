#include "annulo/annotation/AnnotationModel.h"

#include <algorithm>
#include <climits>
#include <ctime>
#include <random>

#include "annulo/annotation/Vocabulary.h"

namespace annulo {
namespace {

constexpr std::size_t kUndoDepth = 500;

Status checkGeometry(const TearGeometry& g) {
  const std::size_t n = g.points.size();
  switch (g.kind) {
    case GeometryKind::Point:
    case GeometryKind::Point3D:
      if (n != 1) return makeError("a point needs exactly 1 coordinate, got " + std::to_string(n));
      break;
    case GeometryKind::Polyline:
    case GeometryKind::Polyline3D:
      if (n < 2) return makeError("a polyline needs at least 2 points, got " + std::to_string(n));
      break;
    case GeometryKind::Polygon:
      if (n < 3) return makeError("a polygon needs at least 3 points, got " + std::to_string(n));
      break;
  }
  if (!g.is3D() && g.image.sopInstanceUid.empty())
    return makeError("2D geometry must reference an image (SOP Instance UID)");
  if (!g.is3D() && g.image.frameNumber < 0) return makeError("frame numbers are 1-based");
  return {};
}

// "T12" -> 12; ids set by hand sort last.
long idOrder(const std::string& id) {
  if (id.size() < 2 || id.size() > 10 || id[0] != 'T') return LONG_MAX;
  for (std::size_t i = 1; i < id.size(); ++i)
    if (id[i] < '0' || id[i] > '9') return LONG_MAX;
  return std::stol(id.substr(1));
}

// Replaces the tear with `key` by `tear` in place, removes it (no tear), or puts
// it back where its id belongs in the list.
void placeTear(Session& s, const std::string& key, const std::optional<TearAnnotation>& tear) {
  auto it = std::find_if(s.tears.begin(), s.tears.end(), [&](const auto& t) { return tearKey(t) == key; });
  if (it != s.tears.end()) {
    if (tear)
      *it = *tear;
    else
      s.tears.erase(it);
    return;
  }
  if (!tear) return;
  auto at =
      std::find_if(s.tears.begin(), s.tears.end(), [&](const auto& t) { return idOrder(t.id) > idOrder(tear->id); });
  s.tears.insert(at, *tear);
}

}  // namespace

std::string makeUuidUid() {
  std::random_device rd;
  unsigned __int128 v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 32) | rd();
  if (v == 0) v = 1;
  std::string digits;
  while (v) {
    digits.push_back(char('0' + int(v % 10)));
    v /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

Status validateTear(const TearAnnotation& t) {
  if (!parseDiscLevel(t.level)) return makeError("unknown disc level '" + t.level + "'");
  if (t.grade < 0 || t.grade > 5) return makeError("Dallas grade must be 0-5, got " + std::to_string(t.grade));
  if (t.clock && (*t.clock < 1 || *t.clock > 12))
    return makeError("clock position must be 1-12, got " + std::to_string(*t.clock));
  if (Status g = checkGeometry(t.geometry); !g) return g;
  if (t.leakFigures && t.leakFigures->areaMm2 && *t.leakFigures->areaMm2 < 0)
    return makeError("leak area cannot be negative");
  return {};
}

std::string isoTimestampUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

AnnotationModel::AnnotationModel(Session session, SaveHook save)
    : session_(std::move(session)), save_(std::move(save)) {
  if (session_.sessionUid.empty()) session_.sessionUid = makeUuidUid();
}

AnnotationModel::AnnotationModel(Session session, SyncHook sync, std::string writer)
    : session_(std::move(session)), sync_(std::move(sync)), writer_(std::move(writer)) {
  if (session_.sessionUid.empty()) session_.sessionUid = makeUuidUid();
}

const TearAnnotation* AnnotationModel::find(const std::string& id) const {
  for (const auto& t : session_.tears)
    if (t.id == id) return &t;
  return nullptr;
}

std::optional<TearAnnotation> AnnotationModel::current(const std::string& key) const {
  for (const auto& t : session_.tears)
    if (tearKey(t) == key) return t;
  return std::nullopt;
}

Result<std::string> AnnotationModel::add(TearAnnotation tear) {
  Session next = session_;
  if (tear.id.empty()) tear.id = "T" + std::to_string(next.nextId);
  if (find(tear.id)) return makeError("a tear with id " + tear.id + " already exists");
  if (tear.trackingUid.empty()) tear.trackingUid = makeUuidUid();
  if (tear.observer.empty()) tear.observer = session_.observer.empty() ? writer_ : session_.observer;
  if (tear.createdBy.empty()) tear.createdBy = writer_;
  if (tear.createdAt.empty()) tear.createdAt = isoTimestampUtc();
  if (tear.modifiedBy.empty()) tear.modifiedBy = tear.createdBy;
  if (tear.modifiedAt.empty()) tear.modifiedAt = tear.createdAt;
  if (Status v = validateTear(tear); !v) return v.error();
  ++next.nextId;
  const std::string key = tearKey(tear);
  next.tears.push_back(std::move(tear));
  if (Status s = commit(std::move(next), key); !s) return s.error();
  auto added = current(key);
  if (!added) return makeError("the new tear is missing after saving");  // our invariant, not input
  record({key, std::nullopt, added});
  return added->id;
}

Status AnnotationModel::update(const TearAnnotation& tear) {
  if (Status v = validateTear(tear); !v) return v;
  Session next = session_;
  auto it = std::find_if(next.tears.begin(), next.tears.end(), [&](const auto& t) { return t.id == tear.id; });
  if (it == next.tears.end()) return makeError("no tear with id " + tear.id);
  const TearAnnotation before = *it;
  *it = tear;
  if (it->trackingUid.empty()) it->trackingUid = before.trackingUid;
  it->modifiedBy = writer_;
  it->modifiedAt = isoTimestampUtc();
  const std::string key = tearKey(*it);
  if (Status s = commit(std::move(next), key); !s) return s;
  record({key, before, current(key)});
  return {};
}

Status AnnotationModel::remove(const std::string& id) {
  Session next = session_;
  auto it = std::find_if(next.tears.begin(), next.tears.end(), [&](const auto& t) { return t.id == id; });
  if (it == next.tears.end()) return makeError("no tear with id " + id);
  const TearAnnotation before = *it;
  next.tears.erase(it);
  const std::string key = tearKey(before);
  if (Status s = commit(std::move(next), key); !s) return s;
  record({key, before, current(key)});
  return {};
}

Status AnnotationModel::setSource(const std::string& sourcePath, const std::string& studyInstanceUid) {
  Session next = session_;
  next.sourcePath = sourcePath;
  next.studyInstanceUid = studyInstanceUid;
  return commit(std::move(next), {});
}

Status AnnotationModel::setObserver(const std::string& observer) {
  Session next = session_;
  next.observer = observer;
  return commit(std::move(next), {});
}

Status AnnotationModel::refresh() {
  if (!sync_) return {};
  return commit(session_, {});
}

void AnnotationModel::record(Change change) {
  undo_.push_back(std::move(change));
  if (undo_.size() > kUndoDepth) undo_.erase(undo_.begin());
  redo_.clear();
}

const ProvocationLevel* AnnotationModel::findProvocation(const std::string& level) const {
  for (const auto& p : session_.provocation)
    if (p.level == level) return &p;
  return nullptr;
}

std::optional<ProvocationLevel> AnnotationModel::currentProvocation(const std::string& level) const {
  if (const ProvocationLevel* p = findProvocation(level)) return *p;
  return std::nullopt;
}

namespace {

std::string provocationKey(const std::string& level) { return "provocation:" + level; }

// Replaces, removes or inserts (at `index`, else at the end) the record of `level`.
void placeProvocation(Session& s, const std::string& level, const std::optional<ProvocationLevel>& p,
                      std::size_t index) {
  auto& record = s.provocation;
  auto it = std::find_if(record.begin(), record.end(), [&](const ProvocationLevel& x) { return x.level == level; });
  if (it != record.end()) {
    if (p)
      *it = *p;
    else
      record.erase(it);
    return;
  }
  if (p) record.insert(record.begin() + std::ptrdiff_t(std::min(index, record.size())), *p);
}

std::size_t indexOf(const Session& s, const std::string& level) {
  for (std::size_t i = 0; i < s.provocation.size(); ++i)
    if (s.provocation[i].level == level) return i;
  return s.provocation.size();
}

}  // namespace

// Saves the level's new state (empty: removed) and records it for undo.
Status AnnotationModel::commitProvocation(const std::string& level, std::optional<ProvocationLevel> after) {
  const std::optional<ProvocationLevel> before = currentProvocation(level);
  const std::size_t index = indexOf(session_, level);
  Session next = session_;
  placeProvocation(next, level, after, index);
  if (Status s = commit(std::move(next), provocationKey(level)); !s) return s;
  Change c;
  c.level = level;
  c.levelIndex = before ? index : indexOf(session_, level);
  c.levelBefore = before;
  c.levelAfter = currentProvocation(level);
  record(std::move(c));
  return {};
}

Status AnnotationModel::setProvocation(ProvocationLevel level) {
  if (Status v = validateProvocation(level); !v) return v;
  const ProvocationLevel* existing = findProvocation(level.level);
  if (level.trackingUid.empty()) level.trackingUid = existing ? existing->trackingUid : makeUuidUid();
  if (level.observer.empty()) level.observer = session_.observer;
  if (existing && *existing == level) return {};  // nothing changed: no save, no undo step
  const std::string name = level.level;
  return commitProvocation(name, std::move(level));
}

Status AnnotationModel::removeProvocation(const std::string& level) {
  if (!findProvocation(level)) return makeError("no provocation record for level " + level);
  return commitProvocation(level, std::nullopt);
}

// As revert() for tears: puts the level back as it was, unless another writer changed it since.
Status AnnotationModel::revertProvocation(std::vector<Change>& from, std::vector<Change>& to, bool undoing) {
  Change c = from.back();
  const std::optional<ProvocationLevel>& expected = undoing ? c.levelAfter : c.levelBefore;
  const std::optional<ProvocationLevel>& target = undoing ? c.levelBefore : c.levelAfter;
  const std::optional<ProvocationLevel> now = currentProvocation(c.level);
  const char* verb = undoing ? "undo" : "redo";
  if (now.has_value() != expected.has_value() || (now && *now != *expected)) {
    from.pop_back();
    return makeError(std::string("cannot ") + verb + " the edit of the provocation record of " + c.level + ": " +
                     (now ? "another writer changed it" : "another writer removed it") + " since; left as it is");
  }
  Session next = session_;
  placeProvocation(next, c.level, target, c.levelIndex);
  bool saved = false;
  Status s = commit(std::move(next), provocationKey(c.level), &saved);
  if (!saved) return s;
  from.pop_back();
  if (!s) return s;
  (undoing ? c.levelBefore : c.levelAfter) = currentProvocation(c.level);
  to.push_back(std::move(c));
  return {};
}

Status AnnotationModel::resolveProvocationConflict(const std::string& level, bool keepMine) {
  auto it = std::find_if(provocationConflicts_.begin(), provocationConflicts_.end(),
                         [&](const ProvocationConflict& c) { return c.level == level; });
  if (it == provocationConflicts_.end()) return makeError("no provocation conflict on " + level);
  const ProvocationConflict c = *it;
  provocationConflicts_.erase(it);
  if (!keepMine) {
    notify();
    return {};
  }
  return commitProvocation(level, c.mine);
}

const DiscPlane* AnnotationModel::findDiscPlane(const std::string& level) const {
  for (const auto& p : session_.discPlanes)
    if (p.level == level) return &p;
  return nullptr;
}

Status AnnotationModel::setDiscPlane(DiscPlane plane) {
  if (plane.level.empty()) return makeError("a disc plane needs its level");
  Session next = session_;
  auto it = std::find_if(next.discPlanes.begin(), next.discPlanes.end(),
                         [&](const DiscPlane& p) { return p.level == plane.level; });
  if (it != next.discPlanes.end())
    *it = std::move(plane);
  else
    next.discPlanes.push_back(std::move(plane));
  return commit(std::move(next), {});
}

Status AnnotationModel::undo() {
  if (undo_.empty()) return makeError("nothing to undo");
  return revert(undo_, redo_, true);
}

Status AnnotationModel::redo() {
  if (redo_.empty()) return makeError("nothing to redo");
  return revert(redo_, undo_, false);
}

// Puts one tear back as it was before (undo) or after (redo) this writer's edit,
// provided nobody changed it since: undo never reverts another writer's edit.
Status AnnotationModel::revert(std::vector<Change>& from, std::vector<Change>& to, bool undoing) {
  if (!from.back().level.empty()) return revertProvocation(from, to, undoing);
  Change c = from.back();
  const std::optional<TearAnnotation>& expected = undoing ? c.after : c.before;
  const std::optional<TearAnnotation>& target = undoing ? c.before : c.after;
  const std::optional<TearAnnotation> now = current(c.key);
  const char* verb = undoing ? "undo" : "redo";
  if (now.has_value() != expected.has_value() || (now && !(*now == *expected))) {
    from.pop_back();
    const TearAnnotation& t = now ? *now : *expected;
    return makeError(
        std::string("cannot ") + verb + " the edit of " + t.id + ": " +
        (now ? "it was changed by " + (now->modifiedBy.empty() ? std::string("another writer") : now->modifiedBy)
             : std::string("another writer removed it")) +
        " since; left as it is");
  }
  Session next = session_;
  placeTear(next, c.key, target);
  bool saved = false;
  Status s = commit(std::move(next), c.key, &saved);
  if (!saved) return s;  // nothing changed: the edit can be tried again
  from.pop_back();
  if (!s) return s;  // met another writer's edit: the conflict holds both
  if (undoing)
    c.before = current(c.key);
  else
    c.after = current(c.key);
  to.push_back(std::move(c));
  return {};
}

Status AnnotationModel::resolveConflict(const std::string& id, bool keepMine) {
  auto it = std::find_if(conflicts_.begin(), conflicts_.end(), [&](const auto& c) { return c.id == id; });
  if (it == conflicts_.end()) return makeError("no conflict on " + id);
  const TearConflict c = *it;
  conflicts_.erase(it);
  if (!keepMine) {
    notify();
    return {};
  }
  const std::string key = tearKey(c.mine ? *c.mine : *c.theirs);
  const std::optional<TearAnnotation> before = current(key);
  Session next = session_;
  std::optional<TearAnnotation> mine = c.mine;
  if (mine) {
    mine->modifiedBy = writer_;
    mine->modifiedAt = isoTimestampUtc();
  }
  placeTear(next, key, mine);
  if (Status s = commit(std::move(next), key); !s) return s;
  record({key, before, current(key)});
  return {};
}

// Saved first, applied second: a failed save leaves the model as it was. With a
// sync hook the model then holds the merge; `key` names the tear this edit was
// about, and an edit of it that met another writer's becomes a conflict.
Status AnnotationModel::commit(Session next, const std::string& key, bool* saved) {
  if (saved) *saved = false;
  MergeResult r;
  if (sync_) {
    auto merged = sync_(next);
    if (!merged) return makeError("not saved, change undone: " + merged.message());
    r = std::move(*merged);
  } else {
    if (save_) {
      if (Status s = save_(next); !s) return makeError("not saved, change undone: " + s.message());
    }
    r.merged = std::move(next);
  }
  if (saved) *saved = true;
  session_ = r.merged;
  std::string clash;
  for (const TearConflict& c : r.conflicts) {
    const std::string k = tearKey(c.mine ? *c.mine : *c.theirs);
    conflicts_.erase(std::remove_if(conflicts_.begin(), conflicts_.end(),
                                    [&](const TearConflict& o) { return tearKey(o.mine ? *o.mine : *o.theirs) == k; }),
                     conflicts_.end());
    conflicts_.push_back(c);
    if (!key.empty() && k == key) {
      const std::string who = c.theirs && !c.theirs->modifiedBy.empty() ? c.theirs->modifiedBy : "another writer";
      clash = c.id + (c.theirs ? " was changed by " + who : std::string(" was removed by another writer")) +
              " meanwhile; both versions are kept as a conflict, nothing was overwritten";
    }
  }
  for (const ProvocationConflict& c : r.provocationConflicts) {
    provocationConflicts_.erase(std::remove_if(provocationConflicts_.begin(), provocationConflicts_.end(),
                                               [&](const ProvocationConflict& o) { return o.level == c.level; }),
                                provocationConflicts_.end());
    provocationConflicts_.push_back(c);
    if (key == provocationKey(c.level))
      clash = "the provocation record of " + c.level + (c.theirs ? " was changed" : " was removed") +
              " by another writer meanwhile; both versions are kept as a conflict, nothing was overwritten";
  }
  lastMerge_ = std::move(r);
  notify();
  if (!clash.empty()) return makeError(clash);
  return {};
}

int AnnotationModel::observe(Observer observer) {
  observers_[nextObserver_] = std::move(observer);
  return nextObserver_++;
}

void AnnotationModel::unobserve(int handle) { observers_.erase(handle); }

void AnnotationModel::notify() {
  for (auto& [handle, observer] : observers_) observer(*this);
}

std::map<std::string, std::vector<const TearAnnotation*>> AnnotationModel::byDisc() const {
  std::map<std::string, std::vector<const TearAnnotation*>> out;
  for (const auto& t : session_.tears) out[t.level].push_back(&t);
  return out;
}

}  // namespace annulo
