#pragma once
// The ImGui panels: free functions over AppState.

#include "AppState.h"
#include "ShownSeries.h"
#include "Thumbnails.h"

namespace annulo::app {

void applyTheme();
void drawStudyPanel(AppState& state, const Thumbnails& thumbnails);
void drawTearPanel(AppState& state);     // new tear, the list, the selected tear's form
void drawMeasurePanel(AppState& state);  // ruler, angle, catheter path
void drawReportPanel(AppState& state);   // reader, export, send, findings by disc
void drawCineBar(AppState& state, double nowMs);
void drawStatusBar(const AppState& state);
void drawHelp(AppState& state);

// Starts the export of the session shown (SEG, SR, GSPS) to state.exportPath in the
// background; pollExport takes its result into the status line and the Send list.
void startExport(AppState& state);
void pollExport(AppState& state);
// Adds a found report's tears the session does not hold yet; says how many in the status.
void importFoundReport(AppState& state, const SrImport& report);

}  // namespace annulo::app
