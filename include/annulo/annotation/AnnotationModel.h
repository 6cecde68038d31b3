#pragma once
// The one model of a reading session: the study it is about and every tear.
// Views observe it; SR export reads it. Every edit is persisted through the
// save hook *before* it counts: if saving fails, the edit is rolled back and
// the caller gets the error, so nothing acknowledged is ever lost.
//
// With a sync hook (SessionSync::hook) the model is one of several writers of
// its file: each save merges with what others wrote, the model then holds the
// merged state (others' tears appear, their removals disappear), and an edit of
// a tear another writer changed meanwhile becomes a conflict with both versions
// (conflicts()) instead of overwriting theirs. Undo and redo are per writer: they
// revert this model's own edits and refuse to touch a tear someone else changed
// since.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/Session.h"
#include "annulo/annotation/SessionMerge.h"
#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"

namespace annulo {

// Checks one tear on its own: coded values in range, geometry complete.
Status validateTear(const TearAnnotation& tear);

class AnnotationModel {
 public:
  using SaveHook = std::function<Status(const Session&)>;
  using Observer = std::function<void(const AnnotationModel&)>;

  explicit AnnotationModel(Session session = {}, SaveHook save = {});
  // `writer` is the reader name stamped on this model's edits (created_by, modified_by).
  AnnotationModel(Session session, SyncHook sync, std::string writer);

  const Session& session() const { return session_; }
  const std::vector<TearAnnotation>& tears() const { return session_.tears; }
  const TearAnnotation* find(const std::string& id) const;
  const std::string& writer() const { return writer_; }
  void setWriter(std::string writer) { writer_ = std::move(writer); }

  // Assigns id and tracking UID when empty; returns the id the tear has on disk
  // (another writer may have taken the one this model would have given).
  Result<std::string> add(TearAnnotation tear);
  Status update(const TearAnnotation& tear);
  Status remove(const std::string& id);
  Status setSource(const std::string& sourcePath, const std::string& studyInstanceUid);
  Status setObserver(const std::string& observer);

  // The provocation record, one entry per level: setProvocation() adds the
  // level or replaces the entry of the same level (tracking UID kept or made);
  // validated (validateProvocation), saved and undoable like every tear edit; with
  // a sync hook merged per level (SessionMerge.h).
  const ProvocationLevel* findProvocation(const std::string& level) const;
  Status setProvocation(ProvocationLevel level);
  Status removeProvocation(const std::string& level);
  // Edits of a level another writer changed meanwhile; both versions kept, the file has theirs.
  const std::vector<ProvocationConflict>& provocationConflicts() const { return provocationConflicts_; }
  Status resolveProvocationConflict(const std::string& level, bool keepMine);

  // The plane a disc is read in, one per level (replaced when set again); saved.
  const DiscPlane* findDiscPlane(const std::string& level) const;
  Status setDiscPlane(DiscPlane plane);

  bool canUndo() const { return !undo_.empty(); }
  bool canRedo() const { return !redo_.empty(); }
  Status undo();
  Status redo();

  // Takes in what other writers saved (call when the file changed on disk:
  // SessionSync::changedOnDisk). A no-op with a plain save hook.
  Status refresh();
  // What the last save or refresh brought in from other writers.
  const MergeResult& lastMerge() const { return lastMerge_; }
  // Edits that met another writer's edit of the same tear; both versions kept.
  const std::vector<TearConflict>& conflicts() const { return conflicts_; }
  // The user's choice: keepMine applies my version over theirs (or re-adds or
  // removes the tear); otherwise theirs stays. Either way the conflict is gone.
  Status resolveConflict(const std::string& id, bool keepMine);

  int observe(Observer observer);
  void unobserve(int handle);

  // Findings of one disc together (annulogram and MRI of the same level): an XA
  // cine has no frame of reference, so the disc level is the link.
  std::map<std::string, std::vector<const TearAnnotation*>> byDisc() const;

 private:
  // One edit of one tear, as undo needs it: the tear before and after (empty when absent);
  // or, when `level` is set, of that level's provocation record.
  struct Change {
    std::string key;
    std::optional<TearAnnotation> before, after;
    std::string level;
    std::optional<ProvocationLevel> levelBefore, levelAfter;
    std::size_t levelIndex = 0;  // its place in the record, where undo puts a removed level back
  };
  Status commit(Session next, const std::string& key, bool* saved = nullptr);
  void record(Change change);
  Status revert(std::vector<Change>& from, std::vector<Change>& to, bool undoing);
  Status revertProvocation(std::vector<Change>& from, std::vector<Change>& to, bool undoing);
  Status commitProvocation(const std::string& level, std::optional<ProvocationLevel> after);
  std::optional<ProvocationLevel> currentProvocation(const std::string& level) const;
  std::optional<TearAnnotation> current(const std::string& key) const;
  void notify();

  Session session_;
  SaveHook save_;
  SyncHook sync_;
  std::string writer_;
  std::vector<Change> undo_, redo_;
  std::vector<TearConflict> conflicts_;
  std::vector<ProvocationConflict> provocationConflicts_;
  MergeResult lastMerge_;
  std::map<int, Observer> observers_;
  int nextObserver_ = 1;
};

// A fresh UID under the 2.25 root (PS3.5 B.2: a UUID as a decimal integer).
std::string makeUuidUid();

// Now as ISO 8601 UTC ("2026-12-02T03:40:00Z"), for created_at / modified_at.
std::string isoTimestampUtc();

}  // namespace annulo
