#pragma once
// The Provocation tab: the discography record of the shown study, level by level
// (opening and provocation pressure, volumes, pain score and concordance, the
// controls), the classification computed by the core criteria with the reason for
// each criterion, and the clinician's override. Every edit goes through the
// session's AnnotationModel (saved before it counts, undo/redo as for tears,
// merged per level with other writers).

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "AppState.h"
#include "annulo/report/ReportFiles.h"

namespace annulo::app {

struct ProvocationPanel {
  std::string selected;  // level shown in the form
  std::string newLevel = "L4-L5";
  int overrideClass = 1;  // index into provocationClassTokens()
  char overrideReason[256] = {};
  char logPath[1024] = {};                     // manometer CSV to import
  std::map<std::string, std::string> buffers;  // text of the number fields
  std::string editing;                         // the field being typed in or dragged
  int painDraft = -1;                          // the pain slider's value while dragged
  // What the last frame showed, for the screenshot sidecar and the GUI tests.
  struct ShownLevel {
    std::string level, computed, final, derby;
    bool control = false;  // a negative control for an adjacent level
  };
  std::vector<ShownLevel> shown;
  bool shownInvalid = false;
  std::map<std::string, std::array<float, 4>> widgets;  // name -> x, y, width, height (window pixels)
  // The report for the referring physician: HTML and key images written at once, the
  // PDF and its DICOM Encapsulated PDF printed in the background (chromium).
  Job<ReportWritten> reportJob;
  std::string reportMessage;
};

void drawProvocationPanel(AppState& state, ProvocationPanel& panel);
// The "provocation" entry of the screenshot sidecar.
nlohmann::json provocationSidecar(const ProvocationPanel& panel);

}  // namespace annulo::app
