#pragma once
// The ImGui panels: free functions over AppState.

#include "AppState.h"
#include "StudyLoader.h"
#include "Thumbnails.h"

namespace annulo::app {

void applyTheme();
void drawStudyPanel(AppState& state, StudyLoader& loader, const Thumbnails& thumbnails);
void drawTearPanel(AppState& state);
void drawCineBar(AppState& state, double nowMs);
void drawStatusBar(const AppState& state);
void drawHelp(AppState& state);

// Switches to series `index`: default window, frame, view reset; a series of another
// study switches to that study's session.
void selectSeries(AppState& state, int index);
// Adopts a finished load and opens (or restores) the study's session.
void adoptStudy(AppState& state, LoadResult result, const std::string& path);
std::string sessionDirectory();

struct ExportOutcome {
  bool ok = false;
  std::vector<std::string> files;  // SEG, SR, GSPS as written
  std::vector<std::string> warnings;
  std::string message;
};
// Writes st.exportPath (SR) and its siblings -seg.dcm (when the shown acquired
// series is segmented) and -pr.dcm (GSPS of the tears on the shown series).
ExportOutcome exportSession(AppState& state);
void loadRecent(AppState& state);
// Adds a found report's tears the session does not hold yet; says how many in the status.
void importFoundReport(AppState& state, const SrImport& report);

}  // namespace annulo::app
