#pragma once
// Crash-safe session files. A save writes a temporary file, fsyncs it, keeps
// the previous good file as PATH.bak and renames the new one over PATH, so at
// every instant PATH holds a complete earlier or current state.

#include <string>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/dicom/Result.h"

namespace annulo {

std::string sessionToJson(const Session& session);
Result<Session> sessionFromJson(const std::string& text);

Status saveSession(const Session& session, const std::string& path);
// A corrupt or truncated file is an error that names the file and the backup;
// the file itself is left untouched.
Result<Session> loadSession(const std::string& path);
std::string backupPath(const std::string& path);

}  // namespace annulo
