#pragma once
// One reading session as it is stored: the study it is about and every tear.
// Plain data; AnnotationModel edits it, SessionStore reads and writes it,
// mergeSessions combines the edits of several writers.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/annotation/DiscPlane.h"
#include "annulo/annotation/ProvocationRecord.h"
#include "annulo/annotation/TearAnnotation.h"

namespace annulo {

struct Session {
  std::string sessionUid;        // stable identity of this reading session
  std::string sourcePath;        // file, folder or DICOMDIR the study was opened from
  std::string studyInstanceUid;  // study the tears belong to (first one referenced)
  std::string observer;          // default observer for new tears
  std::vector<TearAnnotation> tears;
  std::vector<ProvocationLevel> provocation;  // one per injected disc level (ProvocationRecord.h)
  // The plane each disc was read in (DiscPlane.h), one per level, so the next reader
  // sees the same cut; JSON "disc_planes" (absent in older files).
  std::vector<DiscPlane> discPlanes;
  int nextId = 1;  // ids are never reused, even after a removal
  // Raised by one on every write, so a reader can tell the file changed under it;
  // 0 for files written before revisions existed.
  std::int64_t revision = 0;
};

}  // namespace annulo
