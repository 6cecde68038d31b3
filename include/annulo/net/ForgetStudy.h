#pragma once
// Wiping one study from this machine (annulo-cli forget): its session file and
// the session store's backup/lock/temporary files, the retrieved copy in the
// cache, its outbox items, and its entry in the viewer's recent list. Thumbnails
// are never written to disk (GL textures only), so there are none to remove.

#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo {

struct ForgetReport {
  std::vector<std::string> removed;  // paths (and outbox item ids), in the order removed
  std::vector<std::string> kept;     // what could not be removed now, and why
};

// Errors only for a Study Instance UID that cannot be one (empty, '/', "..").
Result<ForgetReport> forgetStudy(const std::string& studyInstanceUid);

}  // namespace annulo
