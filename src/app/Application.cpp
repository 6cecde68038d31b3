#include "Application.h"

#include <GL/glew.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "LabelMapFile.h"
#include "Panels.h"
#include "annulo/dicom/DisplayImage.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/render/CineClock.h"
#include "annulo/render/Measurement.h"

namespace annulo::app {
namespace {

constexpr float kLeftWidth = 300, kRightWidth = 340, kBottomHeight = 78;

double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

ImVec2 toIm(Vec2 v, ImVec2 origin) { return ImVec2(origin.x + float(v[0]), origin.y + float(v[1])); }

ViewGeometry geometryFor(int columns, int rows, double aspect, float w, float h) {
  return ViewGeometry{w, h, double(columns), double(rows), aspect};
}

void drawTears(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl) {
  const Series* s = st.series();
  if (!s || !st.model) return;
  const SliceInfo& slice = s->slices[std::size_t(st.frame)];
  for (const auto& t : st.model->tears()) {
    if (t.geometry.is3D() || t.geometry.image.sopInstanceUid != slice.sopInstanceUid) continue;
    if (t.geometry.image.frameNumber != 0 && t.geometry.image.frameNumber != slice.frameNumber) continue;
    const bool selected = t.id == st.selectedTear;
    const ImU32 colour = selected ? IM_COL32(255, 230, 0, 255) : IM_COL32(0, 255, 140, 255);
    std::vector<ImVec2> pts;
    for (const auto& p : t.geometry.points) pts.push_back(toIm(imageToScreen(view, g, {p[0], p[1]}), origin));
    if (t.geometry.kind == GeometryKind::Point) {
      dl->AddCircle(pts[0], 7, colour, 16, 2);
      dl->AddLine(ImVec2(pts[0].x - 11, pts[0].y), ImVec2(pts[0].x - 4, pts[0].y), colour, 2);
      dl->AddLine(ImVec2(pts[0].x + 4, pts[0].y), ImVec2(pts[0].x + 11, pts[0].y), colour, 2);
    } else {
      dl->AddPolyline(pts.data(), int(pts.size()), colour, t.geometry.kind == GeometryKind::Polygon ? ImDrawFlags_Closed : 0, 2);
    }
    const std::string label = t.id + " " + t.level + " " + token(t.type) + " G" + std::to_string(t.grade);
    dl->AddText(ImVec2(pts[0].x + 10, pts[0].y - 18), colour, label.c_str());
  }
  std::vector<ImVec2> pending;
  for (const auto& p : st.tool.pending()) pending.push_back(toIm(imageToScreen(view, g, p), origin));
  for (const auto& p : pending) dl->AddCircleFilled(p, 3, IM_COL32(80, 200, 255, 255));
  if (pending.size() > 1) dl->AddPolyline(pending.data(), int(pending.size()), IM_COL32(80, 200, 255, 255), 0, 1.5f);
}

// Reformat through the volume: a fixed row (coronal-like) or column (sagittal-like).
std::vector<float> reformat(const Series& s, bool fixedRow, int index, int& width, int& height) {
  const int n = int(s.sliceCount());
  width = fixedRow ? s.columns : s.rows;
  height = n;
  std::vector<float> out(std::size_t(width) * std::size_t(height));
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < width; ++i) {
      const std::size_t idx = fixedRow ? std::size_t(index) * std::size_t(s.columns) + std::size_t(i)
                                       : std::size_t(i) * std::size_t(s.columns) + std::size_t(index);
      // Highest slice at the top, as radiologists read reformats.
      out[std::size_t(n - 1 - k) * std::size_t(width) + std::size_t(i)] = float(s.modalityValue(std::size_t(k), idx));
    }
  return out;
}

}  // namespace

Application::Application(LaunchOptions options) : options_(std::move(options)) {}

Application::~Application() {
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
  if (!done->ok()) {
    state_.loadError = done->message();
    return;
  }
  adoptStudy(state_, std::move(done->value()), loader_.path());
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

// Adds a finished shape as a tear on the current frame, saved before it shows.
void commitShape(AppState& st, TearGeometry g) {
  const Series* s = st.series();
  if (!s || !st.model) return;
  const SliceInfo& slice = s->slices[std::size_t(st.frame)];
  g.image = {slice.sopClassUid, slice.sopInstanceUid, s->series.instanceUid, s->study.instanceUid,
             s->multiFrame ? slice.frameNumber : 0};
  TearAnnotation t = st.draft;
  t.id.clear();
  t.trackingUid.clear();
  t.geometry = g;
  auto id = st.model->add(t);
  st.message = id ? "added " + *id + " (saved)" : id.message();
  if (id) st.selectedTear = *id;
}

// A ruler or angle stays on its frame; a catheter path belongs to the selected tear.
void commitMeasurement(AppState& st, const Measurement& m) {
  const Series* s = st.series();
  if (!s) return;
  if (m.kind != MeasureKind::Catheter) {
    st.measurements.emplace_back(st.frame, m);
    return;
  }
  const TearAnnotation* sel = st.model ? st.model->find(st.selectedTear) : nullptr;
  if (!sel) {
    st.message = "select a tear first: the catheter path belongs to a tear";
    return;
  }
  TearAnnotation t = *sel;
  t.catheter = CatheterPlan{{m.points[0][0], m.points[0][1]}, {m.points[1][0], m.points[1][1]},
                            distanceMm(m.points[0], m.points[1], s->spacing[0], s->spacing[1]),
                            calibrationName(s->calibration.kind)};
  Status ok = st.model->update(t);
  st.message = ok ? "catheter path " + describe(m, s->spacing[0], s->spacing[1], calibrationName(s->calibration.kind)) + " saved to " + t.id
                  : ok.message();
}

void drawMeasurements(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl) {
  const Series* s = st.series();
  if (!s) return;
  const std::string cal = calibrationName(s->calibration.kind);
  const ImU32 colour = IM_COL32(255, 220, 120, 255);
  auto draw = [&](const Measurement& m, ImU32 c) {
    std::vector<ImVec2> pts;
    for (const auto& p : m.points) pts.push_back(toIm(imageToScreen(view, g, p), origin));
    dl->AddPolyline(pts.data(), int(pts.size()), c, 0, 2);
    for (const auto& p : pts) dl->AddCircleFilled(p, 3, c);
    const ImVec2 at = pts.size() == 3 ? pts[1] : ImVec2((pts[0].x + pts[1].x) / 2, (pts[0].y + pts[1].y) / 2);
    dl->AddText(ImVec2(at.x + 8, at.y + 4), c, describe(m, s->spacing[0], s->spacing[1], cal).c_str());
  };
  for (const auto& [frame, m] : st.measurements)
    if (frame == st.frame) draw(m, colour);
  if (st.model) {
    const SliceInfo& slice = s->slices[std::size_t(st.frame)];
    for (const auto& t : st.model->tears())
      if (t.catheter && t.geometry.image.sopInstanceUid == slice.sopInstanceUid &&
          (t.geometry.image.frameNumber == 0 || t.geometry.image.frameNumber == slice.frameNumber))
        draw(Measurement{MeasureKind::Catheter, {{t.catheter->target[0], t.catheter->target[1]},
                                                 {t.catheter->entry[0], t.catheter->entry[1]}}},
             IM_COL32(255, 120, 220, 255));
  }
  std::vector<ImVec2> pending;
  for (const auto& p : st.measure.pending()) pending.push_back(toIm(imageToScreen(view, g, p), origin));
  for (const auto& p : pending) dl->AddCircleFilled(p, 3, colour);
}

void Application::drawSliceView(SliceRenderer& r, int viewIndex, const char* id, float w, float h) {
  const Series* s = state_.series();
  ImGui::BeginChild(id, ImVec2(w, h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (viewIndex == 0) {
    viewX_ = origin.x;
    viewY_ = origin.y;
    viewW_ = w;
    viewH_ = h;
  }
  if (!s || r.width() == 0) {
    ImGui::EndChild();
    return;
  }
  const double aspect = viewIndex == 0 ? s->spacing[1] / s->spacing[0] : s->spacing[2] / s->spacing[viewIndex == 1 ? 0 : 1];
  const ViewGeometry g = geometryFor(r.width(), r.height(), aspect, w, h);
  const ViewState view = viewIndex == 0 ? state_.view : ViewState{};
  if (viewIndex == 0) viewGeometry_ = g;
  ImVec2 corners[4];
  const Vec2 c[4] = {{-0.5, -0.5}, {r.width() - 0.5, -0.5}, {r.width() - 0.5, r.height() - 0.5}, {-0.5, r.height() - 0.5}};
  for (int i = 0; i < 4; ++i) corners[i] = toIm(imageToScreen(view, g, c[i]), origin);
  r.draw(dl, corners, state_.window, state_.overlay);
  ImGui::InvisibleButton("canvas", ImVec2(w, h), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemHovered()) {
    const Vec2 screen{io.MousePos.x - origin.x, io.MousePos.y - origin.y};
    const Vec2 image = screenToImage(view, g, screen);
    if (viewIndex == 0) {
      state_.hover = image;
      if (io.MouseWheel != 0) state_.view = zoomAbout(state_.view, g, screen, std::pow(1.15, io.MouseWheel));
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && state_.measure.active()) {
        if (auto m = state_.measure.click(image)) commitMeasurement(state_, *m);
      } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && state_.tool.active()) {
        if (auto shape = state_.tool.click(image)) commitShape(state_, *shape);
      }
      if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
        if (auto shape = state_.tool.finish()) commitShape(state_, *shape);
    } else if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      // Clicking a reformat moves the crosshair: column/row and slice.
      const int slice = int(s->sliceCount()) - 1 - int(std::lround(image[1]));
      state_.frame = std::clamp(slice, 0, int(s->sliceCount()) - 1);
      (viewIndex == 1 ? state_.crossColumn : state_.crossRow) = std::clamp(int(std::lround(image[0])), 0, (viewIndex == 1 ? s->columns : s->rows) - 1);
    }
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
    const double range = state_.window.width * 2;
    state_.window = dragWindow(state_.window, io.MouseDelta.x, io.MouseDelta.y, range);
  }
  if (viewIndex == 0 && ImGui::IsItemActive() && !state_.tool.active() && !state_.measure.active() &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    state_.view.panX += io.MouseDelta.x;
    state_.view.panY += io.MouseDelta.y;
  }
  if (viewIndex == 0) {
    drawTears(state_, view, g, origin, dl);
    drawMeasurements(state_, view, g, origin, dl);
    if (state_.layout == Layout::Mpr) {
      const Vec2 a = imageToScreen(view, g, {double(state_.crossColumn), -0.5});
      const Vec2 b = imageToScreen(view, g, {double(state_.crossColumn), s->rows - 0.5});
      const Vec2 c2 = imageToScreen(view, g, {-0.5, double(state_.crossRow)});
      const Vec2 d = imageToScreen(view, g, {s->columns - 0.5, double(state_.crossRow)});
      dl->AddLine(toIm(a, origin), toIm(b, origin), IM_COL32(255, 80, 80, 160));
      dl->AddLine(toIm(c2, origin), toIm(d, origin), IM_COL32(80, 160, 255, 160));
      if (ImGui::IsItemHovered() && ImGui::IsMouseDown(ImGuiMouseButton_Middle) && state_.hover) {
        state_.crossColumn = std::clamp(int(std::lround((*state_.hover)[0])), 0, s->columns - 1);
        state_.crossRow = std::clamp(int(std::lround((*state_.hover)[1])), 0, s->rows - 1);
      }
    }
    // Calibrated scale bar, labelled with what the length means on XA.
    const double mmPerScreen = s->spacing[0] / screenScale(view, g);
    const double barMm = mmPerScreen * 100 > 50 ? 50 : (mmPerScreen * 100 > 10 ? 10 : 5);
    const float px = float(barMm / mmPerScreen);
    const ImVec2 p0(origin.x + 16, origin.y + h - 20);
    dl->AddLine(p0, ImVec2(p0.x + px, p0.y), IM_COL32(255, 255, 255, 220), 2);
    char label[96];
    std::snprintf(label, sizeof label, "%.0f %s (%s)", barMm, s->calibration.kind == Calibration::None ? "px" : "mm",
                  calibrationName(s->calibration.kind));
    dl->AddText(ImVec2(p0.x, p0.y - 16), IM_COL32(255, 255, 255, 220), label);
    char corner[160];
    std::snprintf(corner, sizeof corner, "%s  %s %d/%zu", s->series.modality.c_str(), s->multiFrame ? "frame" : "slice",
                  state_.frame + 1, s->sliceCount());
    dl->AddText(ImVec2(origin.x + 8, origin.y + 6), IM_COL32(230, 230, 230, 255), corner);
  }
  ImGui::EndChild();
}

void Application::drawMpr(float w, float h) {
  const Series* s = state_.series();
  if (!s || !s->hasPatientGeometry || s->sliceCount() < 2) {
    ImGui::TextWrapped("MPR needs a volume (a series of parallel slices with positions); showing 2D.");
    drawSliceView(*views_[0], 0, "view2d", w, h - ImGui::GetTextLineHeightWithSpacing() * 2);
    return;
  }
  int rw = 0, rh = 0;
  auto col = reformat(*s, false, state_.crossColumn, rw, rh);
  views_[1]->setImage(col, rw, rh, s->invertDisplay);
  auto row = reformat(*s, true, state_.crossRow, rw, rh);
  views_[2]->setImage(row, rw, rh, s->invertDisplay);
  drawSliceView(*views_[0], 0, "mpr0", w / 2, h);
  ImGui::SameLine();
  ImGui::BeginGroup();
  drawSliceView(*views_[1], 1, "mpr1", w / 2 - 8, h / 2 - 4);
  drawSliceView(*views_[2], 2, "mpr2", w / 2 - 8, h / 2 - 4);
  ImGui::EndGroup();
}

// Where a tear lies: its series, slice and pixel. 3D points are projected
// onto the series that shares their frame of reference.
struct TearPlace {
  const Series* series = nullptr;
  int slice = 0;
  Vec2 pixel{};
};

std::optional<TearPlace> placeOf(const LoadResult& study, const TearAnnotation& t) {
  for (const auto& s : study.series) {
    if (!t.geometry.is3D()) {
      for (std::size_t i = 0; i < s.sliceCount(); ++i)
        if (s.slices[i].sopInstanceUid == t.geometry.image.sopInstanceUid &&
            (t.geometry.image.frameNumber == 0 || s.slices[i].frameNumber == t.geometry.image.frameNumber))
          return TearPlace{&s, int(i), {t.geometry.points[0][0], t.geometry.points[0][1]}};
    } else if (s.hasPatientGeometry && s.series.frameOfReferenceUid == t.geometry.frameOfReferenceUid) {
      const auto& p = t.geometry.points[0];
      Vec3 d{p[0] - s.origin[0], p[1] - s.origin[1], p[2] - s.origin[2]};
      auto dot = [&](const Vec3& a) { return d[0] * a[0] + d[1] * a[1] + d[2] * a[2]; };
      const int slice = int(std::lround(dot(s.direction[2]) / s.spacing[2]));
      if (slice < 0 || slice >= int(s.sliceCount())) continue;
      return TearPlace{&s, slice, {dot(s.direction[0]) / s.spacing[0], dot(s.direction[1]) / s.spacing[1]}};
    }
  }
  return std::nullopt;
}

// The annulogram tear and the MRI finding of one disc, next to each other.
void Application::drawCompare() {
  if (state_.compareLevel.empty() || !state_.model || !state_.study) return;
  bool open = true;
  ImGui::SetNextWindowSize(ImVec2(820, 460), ImGuiCond_Appearing);
  if (ImGui::Begin(("Disc " + state_.compareLevel + "###compare").c_str(), &open)) {
    const auto discs = state_.model->byDisc();
    auto it = discs.find(state_.compareLevel);
    int shown = 0;
    if (it != discs.end()) {
      const float w = (ImGui::GetContentRegionAvail().x - 8) / 2, h = ImGui::GetContentRegionAvail().y;
      for (const TearAnnotation* t : it->second) {
        if (shown == 2) break;
        auto place = placeOf(*state_.study, *t);
        if (!place) continue;
        SliceRenderer& r = *compare_[shown];
        r.setSlice(*place->series, std::size_t(place->slice));
        r.setLabels(nullptr, 0, 0);
        if (shown) ImGui::SameLine();
        ImGui::BeginChild(("cmp" + std::to_string(shown)).c_str(), ImVec2(w, h), true);
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const ViewGeometry g{w - 16, h - 16, double(r.width()), double(r.height()),
                             place->series->spacing[1] / place->series->spacing[0]};
        ImVec2 corners[4];
        const Vec2 c[4] = {{-0.5, -0.5}, {r.width() - 0.5, -0.5}, {r.width() - 0.5, r.height() - 0.5}, {-0.5, r.height() - 0.5}};
        for (int i = 0; i < 4; ++i) corners[i] = toIm(imageToScreen(ViewState{}, g, c[i]), origin);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        r.draw(dl, corners, defaultWindow(*place->series), state_.overlay);
        const ImVec2 mark = toIm(imageToScreen(ViewState{}, g, place->pixel), origin);
        dl->AddCircle(mark, 9, IM_COL32(0, 255, 140, 255), 20, 2);
        const std::string label = t->id + " " + place->series->series.modality + " " + token(t->type) + " G" +
                                  std::to_string(t->grade) + (t->clock ? " " + std::to_string(*t->clock) + "h" : "");
        dl->AddText(ImVec2(origin.x + 6, origin.y + 4), IM_COL32(230, 230, 230, 255), label.c_str());
        ImGui::EndChild();
        ++shown;
      }
    }
    if (shown == 0) ImGui::TextUnformatted("No finding of this disc lies on a loaded image.");
  }
  ImGui::End();
  if (!open) state_.compareLevel.clear();
}

void Application::drawVolume(float w, float h) {
  const Series* s = state_.series();
  if (!s || s->sliceCount() < 2 || s->isColor()) {
    ImGui::TextWrapped("3D needs a greyscale series with several slices; showing 2D.");
    drawSliceView(*views_[0], 0, "view2d", w, h - ImGui::GetTextLineHeightWithSpacing() * 2);
    return;
  }
  const bool changed = volume_->series() != s;
  volume_->setSeries(*s);
  if (changed) preset_ = s->series.modality == "CT" ? VolumePreset::CtBone
                         : (s->series.modality == "XA" || s->series.modality == "RF") ? VolumePreset::Fluoro
                                                                                        : VolumePreset::MrT2;
  ImGui::SetNextItemWidth(260);
  if (ImGui::BeginCombo("preset", presetName(preset_))) {
    for (VolumePreset p : {VolumePreset::MrT2, VolumePreset::CtBone, VolumePreset::Fluoro})
      if (ImGui::Selectable(presetName(p), p == preset_)) preset_ = p;
    ImGui::EndCombo();
  }
  volume_->setPreset(preset_, state_.window.center, state_.window.width);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const unsigned tex = volume_->render(int(avail.x), int(avail.y));
  if (tex) {
    // VTK's framebuffer is bottom-up: flip V.
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(tex)), avail, ImVec2(0, 1), ImVec2(1, 0));
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsItemHovered()) {
      if (ImGui::IsMouseDragging(ImGuiMouseButton_Left)) volume_->rotate(io.MouseDelta.x * 0.5, io.MouseDelta.y * 0.5);
      if (io.MouseWheel != 0) volume_->zoom(std::pow(1.1, io.MouseWheel));
    }
  }
  viewX_ = origin.x;
  viewY_ = origin.y;
  viewW_ = avail.x;
  viewH_ = avail.y;
  ImGui::GetWindowDrawList()->AddText(ImVec2(origin.x + 8, origin.y + 6), IM_COL32(230, 230, 230, 255),
                                      volume_->cpuRayCast() ? "3D  CPU ray cast (software GL)" : "3D  GPU ray cast");
}

void Application::drawViews(double now) {
  const Series* s = state_.series();
  if (s && state_.cine.playing && s->sliceCount() > 1) {
    std::vector<double> times;
    for (const auto& sl : s->slices) times.push_back(sl.timeMs);
    const CineClock clock(times);
    state_.frame = clock.frameAt(now - state_.cine.startedAtMs + state_.cine.startOffsetMs / state_.cine.speed,
                                 state_.cine.speed, state_.cine.loop);
    if (!state_.cine.loop && state_.frame == int(s->sliceCount()) - 1) state_.cine.playing = false;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  state_.hover.reset();
  if (!s) {
    ImGui::TextWrapped(loader_.busy() ? "Loading..." : "Open a study (file, folder or DICOMDIR) in the panel on the left.");
    return;
  }
  views_[0]->setSlice(*s, std::size_t(state_.frame));
  const std::size_t frameLabels = std::size_t(s->columns) * std::size_t(s->rows);
  views_[0]->setLabels(state_.labels.size() >= frameLabels * (std::size_t(state_.frame) + 1)
                           ? state_.labels.data() + frameLabels * std::size_t(state_.frame)
                           : nullptr,
                       s->columns, s->rows);
  if (state_.layout == Layout::Mpr) {
    drawMpr(avail.x, avail.y);
  } else if (state_.layout == Layout::View3D) {
    drawVolume(avail.x, avail.y);
  } else {
    drawSliceView(*views_[0], 0, "view2d", avail.x, ImGui::GetContentRegionAvail().y);
  }
}

void Application::frame(double now) {
  pollLoader();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (simulatedMouse_) {  // after the backend, which would overwrite it from the real cursor
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((*simulatedMouse_)[0], (*simulatedMouse_)[1]);
    io.MouseDown[0] = simulatedDown_;
  }
  ImGui::NewFrame();
  handleKeys(now);
  if (ImGui::IsKeyPressed(GLFW_KEY_ENTER) && !ImGui::GetIO().WantTextInput)
    if (auto shape = state_.tool.finish()) commitShape(state_, *shape);

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

void Application::writeSidecar(const std::string& path) const {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return;
  const Series* s = state_.series();
  std::fprintf(f,
               "{\n  \"view\": {\"x\": %.3f, \"y\": %.3f, \"width\": %.3f, \"height\": %.3f},\n"
               "  \"image\": {\"columns\": %.0f, \"rows\": %.0f, \"pixel_aspect\": %.9g},\n"
               "  \"zoom\": %.9g, \"pan\": [%.9g, %.9g],\n"
               "  \"series_uid\": \"%s\",\n  \"frame\": %d,\n  \"session\": \"%s\",\n  \"tears\": %zu\n}\n",
               viewX_, viewY_, viewW_, viewH_, viewGeometry_.imageWidth, viewGeometry_.imageHeight,
               viewGeometry_.pixelAspect, state_.view.zoom, state_.view.panX, state_.view.panY,
               s ? s->series.instanceUid.c_str() : "", state_.frame + 1, state_.sessionPath.c_str(),
               state_.model ? state_.model->tears().size() : std::size_t(0));
  std::fclose(f);
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

namespace {
double residentMiB() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}
}  // namespace

// Frames per second of `frames` full UI redraws, each after `step(i)`.
template <typename Step>
double Application::measure(int frames, Step step) {
  const double start = nowMs();
  for (int i = 0; i < frames; ++i) {
    step(i);
    renderFrame();
  }
  glFinish();
  return frames * 1000.0 / (nowMs() - start);
}

int Application::runBenchmark() {
  const Series* s = state_.series();
  if (!s) {
    std::cerr << "annulo --bench: nothing loaded\n";
    return 1;
  }
  const int n = int(s->sliceCount());
  std::printf("viewer benchmark: %s %dx%dx%d, window %dx%d, GL %s\n", s->series.modality.c_str(), s->columns, s->rows, n,
              options_.width, options_.height, reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
  std::printf("  launch to first image: %.0f ms\n", firstImageMs_);
  if (options_.bench == "cine") {
    if (state_.labels.empty()) {
      // Synthetic overlay where the image is darkest, so the label pass is exercised.
      state_.labels.assign(std::size_t(s->columns) * std::size_t(s->rows) * std::size_t(n), 0);
      for (std::size_t i = 0; i < state_.labels.size(); i += 7) state_.labels[i] = std::uint8_t(1 + (i / 7) % 2);
    }
    measure(20, [&](int i) { state_.frame = i % n; });
    const double rssBefore = residentMiB();
    const double fps = measure(std::max(240, n * 2), [&](int i) { state_.frame = i % n; });
    for (int loop = 0; loop < 5; ++loop) measure(n, [&](int i) { state_.frame = i; });
    const double rssAfter = residentMiB();
    const double still = measure(120, [&](int) {});
    std::printf("  cine playback with leak overlay: %.1f fps (new frame uploaded every redraw)\n", fps);
    std::printf("  redraw without a new frame: %.1f fps (UI + GL pass alone)\n", still);
    std::printf("  RSS %.1f MiB before, %.1f MiB after %d more loops\n", rssBefore, rssAfter, 5);
  } else if (options_.bench == "wl") {
    const double fps = measure(200, [&](int i) { state_.window = dragWindow(state_.window, (i % 20) - 10, 3, 4096); });
    std::printf("  window/level drag: %.1f fps\n", fps);
  } else if (options_.bench == "volume") {
    state_.layout = Layout::View3D;
    measure(3, [](int) {});
    const double fps = measure(30, [&](int) { volume_->rotate(3, 0); });
    const double still = measure(5, [](int) {});
    std::printf("  volume rendering (%s) at %.0fx%.0f: %.1f fps while rotating, %.1f fps at full quality\n",
                volume_->cpuRayCast() ? "CPU ray cast" : "GPU", double(viewW_), double(viewH_), fps, still);
  } else {
    std::cerr << "annulo --bench: cine, wl or volume\n";
    return 2;
  }
  return 0;
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
    state_.compareLevel = options_.compare;
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
    const bool ok = writeScreenshot(options_.screenshot);
    glfwSwapBuffers(window_);
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
