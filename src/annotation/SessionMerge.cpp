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

const ProvocationLevel* levelIn(const Session& s, const std::string& level) {
  for (const auto& p : s.provocation)
    if (p.level == level) return &p;
  return nullptr;
}

// The provocation record per level, with the tears' rules: the file's order first,
// then levels only this writer holds.
void mergeProvocation(const Session& base, const Session& mine, const Session& theirs, MergeResult& r) {
  r.merged.provocation.clear();
  for (const auto& t : theirs.provocation) {
    const ProvocationLevel* b = levelIn(base, t.level);
    const ProvocationLevel* m = levelIn(mine, t.level);
    if (!b) {
      if (m && *m != t) r.provocationConflicts.push_back({t.level, *m, t});
      if (!m) r.provocationElsewhere.push_back(t.level);
      r.merged.provocation.push_back(t);
    } else if (!m) {
      if (t == *b) continue;  // removed here, untouched there
      r.provocationConflicts.push_back({t.level, std::nullopt, t});
      r.merged.provocation.push_back(t);
    } else if (*m == *b) {
      if (t != *b) r.provocationElsewhere.push_back(t.level);
      r.merged.provocation.push_back(t);
    } else if (t == *b || *m == t) {
      r.merged.provocation.push_back(*m);
    } else {
      r.provocationConflicts.push_back({t.level, *m, t});
      r.merged.provocation.push_back(t);
    }
  }
  for (std::size_t i = 0; i < mine.provocation.size(); ++i) {
    const ProvocationLevel& m = mine.provocation[i];
    if (levelIn(theirs, m.level)) continue;
    if (const ProvocationLevel* b = levelIn(base, m.level)) {
      if (*b == m)
        r.provocationElsewhere.push_back(m.level);
      else
        r.provocationConflicts.push_back({m.level, m, std::nullopt});
      continue;
    }
    // After the level it follows in this writer's record (an undone removal goes back to its place).
    auto& merged = r.merged.provocation;
    auto at = merged.end();
    for (std::size_t j = i; j-- > 0;) {
      auto prev = std::find_if(merged.begin(), merged.end(),
                               [&](const ProvocationLevel& x) { return x.level == mine.provocation[j].level; });
      if (prev != merged.end()) {
        at = prev + 1;
        break;
      }
    }
    merged.insert(at, m);
  }
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
  mergeProvocation(base, mine, theirs, r);
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
