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

#include "LabelMapFile.h"
#include "Panels.h"
#include "ViewDrawing.h"
#include "annulo/dicom/DisplayImage.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/render/CineClock.h"
#include "annulo/render/Measurement.h"

namespace annulo::app {
namespace {

constexpr float kLeftWidth = 300, kRightWidth = 340, kBottomHeight = 78;

}  // namespace


Application::Application(LaunchOptions options) : options_(std::move(options)), labelDisplay_(options_.labels3d) {}

Application::~Application() {
  // Running work would hold shutdown until done: ask it to stop (futures wait for it).
  if (processing_.cancelLeak) *processing_.cancelLeak = true;
  if (processing_.cancelFilter) *processing_.cancelFilter = true;
  if (processing_.cancelHiz) *processing_.cancelHiz = true;
  if (state_.pacs.cancel) *state_.pacs.cancel = true;
  if (state_.pacsBrowser.cancel) *state_.pacsBrowser.cancel = true;
  for (auto& v : views_) v.reset();  // GL objects go while the context lives
  volume_.reset();
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
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  // Drag and drop of a file or folder from the desktop opens it.
  glfwSetWindowUserPointer(window_, this);
  glfwSetDropCallback(window_, [](GLFWwindow* w, int count, const char** paths) {
    auto* app = static_cast<Application*>(glfwGetWindowUserPointer(w));
    if (count > 0 && app) app->open(paths[0]);
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
  for (auto& v : views_) v = std::make_unique<SliceRenderer>();
  volume_ = std::make_unique<VolumeView>();
  thumbnails_ = std::make_unique<Thumbnails>();
  for (auto& c : compare_) c = std::make_unique<SliceRenderer>();
  return true;
}

void Application::open(const std::string& path) {
  state_.pathInput = path;
  loader_.start(path);
}

void Application::pollLoader() {
  auto done = loader_.take();
  if (!done) return;
  // Worker threads read the current study's series: let them finish before it goes.
  if (processing_.leakTask.valid()) processing_.leakTask.wait();
  if (processing_.hizTask.valid()) processing_.hizTask.wait();
  if (processing_.filterTask.valid()) processing_.filterTask.wait();
  pollProcessing(state_, processing_);
  if (!done->load.ok()) {
    state_.loadError = done->load.message();
    return;
  }
  adoptStudy(state_, std::move(done->load.value()), loader_.path());
  state_.reports = std::move(done->reports);
  thumbnails_->build(*state_.study);
  if (state_.study->series.empty()) state_.loadError = "no usable image series in " + loader_.path();
}

void Application::handleKeys(double now) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  const Series* s = state_.series();
  // ImGui 1.86 indexes keys by the backend's (GLFW) key codes.
  auto pressed = [](int k) { return ImGui::IsKeyPressed(k); };
  if (pressed(GLFW_KEY_F1)) state_.showHelp = !state_.showHelp;
  if (pressed(GLFW_KEY_1)) state_.layout = Layout::View2D;
  if (pressed(GLFW_KEY_2)) state_.layout = Layout::Mpr;
  if (pressed(GLFW_KEY_3)) state_.layout = Layout::View3D;
  if (!s) return;
  const int n = int(s->sliceCount());
  if (pressed(GLFW_KEY_SPACE)) {
    state_.cine.playing = !state_.cine.playing;
    state_.cine.startedAtMs = now;
    state_.cine.startOffsetMs = s->slices[std::size_t(state_.frame)].timeMs;
  }
  if (pressed(GLFW_KEY_RIGHT) || pressed(GLFW_KEY_DOWN)) state_.frame = std::min(n - 1, state_.frame + 1);
  if (pressed(GLFW_KEY_LEFT) || pressed(GLFW_KEY_UP)) state_.frame = std::max(0, state_.frame - 1);
  if (pressed(GLFW_KEY_R)) {
    state_.view = ViewState{};
    state_.window = defaultWindow(*s);
  }
  if (pressed(GLFW_KEY_H)) state_.view.flipH = !state_.view.flipH;
  if (pressed(GLFW_KEY_V)) state_.view.flipV = !state_.view.flipV;
  if (pressed(GLFW_KEY_T)) state_.view.rotate90 = (state_.view.rotate90 + 1) % 4;
  if (state_.model) {
    if (pressed(GLFW_KEY_P)) state_.tool.start(TearTool::Mode::Point);
    if (pressed(GLFW_KEY_L)) state_.tool.start(TearTool::Mode::Polyline);
    if (pressed(GLFW_KEY_G)) state_.tool.start(TearTool::Mode::Polygon);
    if (pressed(GLFW_KEY_D)) state_.measure.start(MeasureKind::Distance);
    if (pressed(GLFW_KEY_A)) state_.measure.start(MeasureKind::Angle);
    if (pressed(GLFW_KEY_C) && !state_.selectedTear.empty()) state_.measure.start(MeasureKind::Catheter);
    if (io.KeyCtrl && pressed(GLFW_KEY_Z)) state_.message = state_.model->undo().message();
    if (io.KeyCtrl && pressed(GLFW_KEY_Y)) state_.message = state_.model->redo().message();
  }
  if (pressed(GLFW_KEY_ESCAPE)) {
    state_.tool.cancel();
    state_.measure.cancel();
  }
}

void Application::frame(double now) {
  pollLoader();
  pollProcessing(state_, processing_);
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
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(kLeftWidth, size.y - kBottomHeight));
  ImGui::Begin("Study", nullptr, fixed);
  drawStudyPanel(state_, loader_, *thumbnails_);
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(size.x - kRightWidth, 0));
  ImGui::SetNextWindowSize(ImVec2(kRightWidth, size.y - kBottomHeight));
  ImGui::Begin("Tears", nullptr, fixed);
  drawProcessingPanel(state_, processing_);
  drawTearPanel(state_);
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(kLeftWidth, 0));
  ImGui::SetNextWindowSize(ImVec2(size.x - kLeftWidth - kRightWidth, size.y - kBottomHeight));
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
  drawCompare();

  ImGui::Render();
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window_, &fw, &fh);
  glViewport(0, 0, fw, fh);
  glClearColor(0, 0, 0, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Application::loadLabels() {
  const Series* s = state_.series();
  if (!s) return;
  auto labels = readLabelMap(options_.labels, s->columns, s->rows, int(s->sliceCount()));
  if (!labels) {
    state_.message = labels.message();
    std::cerr << "annulo: " << labels.message() << "\n";
    return;
  }
  state_.labels = std::move(*labels);
  ++state_.labelsVersion;
}

// Screenshot mode: the processing a teaching script asked for, finished before the picture.
void Application::runRequestedProcessing() {
  const Series* s = state_.series();
  if (!s) return;
  if (options_.segmentAt) {
    processing_.injection = Vec2{(*options_.segmentAt)[0], (*options_.segmentAt)[1]};
    processing_.segmentedSeries = s;
    LeakSegmentationOptions o;
    o.injectionPoint = *options_.segmentAt;
    processing_.leakTask = std::async(std::launch::deferred, [s, o] { return segmentLeak(*s, o); });
  }
  if (!options_.filter.empty()) {
    auto op = parseFilterOp(options_.filter);
    if (!op) {
      processing_.error = op.message();
    } else {
      FilterOptions fo;
      fo.op = *op;
      processing_.filterSource = s;
      processing_.filterTask = std::async(std::launch::deferred, [s, fo] { return applyFilter(*s, fo); });
      processing_.filterTask.wait();
    }
  }
  if (options_.findHiz) {
    processing_.hizSeries = s;
    processing_.hizTask = std::async(std::launch::deferred, [s] { return detectHiz(*s); });
  }
  if (processing_.leakTask.valid()) processing_.leakTask.wait();
  if (processing_.hizTask.valid()) processing_.hizTask.wait();
  pollProcessing(state_, processing_);
  if (!processing_.error.empty()) std::cerr << "annulo: " << processing_.error << "\n";
  if (options_.findHiz && !processing_.hiz.empty() && options_.frame == 0) state_.frame = processing_.hiz.front().slice - 1;
  if (options_.frame > 0 && state_.series())  // a filtered series was selected: keep the frame asked for
    state_.frame = std::min(options_.frame, int(state_.series()->sliceCount())) - 1;
}

void Application::renderFrame() {
  frame(nowMs());
  glfwSwapBuffers(window_);
}

// Drives ImGui's mouse state directly: the same path a real click takes.
void Application::simulateInput() {
  if (options_.tool.empty()) return;
  if (options_.tool == "point") state_.tool.start(TearTool::Mode::Point);
  if (options_.tool == "polyline") state_.tool.start(TearTool::Mode::Polyline);
  if (options_.tool == "polygon") state_.tool.start(TearTool::Mode::Polygon);
  for (const auto& c : options_.clicks) {
    simulatedMouse_ = c;
    for (bool down : {false, true, false}) {
      simulatedDown_ = down;
      renderFrame();
    }
  }
  if (auto shape = state_.tool.finish()) commitShape(state_, *shape);
  simulatedMouse_.reset();
}

// --from-pacs/--study: the study comes into the cache folder the PACS panel uses, then opens from there.
bool Application::retrieveRequestedStudy() {
  auto node = parsePacsNode(options_.fromPacs);
  if (!node) {
    std::cerr << "annulo: --from-pacs: " << node.message() << "\n";
    return false;
  }
  const std::string folder = retrieveFolder(options_.studyUid);
  auto r = retrieveStudy(*node, options_.studyUid, folder);
  if (!r || r->files.empty()) {
    std::cerr << "annulo: retrieve " << options_.studyUid << ": " << (r ? "nothing arrived" : r.message()) << "\n";
    return false;
  }
  std::cout << "retrieved " << r->files.size() << " instance(s) into " << folder << "\n";
  options_.path = folder;
  return true;
}

// Scripted send of what --export wrote (--send-to AET@HOST:PORT), as the panel's Send does.
bool Application::sendExported(const std::vector<std::string>& files) {
  if (options_.sendTo.empty()) return true;
  auto node = parsePacsNode(options_.sendTo);
  if (!node) {
    std::cerr << "annulo: --send-to: " << node.message() << "\n";
    return false;
  }
  auto report = storeFiles(*node, files);
  if (!report) {
    std::cerr << "annulo: send: " << report.message() << "\n";
    return false;
  }
  for (const auto& f : report->files)
    std::cout << "sent " << f.path << ": " << outcomeName(f.outcome) << (f.message.empty() ? "" : " (" + f.message + ")") << "\n";
  return report->ok();
}

// What the screenshot shows and where, for tests and teaching scripts: JSON built
// with nlohmann, so descriptions and paths from the files are always escaped.
void Application::writeSidecar(const std::string& path) const {
  using nlohmann::json;
  const Series* s = state_.series();
  json j = {{"view", {{"x", viewX_}, {"y", viewY_}, {"width", viewW_}, {"height", viewH_}}},
            {"image",
             {{"columns", viewGeometry_.imageWidth}, {"rows", viewGeometry_.imageHeight},
              {"pixel_aspect", viewGeometry_.pixelAspect}}},
            {"zoom", state_.view.zoom},
            {"pan", {state_.view.panX, state_.view.panY}},
            {"series_uid", s ? s->series.instanceUid : ""},
            {"description", s ? s->series.description : ""},
            {"frame", state_.frame + 1},
            {"session", state_.sessionPath},
            {"tears", state_.model ? state_.model->tears().size() : std::size_t(0)},
            {"reports", json::array()}};
  for (const FoundReport& r : state_.reports)
    j["reports"].push_back({{"file", std::filesystem::path(r.path).filename().string()},
                            {"tears", r.report ? r.report->tears.size() : std::size_t(0)},
                            {"error", r.error.empty() ? json(nullptr) : json(true)}});
  if (state_.layout == Layout::Mpr) {
    // The reformats: image x = row (fixed column) or column (fixed row), image y = slice counted from the top.
    j["crosshair"] = {state_.crossColumn, state_.crossRow};
    j["reformats"] = json::array();
    for (int i = 0; i < 2; ++i) {
      const PlacedView& v = reformatViews_[i];
      j["reformats"].push_back({{"fixed", i == 0 ? "column" : "row"}, {"x", v.x}, {"y", v.y},
                                {"width", v.g.viewWidth}, {"height", v.g.viewHeight}, {"columns", v.g.imageWidth},
                                {"rows", v.g.imageHeight}, {"pixel_aspect", v.g.pixelAspect}});
    }
  }
  if (state_.layout == Layout::View3D) {
    // Where the 3D view drew each tear and label surface (window pixels), what the surfaces
    // hold, and the camera, so a test can project points itself.
    j["scene"] = json::array();
    for (const auto& p : scenePoints_) j["scene"].push_back({{"kind", p.kind}, {"name", p.name}, {"x", p.x}, {"y", p.y}});
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

int Application::run() {
  const bool headless = !options_.screenshot.empty();
  if (!initWindow(!headless)) {
    std::cerr << "annulo: cannot open an OpenGL 3.3 window"
              << (std::getenv("DISPLAY") ? "" : " (no X display: DISPLAY is not set; run under xvfb-run -a)") << "\n";
    return 1;
  }
  state_.layout = options_.layout;
  loadRecent(state_);
  if (!options_.fromPacs.empty() && !retrieveRequestedStudy()) return 1;
  if (!options_.path.empty()) {
    state_.pathInput = options_.path;
    loader_.start(options_.path);
  }
  if (headless || !options_.bench.empty()) {
    while (loader_.busy()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    pollLoader();
    if (state_.study) {
      for (std::size_t i = 0; i < state_.study->series.size(); ++i)
        if (state_.study->series[i].series.instanceUid == options_.seriesUid) selectSeries(state_, int(i));
      if (options_.frame > 0 && state_.series())
        state_.frame = std::min(options_.frame, int(state_.series()->sliceCount())) - 1;
    }
    if (!options_.labels.empty()) loadLabels();
    if (options_.importReports)
      for (const auto& r : state_.reports)
        if (r.report) importFoundReport(state_, *r.report);
    state_.compareLevel = options_.compare;
    runRequestedProcessing();
    // A few frames let ImGui settle its layout before the picture is taken.
    for (int i = 0; i < 2; ++i) {
      renderFrame();
      if (i == 0) {
        glFinish();
        firstImageMs_ = nowMs() - options_.startedAtMs;
      }
    }
    if (!options_.bench.empty()) return runBenchmark();
    simulateInput();
    frame(nowMs());
    bool ok = writeScreenshot(options_.screenshot);
    glfwSwapBuffers(window_);
    if (!options_.exportPath.empty() && state_.model) {
      state_.exportPath = options_.exportPath;
      const ExportOutcome r = exportSession(state_);
      for (const auto& f : r.files) std::cout << "exported " << f << "\n";
      for (const auto& w : r.warnings) std::cerr << "annulo: " << w << "\n";
      if (!r.ok) std::cerr << "annulo: export: " << r.message << "\n";
      ok = ok && r.ok && sendExported(r.files);
    }
    writeSidecar(options_.screenshot + ".json");
    if (!state_.loadError.empty()) std::cerr << "annulo: " << state_.loadError << "\n";
    return ok ? 0 : 1;
  }
  while (!glfwWindowShouldClose(window_)) {
    glfwPollEvents();
    frame(nowMs());
    glfwSwapBuffers(window_);
  }
  return 0;
}

}  // namespace annulo::app
