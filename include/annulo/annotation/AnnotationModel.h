#pragma once
// The one model of a reading session: the study it is about and every tear.
// Views observe it; SR export reads it. Every edit is persisted through the
// save hook *before* it counts: if saving fails, the edit is rolled back and
// the caller gets the error, so nothing acknowledged is ever lost.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "annulo/annotation/ProvocationRecord.h"
#include "annulo/annotation/TearAnnotation.h"
#include "annulo/dicom/Result.h"

namespace annulo {

struct Session {
  std::string sessionUid;        // stable identity of this reading session
  std::string sourcePath;        // file, folder or DICOMDIR the study was opened from
  std::string studyInstanceUid;  // study the tears belong to (first one referenced)
  std::string observer;          // default observer for new tears
  std::vector<TearAnnotation> tears;
  std::vector<ProvocationLevel> provocation;  // one per injected disc level (ProvocationRecord.h)
  int nextId = 1;
};

// Checks one tear on its own: coded values in range, geometry complete.
Status validateTear(const TearAnnotation& tear);

class AnnotationModel {
 public:
  using SaveHook = std::function<Status(const Session&)>;
  using Observer = std::function<void(const AnnotationModel&)>;

  explicit AnnotationModel(Session session = {}, SaveHook save = {});

  const Session& session() const { return session_; }
  const std::vector<TearAnnotation>& tears() const { return session_.tears; }
  const TearAnnotation* find(const std::string& id) const;

  // Assigns id and tracking UID when empty; returns the id.
  Result<std::string> add(TearAnnotation tear);
  Status update(const TearAnnotation& tear);
  Status remove(const std::string& id);
  Status setSource(const std::string& sourcePath, const std::string& studyInstanceUid);

  // The provocation record, one entry per level: setProvocation() adds the
  // level or replaces the entry of the same level (tracking UID kept or made);
  // validated (validateProvocation) and saved like every edit.
  const ProvocationLevel* findProvocation(const std::string& level) const;
  Status setProvocation(ProvocationLevel level);
  Status removeProvocation(const std::string& level);

  bool canUndo() const { return !undo_.empty(); }
  bool canRedo() const { return !redo_.empty(); }
  Status undo();
  Status redo();

  int observe(Observer observer);
  void unobserve(int handle);

  // Findings of one disc together (annulogram and MRI of the same level): an XA
  // cine has no frame of reference, so the disc level is the link.
  std::map<std::string, std::vector<const TearAnnotation*>> byDisc() const;

 private:
  Status commit(Session next, bool recordUndo);
  void notify();

  Session session_;
  SaveHook save_;
  std::vector<Session> undo_, redo_;
  std::map<int, Observer> observers_;
  int nextObserver_ = 1;
};

// A fresh UID under the 2.25 root (PS3.5 B.2: a UUID as a decimal integer).
std::string makeUuidUid();

}  // namespace annulo
