#pragma once
// Crash-safe session files shared by several writers. A write happens under the
// session lock (SessionLock), writes a temporary file (mode 0600, see
// SessionFolder.h), fsyncs it, keeps the previous good file as PATH.bak, renames
// the new one over PATH and fsyncs the folder, so at every instant PATH holds a
// complete earlier or current state and no two writers interleave.

#include <functional>
#include <string>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/annotation/SessionLock.h"
#include "annulo/base/Result.h"

namespace annulo {

std::string sessionToJson(const Session& session);
Result<Session> sessionFromJson(const std::string& text);

// Replaces the file with `session` (its revision raised by one) under the lock;
// whatever another writer saved meanwhile is overwritten, so writers that share a
// file use SessionSync or updateSession instead.
Status saveSession(const Session& session, const std::string& path);
// The read-modify-write: under the lock, reads the latest state on disk (or starts
// from `fresh` when there is no file), applies `edit` and writes the result, which
// is returned. When the lock, the read or the edit fails, nothing is written.
Result<Session> updateSession(const std::string& path, const std::function<Status(Session&)>& edit,
                              const Session& fresh = {}, const LockOptions& options = defaultLockOptions());
// Writes without taking the lock: only for a caller that holds it.
Status writeSessionFile(const Session& session, const std::string& path);
// A corrupt or truncated file is an error that names the file and the backup;
// the file itself is left untouched.
Result<Session> loadSession(const std::string& path);
std::string backupPath(const std::string& path);

}  // namespace annulo
