#pragma once
// Leak segmentation and HIZ detection from the viewer: the injection point
// (and, optionally, the disc outline) placed with the mouse, the work on a
// worker thread, the label map overlaid, the figures and the area-over-time plot.

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <vector>

#include "AppState.h"
#include "annulo/processing/Filters.h"
#include "annulo/processing/HizDetector.h"
#include "annulo/processing/LeakSegmenter.h"

namespace annulo::app {

enum class Pick { None, Injection, DiscOutline };

struct Processing {
  Pick pick = Pick::None;
  std::optional<Vec2> injection;
  std::vector<Vec2> outline;
  const Series* segmentedSeries = nullptr;
  std::shared_ptr<const LeakSegmentation> leak;
  std::vector<HizCandidate> hiz;
  const Series* hizSeries = nullptr;
  std::future<Result<LeakSegmentation>> leakTask;
  // Shared with the worker's lambda, so they outlive a run the panel stops waiting for.
  std::shared_ptr<std::atomic<bool>> cancelLeak;
  std::shared_ptr<std::atomic<float>> leakProgress;
  std::future<Result<std::vector<HizCandidate>>> hizTask;
  std::shared_ptr<std::atomic<float>> hizProgress;
  std::shared_ptr<std::atomic<bool>> cancelHiz;
  std::future<Result<DerivedImage>> filterTask;
  std::shared_ptr<std::atomic<bool>> cancelFilter;
  std::shared_ptr<std::atomic<float>> filterProgress;
  std::string filterRunning;  // the filter and its parameters, while it runs
  const Series* filterSource = nullptr;
  int filterOp = 0;                         // index into the panel's list of filters
  std::vector<FilterOptions> filterSettings;  // per filter of that list, kept while switching
  std::string error;
};

// A filtered series for display: pixels from the filter, identity and references
// (series, SOP instances, frame numbers) from the source frames.
Series derivedSeries(const Series& source, DerivedImage image);

// Returns true when the click was taken for placing the injection point or outline.
bool processingClick(Processing& p, Vec2 image);
void drawProcessingPanel(AppState& st, Processing& p);
void pollProcessing(AppState& st, Processing& p);
// Injection point, outline, leak paths and HIZ candidates on the current image.
void drawProcessingOverlay(const AppState& st, const Processing& p, const ViewState& view, const ViewGeometry& g,
                           ImVec2 origin, ImDrawList* dl);

// HIZ candidates within a voxel and a half of an MPR reformat's plane (viewIndex 1:
// fixed column, 2: fixed row), as drawTearsOnReformat does for tears.
void drawHizOnReformat(const AppState& st, const Processing& p, int viewIndex, const ViewState& view,
                       const ViewGeometry& g, ImVec2 origin, ImDrawList* dl);

}  // namespace annulo::app
