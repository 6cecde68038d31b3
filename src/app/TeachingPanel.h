#pragma once
// The viewer's "Teach" tab: make a teaching case of the open study (the core's
// annulo::teaching::writeTeachingCase, run as a background Job with progress and
// cancel), with the de-identification options, blanking rectangles for burned-in
// text drawn on the image (click two corners; applied to every frame of the
// XA/RF/US/SC images), and the warnings of the run (FileOutcome::warnings, e.g.
// burned-in annotation) shown under the button.
//
// Script steps (annulo --script): "tool blank" then two "click X,Y"; "teaching-blank
// X,Y,W,H" (image pixels); "teaching-case DIR" and "deidentify DIR" (run the job as
// the button does and wait for it).

#include <imgui.h>

#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/base/Vec.h"
#include "annulo/deid/Deidentify.h"
#include "annulo/render/ViewTransform.h"
#include "annulo/study/Job.h"
#include "annulo/teaching/TeachingCase.h"

namespace annulo::app {

struct AppState;

struct TeachingState {
  Job<teaching::TeachingCase> job;
  std::string caseDir;       // empty = beside the study's exports
  char pseudonym[128] = "";  // empty = TEACHING^CASE-1
  bool keepDates = false, keepCharacteristics = false, keepDescriptors = false;
  std::vector<deid::BlankRect> blanks;  // image pixels of the shown series
  bool blankTool = false;               // the next two clicks on the image are a rectangle's corners
  std::optional<Vec2> corner;           // the first corner given
  std::string message;                  // the last run's outcome
  std::vector<std::string> warnings;    // and its warnings
  std::string indexHtml;                // the last case's page
  // "De-identify study": the whole study folder, the same options and rectangles.
  Job<deid::DeidReport> deidJob;
  std::string deidDir;  // empty = beside the study's exports
  std::string deidMessage;
  std::vector<std::string> deidNotes;  // refusals and warnings, per file
};

void drawTeachingPanel(AppState& st);
// Starts the job (no-op without a study with tears); `dir` empty = the default folder.
void startTeachingCase(AppState& st, const std::string& dir = "");
// De-identifies the whole open study (deid::deidentify) as a background job.
void startDeidentify(AppState& st, const std::string& dir = "");
void pollTeaching(AppState& st);
// A click on the shown image while the rectangle tool is on; true when taken.
bool teachingClick(AppState& st, Vec2 image);
// The blanking rectangles (and the one being drawn) on the 2D view.
void drawTeachingOverlay(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin,
                         ImDrawList* dl);
// "teaching-blank X,Y,W,H", "teaching-case DIR" and "deidentify DIR".
bool isTeachingStep(const std::string& name);
Status runTeachingStep(AppState& st, const std::string& name, const std::string& value);

}  // namespace annulo::app
