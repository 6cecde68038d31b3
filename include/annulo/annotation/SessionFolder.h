#pragma once
// Where sessions live and with which permissions (docs/SESSIONS.md).
//
// The folder: $ANNULO_SESSION_DIR when set (e.g. a department's shared drive),
// else $XDG_DATA_HOME/annulo/sessions, else $HOME/.local/share/annulo/sessions.
// One file per study, named after its Study Instance UID (sessionFileFor).
//
// Sessions hold patient data: folders Annulo creates are 0700 and session files
// 0600, set explicitly so the user's umask does not widen them. A folder the user
// made group-writable (a shared folder) keeps its permissions, and new session
// files in it are 0660 so the colleagues the folder is shared with can write them.

#include <sys/types.h>

#include <string>

#include "annulo/base/Result.h"

namespace annulo {

std::string defaultSessionFolder();

// Creates the folder and any missing parents 0700; existing folders are left as
// they are. The error names the folder.
Status createPrivateFolder(const std::string& folder);

// The mode for a new session (or lock) file at `path`: 0600, or 0660 inside a
// group-writable folder.
mode_t sessionFileMode(const std::string& path);

// The session file of a study in `folder`: STUDY_UID.json when the UID is a real
// one (digits and dots, at most 64 characters), else study-HASH.json from the source
// path, so studies without a usable UID never share a file and a malformed UID never
// names a path.
std::string sessionFileFor(const std::string& folder, const std::string& studyUid, const std::string& sourcePath);

// Who is editing: $ANNULO_READER, else the login name, else "unknown".
std::string defaultReaderName();

}  // namespace annulo
