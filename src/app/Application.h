#pragma once
// The viewer: one GLFW window, ImGui panels around the image views.

#include <memory>
#include <optional>
#include <array>
#include <string>
#include <vector>

#include "AppState.h"
#include "ProcessingPanel.h"
#include "StudyLoader.h"
#include "Thumbnails.h"
#include "VolumeView.h"

struct GLFWwindow;

namespace annulo::app {

struct LaunchOptions {
  std::string path;
  std::string screenshot;  // write the whole UI to this PNG once, then exit
  std::string seriesUid;
  int frame = 0;           // 1-based, 0 = default
  Layout layout = Layout::View2D;
  int width = 1400, height = 900;
  std::string labels;                 // uint8 NRRD label map (columns x rows x frames) to overlay
  LabelDisplay labels3d = LabelDisplay::Surface;  // how the 3D view shows them
  // Simulated input for tests and teaching scripts (screenshot mode): a tool
  // and left clicks at window coordinates, sent through ImGui like a mouse.
  std::string tool;                   // point | polyline | polygon
  std::vector<std::array<float, 2>> clicks;
  std::string compare;      // disc level to show side by side, e.g. L4-L5
  std::optional<std::array<double, 2>> segmentAt;  // run leak segmentation from this injection point
  bool findHiz = false;
  std::string fromPacs, studyUid;  // retrieve this study from this PACS (AET@HOST:PORT) and open it
  bool importReports = false;  // add the tears of every SR found with the study
  std::string exportPath;  // after the screenshot: write SR (+ -seg.dcm, -pr.dcm) there
  std::string sendTo;      // then store them on this PACS (AET@HOST:PORT)
  std::string filter;  // apply this filter (annulo-cli filter's --op names) and show the result
  std::string bench;        // cine | wl | volume: print frame rates and exit
  double startedAtMs = 0;   // process start on the steady clock, for launch time
};

class Application {
 public:
  explicit Application(LaunchOptions options);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Returns the process exit code.
  int run();
  void open(const std::string& path);

 private:
  bool initWindow(bool visible);
  void frame(double nowMs);
  void drawViews(double nowMs);
  void drawSliceView(SliceRenderer& r, int viewIndex, const char* id, float w, float h);
  void drawMpr(float w, float h);
  void setReformatLabels(int i, const Series& s, int index, int width, int height);
  void drawVolume(float w, float h);
  struct PlacedTear {
    const TearAnnotation* tear;
    std::vector<Vec3> voxels;  // (column, row, slice) in the shown series
  };
  std::vector<PlacedTear> placedTears() const;
  void drawVolumeLabels(ImVec2 origin, const std::vector<PlacedTear>& tears);
  std::vector<Marker3D> sceneMarkers(const std::vector<PlacedTear>& tears) const;
  void drawCompare();
  void handleKeys(double nowMs);
  void pollLoader();
  bool writeScreenshot(const std::string& path);
  void writeSidecar(const std::string& path) const;
  bool sendExported(const std::vector<std::string>& files);
  bool retrieveRequestedStudy();
  void simulateInput();
  void renderFrame();
  void loadLabels();
  void runRequestedProcessing();
  int runBenchmark();
  template <typename Step>
  double measure(int frames, Step step);

  LaunchOptions options_;
  GLFWwindow* window_ = nullptr;  // owned by GLFW; destroyed in ~Application
  AppState state_;
  StudyLoader loader_;
  std::unique_ptr<SliceRenderer> views_[3];
  std::unique_ptr<VolumeView> volume_;
  std::unique_ptr<Thumbnails> thumbnails_;
  std::unique_ptr<SliceRenderer> compare_[2];
  struct MprLabels {
    std::vector<std::uint8_t> labels;  // the label map cut like one reformat
    std::array<std::uint64_t, 2> key{~0ull, ~0ull};  // (labels version, crosshair index) it was cut for
    const Series* series = nullptr;
    std::uint64_t version = 0;  // for the renderer's upload
  };
  MprLabels mprLabels_[2];
  Processing processing_;
  VolumePreset preset_ = VolumePreset::MrT2;
  LabelDisplay labelDisplay_ = LabelDisplay::Surface;
  // What the 3D view drew where last frame (window coordinates), for the sidecar.
  struct ScenePoint {
    std::string kind, name;
    float x, y;
  };
  std::vector<ScenePoint> scenePoints_;
  // Where view 0 was drawn last frame (window coordinates), for the sidecar.
  float viewX_ = 0, viewY_ = 0, viewW_ = 0, viewH_ = 0;
  ViewGeometry viewGeometry_;
  struct PlacedView {
    float x = 0, y = 0;
    ViewGeometry g;
  };
  PlacedView reformatViews_[2];  // MPR reformats (fixed column, fixed row), for the sidecar
  std::optional<std::array<float, 2>> simulatedMouse_;
  bool simulatedDown_ = false;
  double firstImageMs_ = 0;
};

}  // namespace annulo::app
