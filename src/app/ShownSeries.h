#pragma once
// Which series the viewer shows: switching resets the view state (window, frame,
// tools) and lets the study model open the session of that series' study.

#include <functional>
#include <memory>

#include "AppState.h"

namespace annulo::app {

// Switches to series `index` (acquired, then filtered views): default window, frame,
// view reset; a series of another study switches to that study's session.
void selectSeries(AppState& state, int index);
// Starts opening `path` in the background (a running open is cancelled first).
void startOpen(AppState& state, const std::string& path);
// Takes a finished open: a study with at least one series replaces the open one;
// otherwise the open study stays and loadError / loadRejected say why. Never blocks.
// Returns true when a new study was adopted.
// `beforeReplace` runs just before the open study goes (stop the work that reads it).
bool pollOpen(AppState& state, const std::function<void()>& beforeReplace);
// Adopts a study that loaded with at least one series: the open study is replaced,
// the path goes to the front of Recent, the first series is shown.
void adoptStudy(AppState& state, std::unique_ptr<Study> study);

}  // namespace annulo::app
