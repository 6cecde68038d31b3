#pragma once
// The open study and its session: which series is shown, which study's tears are
// edited (one session file per study, saved on every edit), the recent list.

#include <string>

#include "AppState.h"

namespace annulo::app {

// Switches to series `index`: default window, frame, view reset; a series of another
// study switches to that study's session.
void selectSeries(AppState& state, int index);
// Adopts a finished load and opens (or restores) the session of its first series' study.
void adoptStudy(AppState& state, LoadResult result, const std::string& path);
// $XDG_DATA_HOME/annulo/sessions (else ~/.local/share/annulo/sessions).
std::string sessionDirectory();
void loadRecent(AppState& state);

}  // namespace annulo::app
