#pragma once
// Everything the viewer shows, in one place; panels are free functions over it
// (immediate-mode UI keeps no second copy of state).

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "LoadPreview.h"
#include "OutboxPanel.h"
#include "PacsBrowser.h"
#include "PacsPanel.h"
#include "SliceRenderer.h"
#include "TeachingPanel.h"
#include "ViewerSettings.h"
#include "annulo/annotation/AnnotationModel.h"
#include "annulo/render/Measurement.h"
#include "annulo/render/TearTool.h"
#include "annulo/render/ViewTransform.h"
#include "annulo/render/WindowLevel.h"
#include "annulo/study/Study.h"
#include "annulo/study/StudySegmentations.h"

namespace annulo::app {

enum class Layout { View2D, Mpr, View3D, DiscPlane };

struct Cine {
  bool playing = false;
  bool loop = true;
  double speed = 1.0;
  double startedAtMs = 0;  // wall clock when play started
  double startOffsetMs = 0;
};

inline TearAnnotation newDraft() {
  TearAnnotation t;
  t.level = "L4-L5";
  return t;
}

struct AppState {
  std::string pathInput;
  std::vector<std::string> recent;
  // The study model: series, reports, the session of the shown study, label maps.
  std::unique_ptr<Study> study;
  // The open that is running (one at a time), and why the last one failed: a failed
  // open keeps the study that is open and lists the files it could not use.
  Job<std::unique_ptr<Study>> opening;
  std::string openingPath;
  std::shared_ptr<LoadPreview> preview;  // what the running open has decoded so far (progressive display)
  std::string loadError;
  std::vector<RejectedFile> loadRejected;
  int seriesIndex = -1;
  int frame = 0;
  WindowLevel window;
  ViewState view;
  Cine cine;
  Layout layout = Layout::View2D;
  OverlayStyle overlay;

  // MPR crosshair (column, row, slice) in the volume.
  int crossColumn = 0, crossRow = 0;
  // The MPR reformats' orientation once a line was dragged (render/ObliqueMpr.h; their
  // centres follow the crosshair); empty: the orthogonal cuts. O resets.
  std::optional<std::array<DiscPlane, 2>> mprPlanes;
  double mprSlabMm = 0;    // thick slab over both reformats (0: a plane)
  bool mprSlabMip = true;  // maximum intensity, else mean

  TearTool tool;
  MeasureTool measure;
  std::vector<std::pair<int, Measurement>> measurements;  // (frame index, measurement) on the shown series
  ViewerSettings settings;                                // reader name, panel widths (remembered per user)
  bool settingsChanged = false;
  std::string exportMessage;  // the last export's outcome, shown under its button
  std::string exportPath;
  Job<ExportReport> exporting;
  std::vector<std::string> exportedFiles;          // last export, for sending to a PACS
  PacsSendState pacs;                              // the PACS node, and sending exports to it
  PacsBrowserState pacsBrowser;                    // query and retrieve from it
  std::vector<AdoptedSegmentation> segmentations;  // DICOM SEG objects of the study, drawn as its labels
  OutboxViewState outbox;                          // sends waiting, failed or done; retried at start-up and every 30 s
  std::string compareLevel;           // disc shown side by side (annulogram and MRI findings), empty = none
  TearAnnotation draft = newDraft();  // the fields the next tear gets
  std::string selectedTear;
  bool ghostTears = true;  // tears of nearby cine frames drawn faintly, so they stay in view during playback
  int ghostFrames = 5;
  TeachingState teaching;  // the Teach tab: teaching case job, blanking rectangles

  std::optional<Vec2> hover;  // image coordinates under the cursor
  std::string message;
  bool showHelp = false;

  const Series* series() const { return study ? study->seriesAt(seriesIndex) : nullptr; }
  // The session of the shown study (tears), or none before a series is shown.
  AnnotationModel* model() const { return study ? study->session() : nullptr; }
  // The label map of the shown series (columns*rows*frames), empty when it has none;
  // its version rises whenever it changes, so views re-upload and 3D rebuilds surfaces.
  const std::vector<std::uint8_t>& labels() const {
    static const std::vector<std::uint8_t> none;
    const SeriesLabels* l = study && series() ? study->labels(*series()) : nullptr;
    return l && l->labels ? *l->labels : none;
  }
  std::uint64_t labelsVersion() const {
    const SeriesLabels* l = study && series() ? study->labels(*series()) : nullptr;
    return l ? l->version : 0;
  }
};

}  // namespace annulo::app
