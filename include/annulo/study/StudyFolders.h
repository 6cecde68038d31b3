#pragma once
// Where Annulo keeps a user's work (XDG Base Directory layout):
//   sessions  $ANNULO_SESSION_DIR, else $XDG_DATA_HOME/annulo/sessions, else ~/.local/share/annulo/sessions
//             <stem>.json (tears), <stem>.json.bak, <stem>.leak/ (segmentations of its series)
//   exports   beside the sessions: .../annulo/exports/<stem>/report.dcm (+ report-seg.dcm, report-pr.dcm)
//   recent    beside the sessions: .../annulo/recent.txt
//   retrieved $XDG_CACHE_HOME/annulo/retrieved/<StudyInstanceUID>, else ~/.cache/annulo/retrieved/...
// One place, so the viewer, the CLI and scripts agree on every path.

#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo {

std::string sessionFolder();
std::string exportFolder();
std::string retrieveFolder(const std::string& studyInstanceUid);

// The file name (without .json) of a study's session: the Study Instance UID when it
// is a real one (digits and dots, at most 64), otherwise a stable name made from the
// source path, so studies without a usable UID never share a file and a malformed
// UID never names a path.
std::string sessionStem(const std::string& studyInstanceUid, const std::string& sourcePath);

// Most recent first, at most 12; a path opened again moves to the front.
std::vector<std::string> loadRecent();
Status rememberRecent(const std::string& path);

}  // namespace annulo
