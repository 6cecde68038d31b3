#include "annulo/annotation/SessionMerge.h"

#include <algorithm>
#include <limits>
#include <set>

namespace annulo {
namespace {

using Index = std::map<std::string, const TearAnnotation*>;

Index indexOf(const Session& s) {
  Index out;
  for (const auto& t : s.tears) out[tearKey(t)] = &t;
  return out;
}

const TearAnnotation* lookup(const Index& index, const std::string& key) {
  auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

// "T12" -> 12; other ids (set by hand) -> 0.
int idNumber(const std::string& id) {
  if (id.size() < 2 || id[0] != 'T' ||
      !std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; }) || id.size() > 10)
    return 0;
  return std::stoi(id.substr(1));
}

// A field of the session itself: mine when this writer changed it, else theirs.
template <typename T>
T pick(const T& base, const T& mine, const T& theirs) {
  return mine != base ? mine : theirs;
}

// Tears on disk, each resolved against base and mine.
void mergeTheirs(const Index& base, const Index& mine, const Session& theirs, MergeResult& r) {
  for (const auto& t : theirs.tears) {
    const std::string key = tearKey(t);
    const TearAnnotation* b = lookup(base, key);
    const TearAnnotation* m = lookup(mine, key);
    if (!b) {
      if (m && !(*m == t)) r.conflicts.push_back({t.id, *m, t});
      if (!m) r.addedElsewhere.push_back(t.id);
      r.merged.tears.push_back(t);
    } else if (!m) {
      if (t == *b) continue;  // deleted here, untouched there
      r.conflicts.push_back({t.id, std::nullopt, t});
      r.merged.tears.push_back(t);
    } else if (*m == *b) {
      if (!(t == *b)) r.changedElsewhere.push_back(t.id);
      r.merged.tears.push_back(t);
    } else if (t == *b || *m == t) {
      r.merged.tears.push_back(*m);
    } else {
      r.conflicts.push_back({t.id, *m, t});
      r.merged.tears.push_back(t);
    }
  }
}

// Tears only this writer holds: new ones, or ones deleted elsewhere.
void mergeMine(const Session& baseSession, const Index& base, const Session& mine, const Index& theirs,
               MergeResult& r) {
  std::set<std::string> used;
  int next = std::max({baseSession.nextId, r.merged.nextId, 1});
  for (const auto& t : r.merged.tears) {
    used.insert(t.id);
    next = std::max(next, idNumber(t.id) + 1);
  }
  for (const auto& m : mine.tears) {
    const std::string key = tearKey(m);
    if (lookup(theirs, key)) continue;
    if (const TearAnnotation* b = lookup(base, key)) {
      if (*b == m) {
        r.removedElsewhere.push_back(m.id);
      } else {
        r.conflicts.push_back({m.id, m, std::nullopt});
      }
      continue;
    }
    TearAnnotation added = m;
    // An id allocated here since base may have been allocated by another writer
    // too (both started from the same next_id): the disk's counter decides.
    const int n = idNumber(m.id);
    const bool allocatedMeanwhile = n >= baseSession.nextId && n < r.merged.nextId;
    if (used.count(m.id) || allocatedMeanwhile) {
      added.id = "T" + std::to_string(next);
      r.renumbered[m.id] = added.id;
    }
    next = std::max(next, idNumber(added.id) + 1);
    used.insert(added.id);
    r.merged.tears.push_back(std::move(added));
  }
  r.merged.nextId = std::max({next, r.merged.nextId, mine.nextId});
}

}  // namespace

std::string tearKey(const TearAnnotation& tear) {
  return tear.trackingUid.empty() ? "id:" + tear.id : tear.trackingUid;
}

MergeResult mergeSessions(const Session& base, const Session& mine, const Session& theirs) {
  MergeResult r;
  r.merged = theirs;
  r.merged.tears.clear();
  r.merged.sessionUid = pick(base.sessionUid, mine.sessionUid, theirs.sessionUid);
  r.merged.sourcePath = pick(base.sourcePath, mine.sourcePath, theirs.sourcePath);
  r.merged.studyInstanceUid = pick(base.studyInstanceUid, mine.studyInstanceUid, theirs.studyInstanceUid);
  r.merged.observer = pick(base.observer, mine.observer, theirs.observer);
  // The provocation record as a whole: this writer's when it changed it, else the file's.
  r.merged.provocation = pick(base.provocation, mine.provocation, theirs.provocation);
  r.merged.discPlanes = pick(base.discPlanes, mine.discPlanes, theirs.discPlanes);
  const Index b = indexOf(base), m = indexOf(mine), t = indexOf(theirs);
  mergeTheirs(b, m, theirs, r);
  mergeMine(base, b, mine, t, r);
  // Sessions list tears by number; a tear restored by undo goes back to its place.
  std::stable_sort(r.merged.tears.begin(), r.merged.tears.end(), [](const auto& x, const auto& y) {
    const int a = idNumber(x.id), c = idNumber(y.id);
    return (a == 0 ? std::numeric_limits<int>::max() : a) < (c == 0 ? std::numeric_limits<int>::max() : c);
  });
  return r;
}

}  // namespace annulo
