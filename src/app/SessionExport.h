#pragma once
// Export of what the session holds: the leak SEG, the SR for every reader (it
// references the SEG), a presentation state for viewers without SR support.

#include <string>
#include <vector>

#include "AppState.h"

namespace annulo::app {

struct ExportOutcome {
  bool ok = false;
  std::vector<std::string> files;  // SEG, SR, GSPS as written
  std::vector<std::string> warnings;
  std::string message;
};
// The shown series when a SEG can be made of it: an acquired series (not a filtered
// view of one: a SEG must reference images a PACS holds) with a non-empty label map.
const Series* segmentedAcquiredSeries(const AppState& state);

// Writes st.exportPath (SR) and its siblings -seg.dcm (when the shown acquired
// series is segmented) and -pr.dcm (GSPS of the tears on the shown series).
ExportOutcome exportSession(AppState& state);

}  // namespace annulo::app
