#pragma once
// The viewer: one GLFW window, ImGui panels around the image views.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "AppState.h"
#include "ClippedText.h"
#include "DiscPlaneView.h"
#include "ProcessingPanel.h"
#include "ProgressiveView.h"
#include "ProvocationPanel.h"
#include "Thumbnails.h"
#include "VolumeView.h"
#include "annulo/render/ObliqueMpr.h"
#include "annulo/study/Script.h"

struct GLFWwindow;

namespace annulo::app {

struct LaunchOptions {
  // Steps run before the window is handed to the user (or instead, headless): the
  // command line's options become these steps (see main.cpp), --script FILE adds a
  // file's. Study steps run in the core (Script.h); view steps here.
  std::vector<ScriptStep> script;
  int width = 1400, height = 900;
  bool headless = false;   // the script takes a screenshot or benchmarks: no visible window, exit after
  double startedAtMs = 0;  // process start on the steady clock, for launch time
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
  void installEventHooks();
  void frame(double nowMs);
  void drawViews(double nowMs);
  void drawSliceView(SliceRenderer& r, int viewIndex, const char* id, float w, float h);
  void drawMpr(float w, float h);
  void drawVolume(float w, float h);
  void drawOrientationMarker(const Series& s, ImVec2 origin, ImVec2 size);
  struct PlacedTear {
    const TearAnnotation* tear;
    std::vector<Vec3> voxels;  // (column, row, slice) in the shown series
  };
  std::vector<PlacedTear> placedTears() const;
  void drawVolumeLabels(ImVec2 origin, const std::vector<PlacedTear>& tears);
  std::vector<Marker3D> sceneMarkers(const std::vector<PlacedTear>& tears) const;
  void drawCompare();
  void handleKeys(double nowMs);
  void pollWork(double nowMs);  // nowMs: the frame's clock (a cine handed over from the preview starts on it)
  void drawTaskTabs();
  bool writeScreenshot(const std::string& path);
  void writeSidecar(const std::string& path) const;
  // The script: study steps through the core, view steps here; returns the exit code.
  int runScript();
  Status openAsTheUserWould(const ScriptStep& step);
  Status runViewStep(const ScriptStep& step, int& exitCode);
  void syncFromScript(const ScriptContext& context, const ScriptStep& step);
  void settle();
  void click(float x, float y);
  void drag(float x0, float y0, float x1, float y1, int steps);
  void finishShape();
  void renderFrame();
  // One turn of the interactive loop: draws only on input, while work runs, during cine
  // playback or camera motion, and a few frames after; otherwise waits for an event.
  void loopOnce();
  // countOpening false: is anything but a running open animating (an open alone redraws at a lower rate).
  bool animating(bool countOpening = true) const;
  double idleCpuPercent(double seconds);
  int runBenchmark(const std::string& mode);
  template <typename Step>
  double measure(int frames, Step step);

  LaunchOptions options_;
  GLFWwindow* window_ = nullptr;  // owned by GLFW; destroyed in ~Application
  AppState state_;
  std::unique_ptr<SliceRenderer> views_[3];
  std::unique_ptr<VolumeView> volume_;
  std::unique_ptr<ProgressiveView> progressive_;  // the view area while a study loads
  std::string firstFrameShot_;                    // a script's 'first-frame OUT.png': taken during the next open
  void takeFirstFrameShot(double openedAtMs);
  std::unique_ptr<DiscPlaneView> discView_;  // the "disc plane" layout (DiscPlaneView.h)
  std::unique_ptr<Thumbnails> thumbnails_;
  std::unique_ptr<SliceRenderer> compare_[2];
  // The MPR layout (MprViews.cpp): reformats cut by VolumeReslicer along planes a drag turns.
  struct ViewPlane;
  struct MprCut {
    std::optional<DiscPlane> plane;  // what the shown image was cut along
    PlaneGrid grid;
    double slabMm = -1;
    bool mip = true;
    double ms = 0;                     // the last cut's time
    std::vector<std::uint8_t> labels;  // the label map cut along the plane
    std::uint64_t labelsKey = ~0ull, labelsUpload = 0;
  };
  struct MprDrag {
    int view = 0, plane = 0;  // where the handle was grabbed, which reformat turns
    Vec3 axis{}, pivot{}, from{};
    std::array<DiscPlane, 2> start;
  };
  struct MprHandle {
    int view, plane;
    float x, y;
  };
  std::unique_ptr<VolumeReslicer> mprReslicer_;
  const Series* mprSeries_ = nullptr;
  MprCut mprCuts_[2];
  std::optional<MprDrag> mprDrag_;
  bool mprInteractive_ = false;        // the benchmark's drag: cut as while a handle is held
  std::vector<MprHandle> mprHandles_;  // drawn last frame (window pixels), for the sidecar
  Vec3 crosshairMm(const Series& s) const;
  std::array<DiscPlane, 2> mprPlanes(const Series& s) const;
  DiscPlane nativePlane(const Series& s) const;
  void updateReformats(const Series& s);
  void drawMprControls();
  void drawReformat(const Series& s, int i, const char* id, float w, float h);
  void drawMprLines(const Series& s, int self, const ViewPlane& v, ImDrawList* dl, bool pressed);
  void dragMprPlane(int self, const ViewPlane& v);
  void drawFindingsOnPlane(const Series& s, const ViewPlane& v, ImDrawList* dl) const;
  bool mprOnNative(const Series& s, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl,
                   bool pressed);
  nlohmann::json mprSidecar() const;
  Processing processing_;
  ProvocationPanel provocation_;
  VolumePreset preset_ = VolumePreset::MrT2;
  LabelDisplay labelDisplay_ = LabelDisplay::Surface;
  std::vector<ClippedText> clippedText_;  // found in the frame of the last screenshot
  std::array<std::array<std::string, 4>, 3>
      orientation_;           // letters each view drew last frame (left, right, top, bottom)
  std::string requestedTab_;  // a script's 'tab NAME': selected on the next frame
  bool settled_ = false;
  int redrawFrames_ = 3;
  double lastSessionCheckMs_ = 0;  // frames still to draw after the last event or finished work
  bool wasAnimating_ = false;

 public:
  void noteEvent() { redrawFrames_ = 3; }  // called from the GLFW callbacks
  void checkSessionSoon() { lastSessionCheckMs_ = 0; }

 private:  // the UI has been drawn twice (ImGui's layout is stable) since the script began
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
