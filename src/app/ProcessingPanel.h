#pragma once
// Leak segmentation and HIZ detection from the viewer: the injection point
// (and, optionally, the disc outline) placed with the mouse, the work on a
// worker thread, the label map overlaid, the figures and the area-over-time plot.

#include <memory>
#include <optional>
#include <vector>

#include "AppState.h"
#include "ViewDrawing.h"
#include "annulo/processing/Filters.h"
#include "annulo/processing/HizDetector.h"
#include "annulo/processing/LeakSegmenter.h"
#include "annulo/study/DerivedSeries.h"
#include "annulo/study/Job.h"

namespace annulo::app {

enum class Pick { None, Injection, DiscOutline };

// What the panel is doing; the results live in the study model (labels, leak
// segmentation) or, for HIZ candidates, here with the series they belong to.
struct Processing {
  Pick pick = Pick::None;
  std::optional<Vec2> injection;
  std::vector<Vec2> outline;
  const Series* leakSeries = nullptr;  // the series the running segmentation reads
  Job<LeakSegmentation> leakJob;
  std::vector<HizCandidate> hiz;
  const Series* hizSeries = nullptr;
  Job<std::vector<HizCandidate>> hizJob;
  Job<DerivedImage> filterJob;
  std::string filterRunning;  // the filter and its parameters, while it runs
  const Series* filterSource = nullptr;
  int filterOp = 0;                           // index into the panel's list of filters
  std::vector<FilterOptions> filterSettings;  // per filter of that list, kept while switching
  const Series* shownSeries = nullptr;        // the pick state belongs to this series
  std::string error;

  // Cancels and waits for every job (they read the open study's series).
  void stopAll() {
    leakJob.stop();
    hizJob.stop();
    filterJob.stop();
  }
};

// Starts each kind of work on the series (scripts call these as the panel's buttons do).
void startLeak(Processing& p, const Series* s);
void startHiz(Processing& p, const Series* s);
void startFilter(Processing& p, const Series* s, FilterOptions options);
// Hands each job's result to the model / the panel when it has finished; `block`
// waits for running jobs first (screenshot scripts).
void pollProcessing(AppState& st, Processing& p, bool block = false);

// Returns true when the click was taken for placing the injection point or outline.
bool processingClick(Processing& p, Vec2 image);
void drawProcessingPanel(AppState& st, Processing& p);
// Injection point, outline, leak paths and HIZ candidates on the current image.
void drawProcessingOverlay(const AppState& st, const Processing& p, const ViewState& view, const ViewGeometry& g,
                           ImVec2 origin, ImDrawList* dl, LabelPlacer& labels);
// What the colours on the shown image mean: overlay, automatic leak paths, tears by level.
void drawLegend(const AppState& st, ImVec2 origin, float viewWidth, ImDrawList* dl);

}  // namespace annulo::app
