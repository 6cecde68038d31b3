#pragma once
// Three-way merge of one session edited by several writers (a viewer, scripts,
// a colleague on a shared folder). `base` is the state this writer last read or
// wrote, `mine` is base plus this writer's edits, `theirs` is what is on disk now.
// Tears are matched by Tracking UID (stable across writers and exports).
//
// Rules, per tear:
// - changed on one side only: that side's version;
// - added elsewhere: appears; deleted elsewhere and untouched here: disappears;
// - changed on both sides (or changed on one, deleted on the other) to different
//   results: a TearConflict holding both versions. The file keeps theirs (it was
//   already acknowledged to its writer); mine lives in the conflict until the user
//   chooses (AnnotationModel::resolveConflict). Nothing is overwritten silently.
// - tears this writer added since base whose id another writer allocated in the
//   meantime get the next free id (ids stay unique; next_id never goes back).
//
// The provocation record merges per disc level by the same rules (one record per
// level, matched by level): two readers recording different levels both keep theirs;
// the same level changed on both sides is a ProvocationConflict (the file keeps theirs).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/Session.h"
#include "annulo/base/Result.h"

namespace annulo {

struct TearConflict {
  std::string id;                        // the tear's id on disk (or mine when deleted there)
  std::optional<TearAnnotation> mine;    // empty: this writer deleted it
  std::optional<TearAnnotation> theirs;  // empty: another writer deleted it
};

struct ProvocationConflict {
  std::string level;
  std::optional<ProvocationLevel> mine;    // empty: this writer removed it
  std::optional<ProvocationLevel> theirs;  // empty: another writer removed it
};

struct MergeResult {
  Session merged;
  std::vector<TearConflict> conflicts;
  std::vector<std::string> addedElsewhere;        // ids of tears other writers added
  std::vector<std::string> removedElsewhere;      // ids of tears other writers removed
  std::vector<std::string> changedElsewhere;      // ids of tears other writers changed (no conflict)
  std::map<std::string, std::string> renumbered;  // my id -> id on disk, for my new tears
  std::vector<ProvocationConflict> provocationConflicts;
  std::vector<std::string> provocationElsewhere;  // levels other writers added, changed or removed
};

// The identity merges use: the Tracking UID, or the id for tears without one.
std::string tearKey(const TearAnnotation& tear);

MergeResult mergeSessions(const Session& base, const Session& mine, const Session& theirs);

// What a long-running writer calls to save: merges `mine` with the file and
// returns what is on disk afterwards (see SessionSync).
using SyncHook = std::function<Result<MergeResult>(const Session& mine)>;

}  // namespace annulo
