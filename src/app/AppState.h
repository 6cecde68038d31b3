#pragma once
// Everything the viewer shows, in one place; panels are free functions over it
// (immediate-mode UI keeps no second copy of state).

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/render/Measurement.h"
#include "annulo/render/TearTool.h"
#include "annulo/render/ViewTransform.h"
#include "annulo/render/WindowLevel.h"
#include "PacsBrowser.h"
#include "PacsPanel.h"
#include "SliceRenderer.h"
#include "StudyReports.h"

namespace annulo::app {

enum class Layout { View2D, Mpr, View3D };

struct Cine {
  bool playing = false;
  bool loop = true;
  double speed = 1.0;
  double startedAtMs = 0;  // wall clock when play started
  double startOffsetMs = 0;
};

struct AppState {
  std::string pathInput;
  std::vector<std::string> recent;
  std::unique_ptr<LoadResult> study;
  std::string studyPath;  // absolute path it was opened from
  std::vector<FoundReport> reports;  // SR documents that came with the study
  std::string loadError;
  int seriesIndex = -1;
  int frame = 0;
  WindowLevel window;
  ViewState view;
  Cine cine;
  Layout layout = Layout::View2D;
  OverlayStyle overlay;
  std::vector<std::uint8_t> labels;  // columns*rows*frames of the shown series, if segmented
  std::uint64_t labelsVersion = 0;   // bumped whenever labels change: the 3D view rebuilds its surfaces

  // MPR crosshair (column, row, slice) in the volume.
  int crossColumn = 0, crossRow = 0;

  std::unique_ptr<AnnotationModel> model;
  std::string sessionPath;
  std::string sessionStem;  // file name of the session (and default export), see adoptStudy
  std::string sessionError;
  TearTool tool;
  MeasureTool measure;
  std::vector<std::pair<int, Measurement>> measurements;  // (frame index, measurement) on the shown series
  std::string exportPath;
  std::vector<std::string> exportedFiles;  // last export, for sending to a PACS
  PacsSendState pacs;          // the PACS node, and sending exports to it
  PacsBrowserState pacsBrowser;  // query and retrieve from it
  std::string compareLevel;  // disc shown side by side (annulogram and MRI findings), empty = none
  TearAnnotation draft;
  std::string selectedTear;

  std::optional<Vec2> hover;  // image coordinates under the cursor
  std::string message;
  bool showHelp = false;

  // Filtered views of the loaded series, shown after them in the browser. A deque
  // keeps their addresses stable while worker threads read them. They keep the
  // source's series and SOP instance UIDs, so a tear drawn on a filtered frame
  // references the acquired image; they are never exported themselves.
  std::deque<Series> derived;

  const Series* series() const {
    if (!study || seriesIndex < 0) return nullptr;
    const std::size_t i = std::size_t(seriesIndex), n = study->series.size();
    if (i < n) return &study->series[i];
    return i - n < derived.size() ? &derived[i - n] : nullptr;
  }
};

}  // namespace annulo::app
