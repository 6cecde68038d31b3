// The MPR layout: the shown slice and two reformats through the crosshair, cut by
// VolumeReslicer along planes that a drag of their line turns (render/ObliqueMpr.h).
// Each view is a plane with a pixel grid (ViewPlane below), so the lines where the
// other planes cut it, the grab handles, the crosshair, the tears and the HIZ
// candidates are all placed by the same patient <-> screen mapping.

#include <GL/glew.h>
// glew before GLFW
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "Application.h"
#include "ViewDrawing.h"

namespace annulo::app {
namespace {

constexpr int kInteractivePixels = 320;
constexpr float kHandleRadius = 6, kGrabDistance = 10, kLineGrab = 5;
const ImU32 kPlaneColour[3] = {IM_COL32(255, 80, 80, 200), IM_COL32(80, 160, 255, 200), IM_COL32(255, 220, 80, 170)};

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 along(const Vec3& p, const Vec3& d, double s) { return {p[0] + d[0] * s, p[1] + d[1] * s, p[2] + d[2] * s}; }
float screenDistance(ImVec2 a, ImVec2 b) { return std::hypot(a.x - b.x, a.y - b.y); }
// Distance of m from the segment a-b, screen pixels.
float segmentDistance(ImVec2 m, ImVec2 a, ImVec2 b) {
  const float dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
  const float t = l2 > 0 ? std::clamp(((m.x - a.x) * dx + (m.y - a.y) * dy) / l2, 0.0f, 1.0f) : 0.0f;
  return screenDistance(m, ImVec2(a.x + t * dx, a.y + t * dy));
}

// The patient points of a tear that lie in the shown series' frame of reference.
std::vector<Vec3> tearPatientPoints(const Series& s, const TearAnnotation& t) {
  std::vector<Vec3> out;
  if (t.geometry.is3D()) {
    if (s.series.frameOfReferenceUid != t.geometry.frameOfReferenceUid) return out;
    for (const auto& p : t.geometry.points) out.push_back({p[0], p[1], p[2]});
    return out;
  }
  for (const Vec3& v : tearVoxels(s, t)) {
    const long k = std::lround(v[2]);
    if (k >= 0 && k < long(s.sliceCount())) out.push_back(s.pixelToPatient(v[0], v[1], std::size_t(k)));
  }
  return out;
}

}  // namespace

// One view as a plane: its pixel grid on screen.
struct Application::ViewPlane {
  DiscPlane plane;
  PlaneGrid grid;
  ViewState view;
  ViewGeometry g;
  ImVec2 origin;
  ImVec2 screen(const Vec3& p) const {
    return toIm(imageToScreen(view, g, patientToPlanePixel(plane, grid, p)), origin);
  }
  Vec3 patient(ImVec2 m) const {
    const Vec2 px = screenToImage(view, g, {m.x - origin.x, m.y - origin.y});
    return planePixelToPatient(plane, grid, px[0], px[1]);
  }
};

Vec3 Application::crosshairMm(const Series& s) const {
  return s.pixelToPatient(state_.crossColumn, state_.crossRow, std::size_t(state_.frame));
}

std::array<DiscPlane, 2> Application::mprPlanes(const Series& s) const {
  const Vec3 c = crosshairMm(s);
  if (!state_.mprPlanes) return orthogonalReformats(s, c);
  std::array<DiscPlane, 2> p = *state_.mprPlanes;
  for (DiscPlane& q : p) q.centre = c;
  return p;
}

// The shown slice as a plane (view 0): x along the rows' direction, y down the columns.
DiscPlane Application::nativePlane(const Series& s) const {
  DiscPlane p;
  p.centre = s.pixelToPatient((s.columns - 1) / 2.0, (s.rows - 1) / 2.0, std::size_t(state_.frame));
  p.left = s.direction[0];
  p.back = s.direction[1];
  p.normal = {p.left[1] * p.back[2] - p.left[2] * p.back[1], p.left[2] * p.back[0] - p.left[0] * p.back[2],
              p.left[0] * p.back[1] - p.left[1] * p.back[0]};
  return p;
}

// Cuts both reformats when their plane, the slab or the labels changed.
void Application::updateReformats(const Series& s) {
  if (mprSeries_ != &s) {
    auto r = VolumeReslicer::create(s);
    mprReslicer_ = r ? std::move(*r) : nullptr;
    if (!r) state_.message = r.error().message;
    mprSeries_ = &s;
    for (MprCut& c : mprCuts_) c = MprCut{};
  }
  if (!mprReslicer_) return;
  const std::array<DiscPlane, 2> planes = mprPlanes(s);
  const bool haveLabels = state_.labels().size() == std::size_t(s.columns) * std::size_t(s.rows) * s.sliceCount();
  for (int i = 0; i < 2; ++i) {
    MprCut& cut = mprCuts_[i];
    // While a plane turns, at most kInteractivePixels a side: a cut across the rows of a
    // large stack misses the cache at every sample (about 40 ms for 700x300 on one core);
    // the full cut follows on release.
    const bool interactive = mprDrag_.has_value() || mprInteractive_;
    const FittedPlane fit =
        fitToVolume(s, *mprReslicer_, planes[std::size_t(i)], interactive ? kInteractivePixels : 1024);
    const bool moved = !cut.plane || *cut.plane != fit.plane || cut.slabMm != state_.mprSlabMm ||
                       cut.mip != state_.mprSlabMip || cut.grid.width != fit.grid.width ||
                       cut.grid.height != fit.grid.height || cut.grid.pixelMm != fit.grid.pixelMm;
    if (moved) {
      ResliceOptions o;
      o.grid = fit.grid;
      o.slabMm = state_.mprSlabMm;
      o.slab = state_.mprSlabMip ? SlabMode::Max : SlabMode::Mean;
      const auto t0 = std::chrono::steady_clock::now();
      const ResliceImage img = mprReslicer_->reslice(fit.plane, o);
      cut.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      views_[i + 1]->setImage(img.values, img.width, img.height, s.invertDisplay);
    }
    if (haveLabels && (moved || cut.labelsKey != state_.labelsVersion())) {
      // Labels nearest neighbour on the slab's centre plane: a label is where it is, not a projection.
      cut.labels = mprReslicer_->resliceLabels(state_.labels(), fit.plane, fit.grid);
      cut.labelsKey = state_.labelsVersion();
      ++cut.labelsUpload;
    }
    if (!haveLabels) cut.labels.clear();
    views_[i + 1]->setLabels(cut.labels.empty() ? nullptr : cut.labels.data(), fit.grid.width, fit.grid.height,
                             cut.labelsUpload);
    cut.plane = fit.plane;
    cut.grid = fit.grid;
    cut.slabMm = state_.mprSlabMm;
    cut.mip = state_.mprSlabMip;
  }
}

void Application::drawMprControls() {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("slab");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150);
  float mm = float(state_.mprSlabMm);
  if (ImGui::SliderFloat("mm##slab", &mm, 0, 40, mm > 0 ? "%.0f mm" : "off")) state_.mprSlabMm = std::round(mm);
  ImGui::SameLine();
  if (ImGui::RadioButton("MIP", state_.mprSlabMip)) state_.mprSlabMip = true;
  ImGui::SameLine();
  if (ImGui::RadioButton("mean", !state_.mprSlabMip)) state_.mprSlabMip = false;
  ImGui::SameLine();
  ImGui::TextDisabled("handles turn a plane, O: orthogonal%s", state_.mprPlanes ? "  [oblique]" : "");
  if (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_O, false)) state_.mprPlanes.reset();
}

void Application::drawMpr(float w, float h) {
  const Series* s = state_.series();
  if (!s || !s->hasPatientGeometry || s->sliceCount() < 2 || s->isColor()) {
    ImGui::TextWrapped("MPR needs a grey volume (a series of parallel slices with positions); showing 2D.");
    drawSliceView(*views_[0], 0, "view2d", w, h - ImGui::GetTextLineHeightWithSpacing() * 2);
    return;
  }
  drawMprControls();
  h -= ImGui::GetFrameHeightWithSpacing();
  updateReformats(*s);
  drawSliceView(*views_[0], 0, "mpr0", w / 2, h);
  ImGui::SameLine();
  ImGui::BeginGroup();
  drawReformat(*s, 0, "mpr1", w / 2 - 8, h / 2 - 4);
  drawReformat(*s, 1, "mpr2", w / 2 - 8, h / 2 - 4);
  ImGui::EndGroup();
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) mprDrag_.reset();
}

// The lines where the other planes cut view `self` (0 native, 1-2 reformats), with
// handles on the lines that turn a reformat; a press on a handle (or Ctrl and the
// line) starts turning it about this view's normal through the crosshair.
void Application::drawMprLines(const Series& s, int self, const ViewPlane& v, ImDrawList* dl, bool pressed) {
  const std::array<DiscPlane, 2> reformats = mprPlanes(s);
  const Vec3 c = crosshairMm(s);
  const ImVec2 cs = v.screen(c);
  const float reach = 0.4f * float(std::min(v.g.viewWidth, v.g.viewHeight));
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  mprHandles_.erase(
      std::remove_if(mprHandles_.begin(), mprHandles_.end(), [&](const MprHandle& h) { return h.view == self; }),
      mprHandles_.end());
  for (int other = 0; other < 3; ++other) {  // 0, 1: the reformats; 2: the native slice
    const int otherView = other == 2 ? 0 : other + 1;
    if (otherView == self) continue;
    const Vec3 n = other == 2 ? nativePlane(s).normal : reformats[std::size_t(other)].normal;
    const Vec3 d = cutDirection(v.plane, n);
    if (dot(d, d) == 0) continue;
    // The line's screen direction, from a step of 10 mm along it.
    const ImVec2 e = v.screen(along(c, d, 10));
    const float len = screenDistance(e, cs);
    if (len < 1e-3f) continue;
    const ImVec2 u((e.x - cs.x) / len, (e.y - cs.y) / len);
    const float far = 4 * float(std::max(v.g.viewWidth, v.g.viewHeight));
    const ImVec2 a(cs.x - u.x * far, cs.y - u.y * far), b(cs.x + u.x * far, cs.y + u.y * far);
    dl->AddLine(a, b, kPlaneColour[other], 1.5f);
    if (other == 2) continue;  // the native slice stays as acquired
    for (float side : {-1.0f, 1.0f}) {
      const ImVec2 hp(cs.x + side * u.x * reach, cs.y + side * u.y * reach);
      dl->AddCircle(hp, kHandleRadius, kPlaneColour[other], 16, 2.0f);
      mprHandles_.push_back({self, other, hp.x, hp.y});
    }
    const bool onHandle = screenDistance(mouse, ImVec2(cs.x + u.x * reach, cs.y + u.y * reach)) < kGrabDistance ||
                          screenDistance(mouse, ImVec2(cs.x - u.x * reach, cs.y - u.y * reach)) < kGrabDistance;
    const bool onLine = ImGui::GetIO().KeyCtrl && segmentDistance(mouse, a, b) < kLineGrab;
    if (pressed && !mprDrag_ && (onHandle || onLine))
      mprDrag_ = MprDrag{self, other, v.plane.normal, c, v.patient(mouse), reformats};
  }
  dl->AddCircle(cs, 3, IM_COL32(255, 255, 255, 200), 12, 1.0f);
}

// While a handle is held: the plane turned by the angle the mouse went round the crosshair.
void Application::dragMprPlane(int self, const ViewPlane& v) {
  if (!mprDrag_ || mprDrag_->view != self || !ImGui::IsMouseDown(ImGuiMouseButton_Left)) return;
  const MprDrag& d = *mprDrag_;
  const double deg = dragAngleDeg(d.pivot, d.axis, d.from, v.patient(ImGui::GetIO().MousePos));
  std::array<DiscPlane, 2> planes = d.start;
  planes[std::size_t(d.plane)] = turnedAbout(d.start[std::size_t(d.plane)], d.axis, d.pivot, deg);
  state_.mprPlanes = planes;
}

void Application::drawReformat(const Series& s, int i, const char* id, float w, float h) {
  ImGui::BeginChild(id, ImVec2(w, h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  SliceRenderer& r = *views_[i + 1];
  const MprCut& cut = mprCuts_[i];
  if (!cut.plane || r.width() == 0) {
    ImGui::EndChild();
    return;
  }
  const ViewGeometry g = geometryFor(r.width(), r.height(), cut.grid.yMm() / cut.grid.pixelMm, w, h);
  reformatViews_[i] = {origin.x, origin.y, g};
  const ViewPlane v{*cut.plane, cut.grid, ViewState{}, g, origin};
  ImVec2 corners[4];
  const Vec2 c[4] = {
      {-0.5, -0.5}, {r.width() - 0.5, -0.5}, {r.width() - 0.5, r.height() - 0.5}, {-0.5, r.height() - 0.5}};
  for (int k = 0; k < 4; ++k) corners[k] = toIm(imageToScreen(ViewState{}, g, c[k]), origin);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  r.draw(dl, corners, state_.window, state_.overlay);
  ImGui::InvisibleButton("canvas", ImVec2(w, h), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const ImGuiIO& io = ImGui::GetIO();
  drawMprLines(s, i + 1, v, dl, hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left));
  dragMprPlane(i + 1, v);
  if (hovered && !mprDrag_ && ImGui::IsMouseDown(ImGuiMouseButton_Left) && mprReslicer_) {
    // A press elsewhere moves the crosshair (and the shown slice) to the voxel under it.
    const Vec3 k = mprReslicer_->patientToIndex(v.patient(io.MousePos));
    state_.crossColumn = std::clamp(int(std::lround(k[0])), 0, s.columns - 1);
    state_.crossRow = std::clamp(int(std::lround(k[1])), 0, s.rows - 1);
    state_.frame = std::clamp(int(std::lround(k[2])), 0, int(s.sliceCount()) - 1);
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right))
    state_.window = dragWindow(state_.window, io.MouseDelta.x, io.MouseDelta.y, state_.window.width * 2);
  drawFindingsOnPlane(s, v, dl);
  orientation_[i + 1] = drawOrientationLetters(dl, origin, w, h, ViewState{}, g, cut.plane->left, cut.plane->back,
                                               cut.grid.pixelMm, cut.grid.yMm());
  char info[96];
  std::snprintf(
      info, sizeof info, "%s%s  cut %.1f ms", state_.mprPlanes ? "oblique" : "orthogonal",
      state_.mprSlabMm > 0
          ? ("  " + std::to_string(int(state_.mprSlabMm)) + " mm " + (state_.mprSlabMip ? "MIP" : "mean")).c_str()
          : "",
      cut.ms);
  dl->AddText(ImVec2(origin.x + 6, origin.y + 4), IM_COL32(220, 220, 220, 255), info);
  ImGui::EndChild();
}

// Tears and HIZ candidates within reach of a reformat's plane (a voxel and a half
// along its normal, plus half the slab), at their place on it.
void Application::drawFindingsOnPlane(const Series& s, const ViewPlane& v, ImDrawList* dl) const {
  const double reach = 1.5 * mprReslicer_->samplingStepMm(v.plane.normal) + state_.mprSlabMm / 2;
  if (state_.model())
    for (const auto& t : state_.model()->tears()) {
      std::vector<ImVec2> pts;
      for (const Vec3& p : tearPatientPoints(s, t))
        if (std::fabs(distanceFromPlane(v.plane, p)) <= reach) pts.push_back(v.screen(p));
      if (pts.empty()) continue;
      const ImU32 colour = tearColour(t.level, 1.0f);
      for (const auto& p : pts) {
        dl->AddCircle(p, 5, IM_COL32(0, 0, 0, 220), 12, 4.5f);
        dl->AddCircle(p, 5, colour, 12, t.id == state_.selectedTear ? 3.0f : 2.0f);
      }
      haloText(dl, ImVec2(pts[0].x + 8, pts[0].y - 16), colour, (t.id + " " + t.level).c_str(), nullptr);
    }
  if (processing_.hizSeries == &s)
    for (const auto& c : processing_.hiz) {
      const Vec3 p{c.positionMm[0], c.positionMm[1], c.positionMm[2]};
      if (std::fabs(distanceFromPlane(v.plane, p)) > reach) continue;
      const ImVec2 m = v.screen(p);
      dl->AddCircle(m, 8, IM_COL32(255, 255, 0, 255), 20, 2);
      dl->AddText(ImVec2(m.x + 10, m.y - 7), IM_COL32(255, 255, 0, 255), "HIZ");
    }
}

// View 0 in the MPR layout: the reformats' lines and their handles.
bool Application::mprOnNative(const Series& s, const ViewState& view, const ViewGeometry& g, ImVec2 origin,
                              ImDrawList* dl, bool pressed) {
  PlaneGrid grid{s.columns, s.rows, s.spacing[0], s.spacing[1]};
  const ViewPlane v{nativePlane(s), grid, view, g, origin};
  drawMprLines(s, 0, v, dl, pressed);
  dragMprPlane(0, v);
  return mprDrag_.has_value();
}

nlohmann::json Application::mprSidecar() const {
  nlohmann::json j;
  const Series* s = state_.series();
  j["crosshair"] = {state_.crossColumn, state_.crossRow};
  if (s) j["crosshair_mm"] = crosshairMm(*s);
  j["oblique"] = state_.mprPlanes.has_value();
  j["slab_mm"] = state_.mprSlabMm;
  j["slab"] = state_.mprSlabMip ? "mip" : "mean";
  j["reformats"] = nlohmann::json::array();
  for (int i = 0; i < 2; ++i) {
    const PlacedView& v = reformatViews_[i];
    nlohmann::json r = {{"fixed", i == 0 ? "column" : "row"},
                        {"x", v.x},
                        {"y", v.y},
                        {"width", v.g.viewWidth},
                        {"height", v.g.viewHeight},
                        {"columns", v.g.imageWidth},
                        {"rows", v.g.imageHeight},
                        {"pixel_aspect", v.g.pixelAspect}};
    if (const auto& p = mprCuts_[i].plane) {
      r["centre"] = p->centre;
      r["left"] = p->left;
      r["back"] = p->back;
      r["normal"] = p->normal;
      r["pixel_mm"] = {mprCuts_[i].grid.pixelMm, mprCuts_[i].grid.yMm()};
      r["cut_ms"] = mprCuts_[i].ms;
    }
    j["reformats"].push_back(r);
  }
  j["handles"] = nlohmann::json::array();
  for (const MprHandle& h : mprHandles_)
    j["handles"].push_back({{"view", h.view}, {"plane", h.plane}, {"x", h.x}, {"y", h.y}});
  return j;
}

}  // namespace annulo::app
