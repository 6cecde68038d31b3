#include "Application.h"

#include <GL/glew.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <unistd.h>

#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "ClippedText.h"
#include "Panels.h"
#include "SessionChanges.h"
#include "ShownSeries.h"
#include "ViewDrawing.h"
#include "WindowGone.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/DisplayImage.h"
#include "annulo/render/CineClock.h"
#include "annulo/render/Measurement.h"
#include "annulo/study/StudyFolders.h"

namespace annulo::app {
namespace {

constexpr float kBottomHeight = 78;
constexpr float kMinPanel = 240, kMaxPanel = 640;

}  // namespace

Application::Application(LaunchOptions options) : options_(std::move(options)) {}

Application::~Application() {
  // Running work would hold shutdown until done: cancel every job and wait for it
  // (before the study they read goes with state_).
  processing_.stopAll();
  state_.exporting.stop();
  state_.opening.stop();
  state_.pacs.stopAll();
  state_.pacsBrowser.stopAll();
  state_.outbox.stopAll();
  for (auto& v : views_) v.reset();  // GL objects go while the context lives
  volume_.reset();
  progressive_.reset();
  thumbnails_.reset();
  for (auto& c : compare_) c.reset();
  if (window_) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
  }
  glfwTerminate();
}

namespace {

// Every input or window event asks for a few redraws; ImGui's GLFW backend calls these
// after its own handling (it chains callbacks installed before it).
Application* appOf(GLFWwindow* w) { return static_cast<Application*>(glfwGetWindowUserPointer(w)); }
void onEvent(GLFWwindow* w) {
  if (Application* a = appOf(w)) a->noteEvent();
}

}  // namespace

void Application::installEventHooks() {
  glfwSetWindowUserPointer(window_, this);
  glfwSetCursorPosCallback(window_, [](GLFWwindow* w, double, double) { onEvent(w); });
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int, int, int) { onEvent(w); });
  glfwSetScrollCallback(window_, [](GLFWwindow* w, double, double) { onEvent(w); });
  glfwSetKeyCallback(window_, [](GLFWwindow* w, int, int, int, int) { onEvent(w); });
  glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned int) { onEvent(w); });
  glfwSetWindowFocusCallback(window_, [](GLFWwindow* w, int focused) {
    onEvent(w);
    if (Application* a = appOf(w); a && focused) a->checkSessionSoon();
  });
  glfwSetCursorEnterCallback(window_, [](GLFWwindow* w, int) { onEvent(w); });
  glfwSetWindowSizeCallback(window_, [](GLFWwindow* w, int, int) { onEvent(w); });
  glfwSetWindowRefreshCallback(window_, [](GLFWwindow* w) { onEvent(w); });
}

bool Application::initWindow(bool visible) {
  if (!glfwInit()) return false;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  window_ = glfwCreateWindow(options_.width, options_.height, "Annulo", nullptr, nullptr);
  if (!window_) return false;
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(visible ? 1 : 0);
  glewExperimental = GL_TRUE;
  if (glewInit() != GLEW_OK) return false;
  glGetError();  // GLEW leaves GL_INVALID_ENUM behind on core profiles
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout is computed, not persisted
  applyTheme();
  installEventHooks();
  ImGui_ImplGlfw_InitForOpenGL(window_, true);  // chains the hooks installed above
  // Drag and drop of a file or folder from the desktop opens it.
  glfwSetDropCallback(window_, [](GLFWwindow* w, int count, const char** paths) {
    auto* app = static_cast<Application*>(glfwGetWindowUserPointer(w));
    if (count > 0 && app) app->open(paths[0]);
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
  for (auto& v : views_) v = std::make_unique<SliceRenderer>();
  volume_ = std::make_unique<VolumeView>();
  progressive_ = std::make_unique<ProgressiveView>();
  discView_ = std::make_unique<DiscPlaneView>();
  thumbnails_ = std::make_unique<Thumbnails>();
  for (auto& c : compare_) c = std::make_unique<SliceRenderer>();
  return true;
}

void Application::open(const std::string& path) { startOpen(state_, path); }

// The right panel by task, the primary action of each at the top of its tab: segment
// (processing), tears, measure, report (reader, export, send).
void Application::drawTaskTabs() {
  if (!ImGui::BeginTabBar("tasks")) return;
  const Series* s = state_.series();
  const bool cine = s && s->multiFrame && s->sliceCount() > 1;
  auto flags = [this](const char* name) {
    const bool pick = requestedTab_ == name;
    return pick ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
  };
  if (ImGui::BeginTabItem(cine ? "Segment" : "Process", nullptr, flags("segment"))) {
    drawProcessingPanel(state_, processing_);
    if (!s) ImGui::TextWrapped("Open a study to segment the leak or search high-intensity zones.");
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Tears", nullptr, flags("tears"))) {
    drawTearPanel(state_);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Measure", nullptr, flags("measure"))) {
    drawMeasurePanel(state_);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Provocation", nullptr, flags("provocation"))) {
    drawProvocationPanel(state_, provocation_);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Report", nullptr, flags("report"))) {
    drawReportPanel(state_);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Teach", nullptr, flags("teach"))) {
    drawTeachingPanel(state_);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
  requestedTab_.clear();
}

// Worker results, polled once per frame; never blocks.
void Application::pollWork(double now) {
  if (pollOpen(state_, [this] { processing_.stopAll(); })) {
    thumbnails_->build(state_.study->loaded());
    progressive_->handOver(state_, now);  // the frame shown while loading, and its playback, go on
  }
  if (!state_.opening.running()) state_.preview.reset();
  pollProcessing(state_, processing_);
  pollExport(state_);
  pollTeaching(state_);
}

void Application::handleKeys(double now) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  const Series* s = state_.series();
  // ImGui 1.86 indexes keys by the backend's (GLFW) key codes.
  auto pressed = [](int k) { return ImGui::IsKeyPressed(k); };
  if (pressed(GLFW_KEY_F1)) state_.showHelp = !state_.showHelp;
  if (io.KeyCtrl && pressed(GLFW_KEY_Q)) glfwSetWindowShouldClose(window_, GLFW_TRUE);
  if (pressed(GLFW_KEY_1)) state_.layout = Layout::View2D;
  if (pressed(GLFW_KEY_2)) state_.layout = Layout::Mpr;
  if (pressed(GLFW_KEY_3)) state_.layout = Layout::View3D;
  if (pressed(GLFW_KEY_4)) state_.layout = Layout::DiscPlane;
  if (!s) return;
  const int n = int(s->sliceCount());
  if (pressed(GLFW_KEY_SPACE)) {
    state_.cine.playing = !state_.cine.playing;
    state_.cine.startedAtMs = now;
    state_.cine.startOffsetMs = s->slices[std::size_t(state_.frame)].timeMs;
  }
  const bool arrowsTurnThePlane = state_.layout == Layout::DiscPlane;  // DiscPlaneView takes them
  if (!arrowsTurnThePlane && (pressed(GLFW_KEY_RIGHT) || pressed(GLFW_KEY_DOWN)))
    state_.frame = std::min(n - 1, state_.frame + 1);
  if (!arrowsTurnThePlane && (pressed(GLFW_KEY_LEFT) || pressed(GLFW_KEY_UP)))
    state_.frame = std::max(0, state_.frame - 1);
  if (pressed(GLFW_KEY_R)) {
    state_.view = ViewState{};
    state_.window = defaultWindow(*s);
  }
  if (pressed(GLFW_KEY_H)) state_.view.flipH = !state_.view.flipH;
  if (pressed(GLFW_KEY_V)) state_.view.flipV = !state_.view.flipV;
  if (pressed(GLFW_KEY_T)) state_.view.rotate90 = (state_.view.rotate90 + 1) % 4;
  if (state_.model()) {
    if (pressed(GLFW_KEY_P)) state_.tool.start(TearTool::Mode::Point);
    if (pressed(GLFW_KEY_L)) state_.tool.start(TearTool::Mode::Polyline);
    if (pressed(GLFW_KEY_G)) state_.tool.start(TearTool::Mode::Polygon);
    if (pressed(GLFW_KEY_D)) state_.measure.start(MeasureKind::Distance);
    if (pressed(GLFW_KEY_A)) state_.measure.start(MeasureKind::Angle);
    if (pressed(GLFW_KEY_C) && !state_.selectedTear.empty()) state_.measure.start(MeasureKind::Catheter);
    if (io.KeyCtrl && pressed(GLFW_KEY_Z)) state_.message = state_.model()->undo().message();
    if (io.KeyCtrl && pressed(GLFW_KEY_Y)) state_.message = state_.model()->redo().message();
  }
  if (pressed(GLFW_KEY_ESCAPE)) {
    state_.tool.cancel();
    state_.measure.cancel();
  }
}

void Application::frame(double now) {
  orientation_ = {};  // each view drawn this frame fills its own
  pollWork(now);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (simulatedMouse_) {  // after the backend, which would overwrite it from the real cursor
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((*simulatedMouse_)[0], (*simulatedMouse_)[1]);
    io.MouseDown[0] = simulatedDown_;
  }
  ImGui::NewFrame();
  handleKeys(now);
  if (ImGui::IsKeyPressed(GLFW_KEY_ENTER) && !ImGui::GetIO().WantTextInput) {
    if (processing_.pick == Pick::DiscOutline) processing_.pick = Pick::None;
    if (auto shape = state_.tool.finish()) commitShape(state_, *shape);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_I) && !ImGui::GetIO().WantTextInput) processing_.pick = Pick::Injection;

  const ImVec2 size = ImGui::GetIO().DisplaySize;
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings;
  // The side panels resize by their inner edge; the widths are remembered.
  const ImGuiWindowFlags side =
      ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  float& leftW = state_.settings.leftWidth;
  float& rightW = state_.settings.rightWidth;
  leftW = std::clamp(leftW, kMinPanel, std::min(kMaxPanel, size.x * 0.35f));
  rightW = std::clamp(rightW, kMinPanel, std::min(kMaxPanel, size.x * 0.4f));
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(leftW, size.y - kBottomHeight));
  ImGui::Begin("Study", nullptr, side);
  const float newLeft = ImGui::GetWindowWidth();
  drawStudyPanel(state_, *thumbnails_);
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(size.x - rightW, 0));
  ImGui::SetNextWindowSize(ImVec2(rightW, size.y - kBottomHeight));
  ImGui::Begin("Tasks", nullptr, side | ImGuiWindowFlags_NoTitleBar);
  const float newRight = ImGui::GetWindowWidth();
  drawTaskTabs();
  ImGui::End();
  if (newLeft != leftW || newRight != rightW) {
    leftW = newLeft;
    rightW = newRight;
    state_.settingsChanged = true;
  }
  if (state_.settingsChanged && !ImGui::IsMouseDown(ImGuiMouseButton_Left) && !options_.headless) {
    if (Status s = saveViewerSettings(state_.settings); !s) state_.message = s.message();
    state_.settingsChanged = false;
  }

  ImGui::SetNextWindowPos(ImVec2(leftW, 0));
  ImGui::SetNextWindowSize(ImVec2(size.x - leftW - rightW, size.y - kBottomHeight));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(2, 2));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 255));
  ImGui::Begin("View", nullptr, fixed | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoTitleBar);
  drawViews(now);
  ImGui::End();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();

  ImGui::SetNextWindowPos(ImVec2(0, size.y - kBottomHeight));
  ImGui::SetNextWindowSize(ImVec2(size.x, kBottomHeight));
  ImGui::Begin("Cine", nullptr, fixed | ImGuiWindowFlags_NoTitleBar);
  drawCineBar(state_, now);
  drawStatusBar(state_);
  ImGui::End();
  drawHelp(state_);
  drawSessionConflicts(state_);
  drawCompare();

  ImGui::Render();
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window_, &fw, &fh);
  glViewport(0, 0, fw, fh);
  glClearColor(0, 0, 0, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Application::renderFrame() {
  frame(nowMs());
  glfwSwapBuffers(window_);
}

// Drives ImGui's mouse state directly: the same path a real click takes.
void Application::click(float x, float y) {
  simulatedMouse_ = std::array<float, 2>{x, y};
  for (bool down : {false, true, false}) {
    simulatedDown_ = down;
    renderFrame();
  }
  simulatedMouse_.reset();
}

// A press, a move in `steps` frames and a release, through ImGui's mouse state.
void Application::drag(float x0, float y0, float x1, float y1, int steps) {
  simulatedMouse_ = std::array<float, 2>{x0, y0};
  simulatedDown_ = false;
  renderFrame();
  simulatedDown_ = true;
  renderFrame();
  for (int i = 1; i <= steps; ++i) {
    const float t = float(i) / float(steps);
    simulatedMouse_ = std::array<float, 2>{x0 + (x1 - x0) * t, y0 + (y1 - y0) * t};
    renderFrame();
  }
  simulatedDown_ = false;
  renderFrame();
  simulatedMouse_.reset();
}

// A shape whose clicks have all been given becomes a tear (Enter in the UI).
void Application::finishShape() {
  if (auto shape = state_.tool.finish()) commitShape(state_, *shape);
}

// A few frames let ImGui settle its layout before the first click or picture.
void Application::settle() {
  if (settled_) return;
  settled_ = true;
  for (int i = 0; i < 2; ++i) {
    renderFrame();
    if (i == 0) {
      glFinish();
      firstImageMs_ = nowMs() - options_.startedAtMs;
    }
  }
}

// What the screenshot shows and where, for tests and teaching scripts: JSON built
// with nlohmann, so descriptions and paths from the files are always escaped.
void Application::writeSidecar(const std::string& path) const {
  using nlohmann::json;
  const Series* s = state_.series();
  json j = {{"view", {{"x", viewX_}, {"y", viewY_}, {"width", viewW_}, {"height", viewH_}}},
            {"image",
             {{"columns", viewGeometry_.imageWidth},
              {"rows", viewGeometry_.imageHeight},
              {"pixel_aspect", viewGeometry_.pixelAspect}}},
            {"zoom", state_.view.zoom},
            {"pan", {state_.view.panX, state_.view.panY}},
            {"series_uid", s ? s->series.instanceUid : ""},
            {"description", s ? s->series.description : ""},
            {"frame", state_.frame + 1},
            {"session", state_.study ? state_.study->sessionPath() : ""},
            {"tears", state_.model() ? state_.model()->tears().size() : std::size_t(0)},
            {"tear_list", json::array()},
            {"conflicts", json::array()},
            {"reports", json::array()}};
  if (state_.study)
    for (const FoundReport& r : state_.study->reports())
      j["reports"].push_back({{"file", std::filesystem::path(r.path).filename().string()},
                              {"tears", r.report ? r.report->tears.size() : std::size_t(0)},
                              {"error", r.error.empty() ? json(nullptr) : json(true)}});
  if (const AnnotationModel* m = state_.model()) {  // who wrote what: the session as the viewer holds it
    for (const auto& t : m->tears())
      j["tear_list"].push_back({{"id", t.id},
                                {"grade", t.grade},
                                {"comment", t.comment},
                                {"level", t.level},
                                {"point3d", t.geometry.kind == GeometryKind::Point3D && !t.geometry.points.empty()
                                                ? json(t.geometry.points.front())
                                                : json(nullptr)},
                                {"created_by", t.createdBy},
                                {"modified_by", t.modifiedBy}});
    for (const auto& c : m->conflicts()) j["conflicts"].push_back(c.id);
  }
  j["orientation"] = json::array();
  for (const auto& v : orientation_) j["orientation"].push_back(v);
  j["layout"] = state_.layout == Layout::View2D   ? "2d"
                : state_.layout == Layout::Mpr    ? "mpr"
                : state_.layout == Layout::View3D ? "3d"
                                                  : "disc";
  if (state_.layout == Layout::DiscPlane) j["disc_plane"] = discView_->sidecar(state_);
  j["load_error"] = state_.loadError;
  j["teaching"] = {{"message", state_.teaching.message},      {"warnings", state_.teaching.warnings},
                   {"index", state_.teaching.indexHtml},      {"deid", state_.teaching.deidMessage},
                   {"deid_notes", state_.teaching.deidNotes}, {"blanks", json::array()}};
  for (const auto& b : state_.teaching.blanks) j["teaching"]["blanks"].push_back({b.x, b.y, b.width, b.height});
  j["provocation"] = provocationSidecar(provocation_);
  j["segmentations"] = json::array();
  for (const AdoptedSegmentation& a : state_.segmentations) {
    json segments = json::array();
    for (const SegmentInfo& s : a.segments) segments.push_back({{"number", s.number}, {"label", s.label}});
    j["segmentations"].push_back({{"file", std::filesystem::path(a.file).filename().string()},
                                  {"series_uid", a.seriesInstanceUid},
                                  {"segments", segments},
                                  {"error", a.error}});
  }
  const OutboxCounts box = countOutbox(state_.outbox);
  j["outbox"] = {{"pending", box.pending}, {"failed", box.failed}, {"sent", box.sent}};
  j["series_count"] = state_.study ? state_.study->seriesCount() : 0;
  // Text cut by its window's edge: the GUI tests require none.
  j["clipped_text"] = json::array();
  for (const ClippedText& c : clippedText_)
    j["clipped_text"].push_back({{"window", c.window}, {"x", c.x}, {"y", c.y}, {"text", c.text}});
  if (state_.layout == Layout::Mpr) j.update(mprSidecar());  // reformats: planes, grids, handles
  if (state_.layout == Layout::View3D) {
    // Where the 3D view drew each tear and label surface (window pixels), what the surfaces
    // hold, and the camera, so a test can project points itself.
    j["scene"] = json::array();
    for (const auto& p : scenePoints_)
      j["scene"].push_back({{"kind", p.kind}, {"name", p.name}, {"x", p.x}, {"y", p.y}});
    j["surfaces"] = json::array();
    for (const auto& i : volume_->labelSurfaces())
      j["surfaces"].push_back({{"label", i.label}, {"voxels", i.voxels}, {"triangles", i.triangles}});
    j["surface_build_ms"] = volume_->lastSurfaceBuildMs();
    j["time_stack"] = volume_->timeStack();
    j["scene_spacing"] = volume_->sceneSpacing();
    j["world_to_ndc"] = volume_->worldToNdc();
  }
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) std::cerr << "annulo: cannot write " << path << "\n";
}

bool Application::writeScreenshot(const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  DisplayImage img;
  img.width = w;
  img.height = h;
  img.channels = 3;
  std::vector<std::uint8_t> raw(std::size_t(w) * std::size_t(h) * 3);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, raw.data());
  img.pixels.resize(raw.size());
  const std::size_t row = std::size_t(w) * 3;
  for (int y = 0; y < h; ++y)  // GL rows run bottom-up
    std::copy_n(raw.data() + std::size_t(h - 1 - y) * row, row, img.pixels.data() + std::size_t(y) * row);
  Status s = writePng(img, path);
  if (!s) std::cerr << "annulo: " << s.message() << "\n";
  return bool(s);
}

// What a study step changed, into the view: the series shown, its frame, HIZ candidates.
void Application::syncFromScript(const ScriptContext& c, const ScriptStep& step) {
  if (step.name == "reader") state_.settings.reader = c.reader;
  if (step.name == "session-folder") state_.settings.sessionFolder = c.studyOptions.sessionFolder;
  if (!state_.study) return;
  if (step.name == "retrieve") {
    (void)rememberRecent(state_.study->path());
    state_.recent = loadRecent();
    state_.segmentations = adoptSegmentations(*state_.study);
    thumbnails_->build(state_.study->loaded());
    state_.seriesIndex = -1;
  }
  if (c.seriesIndex != state_.seriesIndex) selectSeries(state_, c.seriesIndex);
  if (c.frame >= 0) state_.frame = c.frame;
  if (step.name == "hiz") {
    processing_.hiz = c.hiz;
    processing_.hizSeries = state_.study->seriesAt(c.hizSeries);
    if (!c.hiz.empty()) {  // the strongest candidate in the MPR crosshair, as the panel's search does
      state_.crossColumn = int(std::lround(c.hiz.front().pixel[0]));
      state_.crossRow = int(std::lround(c.hiz.front().pixel[1]));
    }
  }
  if (step.name == "segment") processing_.shownSeries = nullptr;  // the pick state follows the new result
  if (step.name == "export") state_.exportedFiles = c.exported.files();
  pollProcessing(state_, processing_);
}

Status Application::runViewStep(const ScriptStep& step, int& exitCode) {
  const std::string& n = step.name;
  const std::string& v = step.value;
  if (n == "size") return {};  // taken when the window was made
  if (n == "layout") {
    if (v == "2d")
      state_.layout = Layout::View2D;
    else if (v == "mpr")
      state_.layout = Layout::Mpr;
    else if (v == "3d")
      state_.layout = Layout::View3D;
    else if (v == "disc")
      state_.layout = Layout::DiscPlane;
    else
      return makeError("layout is 2d, mpr, 3d or disc, not '" + v + "'");
  } else if (n == "disc-plane") {
    return discView_->place(state_, v);
  } else if (n == "disc-rotate") {
    double a = 0, b = 0;
    if (std::sscanf(v.c_str(), "%lf,%lf", &a, &b) != 2)
      return makeError("disc-rotate takes ABOUT_LEFT,ABOUT_BACK (deg)");
    return discView_->rotate(state_, a, b);
  } else if (n == "disc-mark") {
    if (v != "on" && v != "off") return makeError("disc-mark is on or off, not '" + v + "'");
    discView_->setTearMode(v == "on");
  } else if (n == "disc-reset") {
    return discView_->reset(state_);
  } else if (n == "labels-3d") {
    if (v == "surface")
      labelDisplay_ = LabelDisplay::Surface;
    else if (v == "overlay")
      labelDisplay_ = LabelDisplay::Overlay;
    else if (v == "off")
      labelDisplay_ = LabelDisplay::Off;
    else
      return makeError("labels-3d is surface, overlay or off, not '" + v + "'");
  } else if (n == "compare") {
    state_.compareLevel = v;
  } else if (n == "tab") {
    if (v != "segment" && v != "tears" && v != "measure" && v != "report" && v != "teach" && v != "provocation" &&
        v != "outbox" && v != "pacs")
      return makeError("tab is segment, tears, measure, provocation, report, teach, outbox or pacs, not '" + v + "'");
    if (v == "pacs") state_.pacsBrowser.open = true;  // the study panel's PACS section
    if (v == "outbox") state_.outbox.open = true;     // the Report tab's Outbox view
    if (v != "pacs") requestedTab_ = v == "outbox" ? "report" : v;
  } else if (n == "tool") {
    settle();
    if (v == "point")
      state_.tool.start(TearTool::Mode::Point);
    else if (v == "polyline")
      state_.tool.start(TearTool::Mode::Polyline);
    else if (v == "polygon")
      state_.tool.start(TearTool::Mode::Polygon);
    else if (v == "blank")  // the Teach tab's blanking rectangle: two clicks
      state_.teaching.blankTool = true, state_.teaching.corner.reset();
    else
      return makeError("tool is point, polyline, polygon or blank, not '" + v + "'");
  } else if (n == "click") {
    float x = 0, y = 0;
    if (std::sscanf(v.c_str(), "%f,%f", &x, &y) != 2) return makeError("click takes X,Y (window pixels)");
    settle();
    click(x, y);
  } else if (n == "drag") {
    // "drag X1,Y1 X2,Y2 [STEPS]": press at the first point, move to the second, release.
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int steps = 10;
    if (std::sscanf(v.c_str(), "%f,%f %f,%f %d", &x0, &y0, &x1, &y1, &steps) < 4)
      return makeError("drag takes X1,Y1 X2,Y2 [STEPS] (window pixels)");
    settle();
    drag(x0, y0, x1, y1, std::max(1, steps));
  } else if (n == "mpr-slab") {
    // "mpr-slab mip|mean MM" or "mpr-slab off": the thick slab of the MPR reformats.
    char mode[16] = {};
    double mm = 0;
    if (v == "off") {
      state_.mprSlabMm = 0;
    } else if (std::sscanf(v.c_str(), "%15s %lf", mode, &mm) == 2 &&
               (std::string(mode) == "mip" || std::string(mode) == "mean") && mm >= 0) {
      state_.mprSlabMip = std::string(mode) == "mip";
      state_.mprSlabMm = mm;
    } else {
      return makeError("mpr-slab takes mip MM, mean MM or off");
    }
  } else if (n == "mpr-reset") {
    state_.mprPlanes.reset();
  } else if (n == "screenshot") {
    settle();
    refreshOutbox(state_.outbox);  // the outbox as on disk now (a send step may just have changed it)
    frame(nowMs());
    clippedText_ = findClippedText(ImGui::GetDrawData());
    const bool ok = writeScreenshot(v);
    glfwSwapBuffers(window_);
    writeSidecar(v + ".json");
    if (!ok) return makeError("cannot write the screenshot " + v);
  } else if (n == "first-frame") {
    firstFrameShot_ = v;  // see openAsTheUserWould
  } else if (n == "bench") {
    settle();
    exitCode = runBenchmark(v);
  } else if (isTeachingStep(n)) {
    settle();
    return runTeachingStep(state_, n, v);
  }
  return {};
}

// The path the Open button takes (background job, then pollOpen): a failed open keeps
// the study that is open and says why.
Status Application::openAsTheUserWould(const ScriptStep& step) {
  const bool timed = !firstFrameShot_.empty();
  if (timed) settle();  // the window is up and laid out before the file is chosen
  const double openedAt = nowMs();
  startOpen(state_, step.value);
  if (timed) takeFirstFrameShot(openedAt);
  while (state_.opening.running() && !pollOpen(state_, [this] { processing_.stopAll(); }))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (timed) std::printf("load finished after %.0f ms\n", nowMs() - openedAt);
  if (!state_.loadError.empty())
    return makeError("script line " + std::to_string(step.line) + " (open): " + state_.loadError);
  thumbnails_->build(state_.study->loaded());
  std::cout << "opened " << state_.study->path() << ": " << state_.study->series().size() << " series\n";
  return {};
}

// Draws frames as the interactive loop does while the open runs (loopOnce), until the first
// decoded frame is on screen; then writes it (PNG + sidecar) and says when it came.
void Application::takeFirstFrameShot(double openedAt) {
  // "OUT.png play": then press Play on the preview and keep drawing until the load ends.
  std::string path = firstFrameShot_;
  const bool play = path.size() > 5 && path.compare(path.size() - 5, 5, " play") == 0;
  if (play) path.resize(path.size() - 5);
  firstFrameShot_.clear();
  while (state_.opening.running() && !progressive_->shown()) {
    frame(nowMs());
    if (progressive_->shown()) break;
    glfwSwapBuffers(window_);
    glfwWaitEventsTimeout(0.05);  // as the interactive loop while loading: the first frame wakes it
  }
  if (!progressive_->shown() || !state_.preview) {
    std::cerr << "annulo: first-frame: the load ended before a frame was shown\n";
    return;
  }
  glFinish();
  const double ms = nowMs() - openedAt;
  using nlohmann::json;
  json j = progressive_->describe(*state_.preview);  // the count of decoded frames now, before the file is written
  j["first_frame_ms"] = ms;
  j["decoded_when_drawn"] = progressive_->decodedWhenFirstShown();
  j["loading"]["running"] = state_.opening.running();
  std::printf("first frame on screen after %.0f ms (frame %zu; %zu of %zu frames decoded when it was drawn)\n", ms,
              progressive_->shownSlice() + 1, progressive_->decodedWhenFirstShown(), state_.preview->total());
  std::fflush(stdout);
  if (!play) {
    const bool ok = writeScreenshot(path);
    glfwSwapBuffers(window_);
    std::ofstream(path + ".json") << j.dump(2) << "\n";
    if (!ok) std::cerr << "annulo: cannot write " << path << "\n";
    return;
  }
  // Play at once (writing the PNG could outlast a short load): no picture in this mode.
  glfwSwapBuffers(window_);
  progressive_->play(nowMs());
  while (state_.opening.running()) {  // cine playback over the decoded frames, as the user sees it
    frame(nowMs());
    glfwSwapBuffers(window_);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::printf("preview showed %zu frames while loading:", progressive_->shownSlices().size());
  for (std::size_t k : progressive_->shownSlices()) std::printf(" %zu", k + 1);
  std::printf("\nafter the load: frame %d, %s\n", state_.frame + 1, state_.cine.playing ? "playing" : "stopped");
}

int Application::runScript() {
  ScriptContext context(state_.study);
  int exitCode = 0;
  std::size_t logged = 0;
  for (const ScriptStep& step : options_.script) {
    if (step.name != "click") finishShape();
    Status s;
    if (step.name == "open") {
      s = openAsTheUserWould(step);
      context.seriesIndex = state_.seriesIndex;
      context.frame = -1;
    } else if (isStudyStep(step.name)) {
      if (step.name == "retrieve") {
        processing_.stopAll();  // they read the study that goes
        state_.exporting.stop();
      }
      s = runStudyStep(context, step);
      for (; logged < context.log.size(); ++logged) std::cout << context.log[logged] << "\n";
      syncFromScript(context, step);
    } else {
      s = runViewStep(step, exitCode);
    }
    if (!s) {
      std::cerr << "annulo: " << s.message() << "\n";
      if (step.name == "retrieve") state_.loadError = s.message();
      exitCode = 1;
    }
    if (step.name == "bench") return exitCode;
  }
  finishShape();
  return exitCode;
}

int Application::run() {
  if (!initWindow(!options_.headless)) {
    std::cerr << "annulo: cannot open an OpenGL 3.3 window"
              << (std::getenv("DISPLAY") ? "" : " (no X display: DISPLAY is not set; run under xvfb-run -a)") << "\n";
    return 1;
  }
  state_.recent = loadRecent();
  state_.settings = loadViewerSettings();
  state_.draft.observer = state_.settings.reader;
  // What earlier sends left in the outbox goes now (on a worker; a script waits for it,
  // so its own sends never meet an item being retried).
  tickOutbox(state_.outbox, nowMs());
  if (!options_.script.empty()) waitForOutboxRetry(state_.outbox);
  // A plain `annulo PATH` opens in the background: the window is there at once.
  const bool justOpen = options_.script.size() == 1 && options_.script[0].name == "open" && !options_.headless;
  if (justOpen)
    startOpen(state_, options_.script[0].value);
  else if (!options_.script.empty()) {
    const int code = runScript();
    if (options_.headless) return code;
  }
  while (!glfwWindowShouldClose(window_) && !windowWasLost()) loopOnce();
  if (windowWasLost()) std::cerr << "annulo: the window was closed from outside; every edit was already saved\n";
  return 0;
}

bool Application::animating(bool countOpening) const {
  return state_.cine.playing || (countOpening && state_.opening.running()) ||
         (state_.opening.running() && progressive_->playing()) || state_.exporting.running() ||
         processing_.leakJob.running() || processing_.hizJob.running() || processing_.filterJob.running() ||
         state_.pacs.echoJob.running() || state_.pacs.sendJob.running() || state_.pacsBrowser.findJob.running() ||
         state_.pacsBrowser.getJob.running() || state_.outbox.retryJob.running() ||
         ImGui::IsMouseDown(ImGuiMouseButton_Left) || ImGui::IsMouseDown(ImGuiMouseButton_Right) ||
         ImGui::IsMouseDown(ImGuiMouseButton_Middle) || state_.teaching.job.running() ||
         state_.teaching.deidJob.running();
}

void Application::loopOnce() {
  watchForLostWindow();
  // What other writers (a script, a colleague, a second window) saved to this study's
  // session: checked about every 2 s and when the window regains focus.
  if (state_.study && nowMs() - lastSessionCheckMs_ > 2000) {
    lastSessionCheckMs_ = nowMs();
    if (state_.study->refreshSession()) {
      state_.message = "session updated from disk";
      if (const auto* m = state_.model(); m && !describeMerge(*m).empty()) state_.message += ": " + describeMerge(*m);
      noteEvent();
    }
  }
  if (tickOutbox(state_.outbox, nowMs())) noteEvent();  // start-up and 30 s retries, list re-read
  const bool busy = animating();
  if (wasAnimating_ && !busy) noteEvent();  // work just finished: show its result
  wasAnimating_ = busy;
  if (busy && state_.opening.running() && !animating(false)) {
    // Only loading: the bar and the decoded frames at ~20 Hz leave the cores to the
    // decoders; the first frame wakes the loop at once (LoadPreview's wake).
    glfwWaitEventsTimeout(0.05);
  } else if (busy || redrawFrames_ > 0) {
    glfwPollEvents();
  } else {
    // Nothing moves: sleep until an event (or a second, to stay responsive to a
    // system that forgot to send one). Idle costs well under 1 % of a core.
    glfwWaitEventsTimeout(1.0);
    if (redrawFrames_ == 0) return;
  }
  if (!busy) --redrawFrames_;
  // The window went while we waited for events (its size then reads as -1).
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  if (windowWasLost() || w <= 0 || h <= 0) return;
  frame(nowMs());
  glfwSwapBuffers(window_);
}

}  // namespace annulo::app
