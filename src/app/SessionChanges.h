#pragma once
// Other writers of the shown study's session (a script, a second window, a colleague
// on a shared session folder): what their saves brought in, and the tears changed
// both here and there, shown side by side until the reader chooses (issue 14:
// never overwritten silently). The merge itself is the core's (SessionMerge.h).

#include <string>

#include "AppState.h"

namespace annulo::app {

// One line for the status message after a merge: "T3 added by Smith^J, T1 removed
// elsewhere, 1 conflict"; empty when the merge brought nothing in.
std::string describeMerge(const AnnotationModel& model);
// "created by X at T; last changed by Y at T" for a tear's tooltip.
std::string describeAuthorship(const TearAnnotation& tear);
// The conflicts window: drawn while any conflict is open, on top of the views.
void drawSessionConflicts(AppState& st);

}  // namespace annulo::app
