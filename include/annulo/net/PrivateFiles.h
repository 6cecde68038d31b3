#pragma once
// Patient data at rest is private by default: folders Annulo creates are 0700 and
// files 0600, set explicitly so the user's umask (often 022) does not decide.
// Writes are atomic (temporary file in the same folder, fsync, rename): a reader
// or a crash never sees half a file under the final name.

#include <filesystem>
#include <string>

#include "annulo/base/Result.h"

namespace annulo {

// Creates `dir` and any missing parents, each new one 0700. Folders that already
// exist keep their mode: a folder the user chose to share stays shared.
Status makePrivateDirs(const std::filesystem::path& dir);

// A new empty file 0600 under a hidden temporary name beside `finalPath`
// (".<name>.part-<pid>-<n>"); hidden, so folder scans skip it until it is renamed.
Result<std::filesystem::path> createPrivateTemp(const std::filesystem::path& finalPath);

// fsync()s `temp`, renames it to `finalPath` and fsync()s the folder. On error the
// temporary file is removed. A caller committing many files into one folder may
// pass syncFolder = false and call syncFolder() once after the last: the file
// itself is on disk before its rename either way.
Status commitTemp(const std::filesystem::path& temp, const std::filesystem::path& finalPath, bool syncFolder = true);

// Makes the renames into `dir` durable (fsync of the folder).
void syncFolder(const std::filesystem::path& dir);

// Atomic private writes: the file appears complete with mode 0600, or not at all.
Status writePrivateFile(const std::filesystem::path& path, const std::string& bytes);
Status copyPrivateFile(const std::filesystem::path& from, const std::filesystem::path& to);

// The warning a user should see before patient data is written into `folder`:
// empty unless the folder exists and every other account on this machine can list
// and open it (it and each of its parents searchable by others, it readable by
// others), e.g. "/srv/share is readable by every user of this machine (mode 0755)".
// A folder that does not exist yet is made 0700 by makePrivateDirs: no warning.
std::string worldReadableWarning(const std::filesystem::path& folder);

// True for the names createPrivateTemp() makes.
bool isPrivateTemp(const std::filesystem::path& path);

}  // namespace annulo
