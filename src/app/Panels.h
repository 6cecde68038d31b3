#pragma once
// The ImGui panels: free functions over AppState.

#include "AppState.h"
#include "SessionExport.h"
#include "StudySession.h"
#include "StudyLoader.h"
#include "Thumbnails.h"

namespace annulo::app {

void applyTheme();
void drawStudyPanel(AppState& state, StudyLoader& loader, const Thumbnails& thumbnails);
void drawTearPanel(AppState& state);
void drawCineBar(AppState& state, double nowMs);
void drawStatusBar(const AppState& state);
void drawHelp(AppState& state);

// Adds a found report's tears the session does not hold yet; says how many in the status.
void importFoundReport(AppState& state, const SrImport& report);

}  // namespace annulo::app
