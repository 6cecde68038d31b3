#pragma once
// Turns what the user opened (a file, a folder, a DICOMDIR) into the list of
// files to read.

#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo {

struct RejectedFile {
  std::string path;
  std::string reason;
};

struct CollectedFiles {
  std::vector<std::string> files;
  std::vector<RejectedFile> rejected;  // e.g. DICOMDIR entries whose file is missing
};

// A folder is walked recursively (DICOMDIR files inside it are skipped: the
// files they list are in the folder). A DICOMDIR opened directly yields the
// files its records reference. Errors only when the path itself is unusable.
Result<CollectedFiles> collectFiles(const std::string& path);

bool isDicomDir(const std::string& path);

}  // namespace annulo
