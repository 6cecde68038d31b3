#include "annulo/annotation/AnnotationModel.h"

#include <algorithm>
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
  if (t.clock && (*t.clock < 1 || *t.clock > 12)) return makeError("clock position must be 1-12, got " + std::to_string(*t.clock));
  if (Status g = checkGeometry(t.geometry); !g) return g;
  if (t.leakFigures && t.leakFigures->areaMm2 && *t.leakFigures->areaMm2 < 0) return makeError("leak area cannot be negative");
  return {};
}

AnnotationModel::AnnotationModel(Session session, SaveHook save) : session_(std::move(session)), save_(std::move(save)) {
  if (session_.sessionUid.empty()) session_.sessionUid = makeUuidUid();
}

const TearAnnotation* AnnotationModel::find(const std::string& id) const {
  for (const auto& t : session_.tears)
    if (t.id == id) return &t;
  return nullptr;
}

Result<std::string> AnnotationModel::add(TearAnnotation tear) {
  Session next = session_;
  if (tear.id.empty()) tear.id = "T" + std::to_string(next.nextId);
  if (find(tear.id)) return makeError("a tear with id " + tear.id + " already exists");
  if (tear.trackingUid.empty()) tear.trackingUid = makeUuidUid();
  if (tear.observer.empty()) tear.observer = session_.observer;
  if (Status v = validateTear(tear); !v) return v.error();
  ++next.nextId;
  const std::string id = tear.id;
  next.tears.push_back(std::move(tear));
  if (Status s = commit(std::move(next), true); !s) return s.error();
  return id;
}

Status AnnotationModel::update(const TearAnnotation& tear) {
  if (Status v = validateTear(tear); !v) return v;
  Session next = session_;
  auto it = std::find_if(next.tears.begin(), next.tears.end(), [&](const auto& t) { return t.id == tear.id; });
  if (it == next.tears.end()) return makeError("no tear with id " + tear.id);
  *it = tear;
  return commit(std::move(next), true);
}

Status AnnotationModel::remove(const std::string& id) {
  Session next = session_;
  auto it = std::find_if(next.tears.begin(), next.tears.end(), [&](const auto& t) { return t.id == id; });
  if (it == next.tears.end()) return makeError("no tear with id " + id);
  next.tears.erase(it);
  return commit(std::move(next), true);
}

Status AnnotationModel::setSource(const std::string& sourcePath, const std::string& studyInstanceUid) {
  Session next = session_;
  next.sourcePath = sourcePath;
  next.studyInstanceUid = studyInstanceUid;
  return commit(std::move(next), false);
}

const ProvocationLevel* AnnotationModel::findProvocation(const std::string& level) const {
  for (const auto& p : session_.provocation)
    if (p.level == level) return &p;
  return nullptr;
}

Status AnnotationModel::setProvocation(ProvocationLevel level) {
  if (Status v = validateProvocation(level); !v) return v;
  Session next = session_;
  auto it = std::find_if(next.provocation.begin(), next.provocation.end(),
                         [&](const ProvocationLevel& p) { return p.level == level.level; });
  if (level.trackingUid.empty()) level.trackingUid = it != next.provocation.end() ? it->trackingUid : makeUuidUid();
  if (level.observer.empty()) level.observer = session_.observer;
  if (it != next.provocation.end())
    *it = std::move(level);
  else
    next.provocation.push_back(std::move(level));
  return commit(std::move(next), true);
}

Status AnnotationModel::removeProvocation(const std::string& level) {
  Session next = session_;
  auto it = std::find_if(next.provocation.begin(), next.provocation.end(),
                         [&](const ProvocationLevel& p) { return p.level == level; });
  if (it == next.provocation.end()) return makeError("no provocation record for level " + level);
  next.provocation.erase(it);
  return commit(std::move(next), true);
}

Status AnnotationModel::undo() {
  if (undo_.empty()) return makeError("nothing to undo");
  Session previous = undo_.back();
  previous.nextId = std::max(previous.nextId, session_.nextId);  // ids are never reused
  Session current = session_;
  if (Status s = commit(std::move(previous), false); !s) return s;
  undo_.pop_back();
  redo_.push_back(std::move(current));
  return {};
}

Status AnnotationModel::redo() {
  if (redo_.empty()) return makeError("nothing to redo");
  Session next = redo_.back();
  next.nextId = std::max(next.nextId, session_.nextId);
  Session current = session_;
  if (Status s = commit(std::move(next), false); !s) return s;
  redo_.pop_back();
  undo_.push_back(std::move(current));
  return {};
}

// Saved first, applied second: a failed save leaves the model as it was.
Status AnnotationModel::commit(Session next, bool recordUndo) {
  if (save_) {
    if (Status s = save_(next); !s) return makeError("not saved, change undone: " + s.message());
  }
  if (recordUndo) {
    undo_.push_back(session_);
    if (undo_.size() > kUndoDepth) undo_.erase(undo_.begin());
    redo_.clear();
  }
  session_ = std::move(next);
  notify();
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
