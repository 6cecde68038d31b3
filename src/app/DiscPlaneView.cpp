#include "DiscPlaneView.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "ViewDrawing.h"
#include "annulo/annotation/Vocabulary.h"

namespace annulo::app {
namespace {

Vec3 viewNormal(const Series& s) {
  const Vec3 &a = s.direction[0], &b = s.direction[1];
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

ImVec2 screenOf(const ViewGeometry& g, float x0, float y0, Vec2 image) {
  return toIm(imageToScreen(ViewState{}, g, image), ImVec2(x0, y0));
}

}  // namespace

DiscPlaneView::DiscPlaneView() = default;
DiscPlaneView::~DiscPlaneView() = default;

const DiscPlane* DiscPlaneView::plane(const AppState& st) const {
  if (live_ && live_->level == st.draft.level) return &*live_;
  return st.model() ? st.model()->findDiscPlane(st.draft.level) : nullptr;
}

Status DiscPlaneView::save(AppState& st, DiscPlane p) {
  if (!st.model()) return makeError("no session: open a study first");
  live_.reset();
  Status s = st.model()->setDiscPlane(std::move(p));
  st.message = s ? "disc plane " + st.draft.level + " saved" : s.message();
  return s;
}

Status DiscPlaneView::place(AppState& st, const std::string& value) {
  const Series* s = st.series();
  if (!s) return makeError("disc-plane: no series shown");
  char level[32] = {};
  double x1, y1, x2, y2;
  if (std::sscanf(value.c_str(), "%31s %lf,%lf %lf,%lf", level, &x1, &y1, &x2, &y2) != 5)
    return makeError("disc-plane takes LEVEL X1,Y1 X2,Y2 (image pixels: anterior, posterior margin)");
  st.draft.level = level;
  const std::size_t f = std::size_t(st.frame);
  auto p = discPlaneFromMargins(level, s->pixelToPatient(x1, y1, f), s->pixelToPatient(x2, y2, f), viewNormal(*s));
  if (!p) return makeError(p.error().message);
  return save(st, *p);
}

Status DiscPlaneView::rotate(AppState& st, double aboutLeftDeg, double aboutBackDeg, bool keep) {
  const DiscPlane* p = plane(st);
  if (!p) return makeError("no disc plane at " + st.draft.level + " to rotate");
  DiscPlane next = rotated(*p, aboutLeftDeg, aboutBackDeg);
  if (!keep) {
    live_ = next;
    return {};
  }
  return save(st, next);
}

Status DiscPlaneView::reset(AppState& st) {
  const DiscPlane* p = plane(st);
  if (!p) return makeError("no disc plane at " + st.draft.level + " to reset");
  return save(st, orthogonal(*p));
}

void DiscPlaneView::handleKeys(AppState& st) {
  if (ImGui::GetIO().WantTextInput) return;
  // ImGui 1.86 indexes keys by the backend's (GLFW) key codes.
  if (ImGui::IsKeyPressed(GLFW_KEY_UP)) (void)rotate(st, 1, 0);
  if (ImGui::IsKeyPressed(GLFW_KEY_DOWN)) (void)rotate(st, -1, 0);
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) (void)rotate(st, 0, 1);
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) (void)rotate(st, 0, -1);
  if (ImGui::IsKeyPressed(GLFW_KEY_O, false)) (void)reset(st);
  if (ImGui::IsKeyPressed(GLFW_KEY_M, false)) tearMode_ = !tearMode_;
  if (ImGui::IsKeyPressed(GLFW_KEY_S, false)) {
    slabMm_ = slabMm_ == 0 ? 5 : slabMm_ == 5 ? 10 : 0;
    shown_.reset();
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_N, false) && st.model()) {
    // The next disc (in the session's order) that has a plane.
    const auto& planes = st.model()->session().discPlanes;
    for (std::size_t i = 0; i < planes.size(); ++i)
      if (planes[i].level == st.draft.level) {
        st.draft.level = planes[(i + 1) % planes.size()].level;
        break;
      }
    if (!planes.empty() && !plane(st)) st.draft.level = planes.front().level;
  }
}

void DiscPlaneView::draw(AppState& st, float w, float h, const std::vector<HizCandidate>* hiz) {
  hiz_ = hiz;
  shownHiz_.clear();
  const Series* s = st.series();
  if (!s || !s->hasPatientGeometry || s->sliceCount() < 2 || s->isColor()) {
    ImGui::TextWrapped("The disc plane needs a grey volume (parallel slices with positions).");
    return;
  }
  handleKeys(st);
  const DiscPlane* p = plane(st);
  ImGui::Text("Disc %s: %s   [arrows tilt, O orthogonal, N next, M mark%s, S slab]", st.draft.level.c_str(),
              p ? ("plane tilted " + std::to_string(int(std::lround(tiltDeg(*p)))) + " deg").c_str()
                : (clicks_.empty() ? "click the anterior margin at mid-height" : "now the posterior margin"),
              tearMode_ ? ": ON" : "");
  const float top = ImGui::GetTextLineHeightWithSpacing();
  drawNative(st, *s, w / 2 - 4, h - top);
  ImGui::SameLine();
  p = plane(st);
  if (p)
    drawOblique(st, *s, *p, w / 2 - 4, h - top);
  else
    ImGui::TextWrapped("No plane for %s yet: two clicks on the left image.", st.draft.level.c_str());
}

void DiscPlaneView::drawNative(AppState& st, const Series& s, float w, float h) {
  ImGui::BeginChild("discNative", ImVec2(w, h), false, ImGuiWindowFlags_NoScrollbar);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  native_.setSlice(s, std::size_t(st.frame));
  native_.setLabels(nullptr, 0, 0);
  const ViewGeometry g = geometryFor(s.columns, s.rows, s.spacing[1] / s.spacing[0], w, h);
  nativeGeometry_ = g;
  nativeX_ = o.x;
  nativeY_ = o.y;
  ImVec2 corners[4];
  const Vec2 c[4] = {{-0.5, -0.5}, {s.columns - 0.5, -0.5}, {s.columns - 0.5, s.rows - 0.5}, {-0.5, s.rows - 0.5}};
  for (int i = 0; i < 4; ++i) corners[i] = screenOf(g, o.x, o.y, c[i]);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  native_.draw(dl, corners, st.window, st.overlay);
  ImGui::InvisibleButton("canvas", ImVec2(w, h));
  if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    clicks_.push_back(screenToImage(ViewState{}, g, {m.x - o.x, m.y - o.y}));
    if (clicks_.size() == 2) {
      char v[96];
      std::snprintf(v, sizeof v, "%s %.2f,%.2f %.2f,%.2f", st.draft.level.c_str(), clicks_[0][0], clicks_[0][1],
                    clicks_[1][0], clicks_[1][1]);
      clicks_.clear();
      if (Status r = place(st, v); !r) st.message = r.message();
    }
  }
  for (const Vec2& k : clicks_) dl->AddCircleFilled(screenOf(g, o.x, o.y, k), 4, IM_COL32(255, 200, 0, 255));
  // Every saved plane as its line across this image: its margins, projected.
  if (st.model())
    for (const DiscPlane& p : st.model()->session().discPlanes) {
      const std::size_t f = std::size_t(st.frame);
      const Vec3 origin = s.pixelToPatient(0, 0, f);
      auto toPixel = [&](const Vec3& q) {
        const Vec3 d{q[0] - origin[0], q[1] - origin[1], q[2] - origin[2]};
        const Vec3 &a = s.direction[0], &b = s.direction[1];
        return Vec2{(d[0] * a[0] + d[1] * a[1] + d[2] * a[2]) / s.spacing[0],
                    (d[0] * b[0] + d[1] * b[1] + d[2] * b[2]) / s.spacing[1]};
      };
      const bool current = p.level == st.draft.level;
      const ImU32 col = current ? IM_COL32(255, 200, 0, 255) : IM_COL32(255, 200, 0, 110);
      const ImVec2 a = screenOf(g, o.x, o.y, toPixel(clockPoint(p, 12, 1.3)));
      const ImVec2 b = screenOf(g, o.x, o.y, toPixel(clockPoint(p, 6, 1.3)));
      dl->AddLine(a, b, col, current ? 2.0f : 1.0f);
      dl->AddText(ImVec2(b.x + 4, b.y - 8), col, p.level.c_str());
    }
  ImGui::EndChild();
}

void DiscPlaneView::drawOblique(AppState& st, const Series& s, const DiscPlane& p, float w, float h) {
  ImGui::BeginChild("discOblique", ImVec2(w, h), false, ImGuiWindowFlags_NoScrollbar);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  if (reslicerSeries_ != &s) {
    auto r = VolumeReslicer::create(s);
    reslicer_ = r ? std::move(*r) : nullptr;
    reslicerSeries_ = &s;
    shown_.reset();
    if (!r) st.message = r.error().message;
  }
  if (!reslicer_) {
    ImGui::EndChild();
    return;
  }
  // Field of view: 3 disc radii across in 384 pixels (finer than the series: the
  // interpolation, not the screen, should decide what the reader sees).
  const double field = 3 * std::max(p.radiusMm, 10.0);
  grid_.pixelMm = std::min({s.spacing[0], s.spacing[1], field / 384});
  grid_.width = grid_.height = std::clamp(int(std::lround(field / grid_.pixelMm)), 64, 768);
  if (!shown_ || *shown_ != p) {
    ResliceOptions ro;
    ro.grid = grid_;
    ro.slabMm = slabMm_;
    ro.slab = SlabMode::Max;
    const auto t0 = std::chrono::steady_clock::now();
    const ResliceImage img = reslicer_->reslice(p, ro);
    resliceMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    oblique_.setImage(img.values, img.width, img.height, s.invertDisplay);
    obliqueLabels_ = reslicer_->resliceLabels(st.labels(), p, grid_);
    ++obliqueVersion_;
    shown_ = p;
  }
  oblique_.setLabels(st.labels().empty() ? nullptr : obliqueLabels_.data(), grid_.width, grid_.height, obliqueVersion_);
  const ViewGeometry g = geometryFor(grid_.width, grid_.height, 1.0, w, h);
  obliqueGeometry_ = g;
  obliqueX_ = o.x;
  obliqueY_ = o.y;
  ImVec2 corners[4];
  const Vec2 c[4] = {
      {-0.5, -0.5}, {grid_.width - 0.5, -0.5}, {grid_.width - 0.5, grid_.height - 0.5}, {-0.5, grid_.height - 0.5}};
  for (int i = 0; i < 4; ++i) corners[i] = screenOf(g, o.x, o.y, c[i]);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  oblique_.draw(dl, corners, st.window, st.overlay);

  // The clock face: 12 anterior (up), 3 the patient's left (right), seen from the feet.
  auto at = [&](const Vec3& q) { return screenOf(g, o.x, o.y, patientToPlanePixel(p, grid_, q)); };
  const ImVec2 centre = at(p.centre);
  const float radius = float(p.radiusMm / grid_.pixelMm * g.viewWidth / grid_.width);
  const ImU32 face = IM_COL32(80, 220, 255, 200);
  dl->AddCircle(centre, radius, face, 72, 1.5f);
  for (int hour = 1; hour <= 12; ++hour) {
    const ImVec2 in = at(clockPoint(p, hour, 0.9)), out = at(clockPoint(p, hour, 1.0));
    dl->AddLine(in, out, face, 2.0f);
    const ImVec2 label = at(clockPoint(p, hour, 1.14));
    const std::string txt = std::to_string(hour);
    const ImVec2 ts = ImGui::CalcTextSize(txt.c_str());
    dl->AddText(ImVec2(label.x - ts.x / 2, label.y - ts.y / 2), face, txt.c_str());
  }
  // Zone guides on the posterior half: lines at 0.25, 0.5, 0.8 of the radius either side.
  const ImU32 zone = IM_COL32(255, 160, 60, 160);
  for (double f : {0.25, 0.5, 0.8})
    for (int side : {-1, 1}) {
      const double x = side * f * p.radiusMm;
      const double y = std::sqrt(std::max(0.0, 1.3 * 1.3 - f * f)) * p.radiusMm;
      Vec3 a = p.centre, b = p.centre;
      for (int i = 0; i < 3; ++i) {
        a[std::size_t(i)] += x * p.left[std::size_t(i)];
        b[std::size_t(i)] += x * p.left[std::size_t(i)] + y * p.back[std::size_t(i)];
      }
      dl->AddLine(at(a), at(b), zone, 1.0f);
    }
  dl->AddText(ImVec2(o.x + 6, o.y + 4), IM_COL32(230, 230, 230, 255),
              ("A   " + p.level + "   from the feet, L right").c_str());
  char info[96];
  std::snprintf(info, sizeof info, "tilt %.0f deg  %s  cut %.1f ms", tiltDeg(p),
                slabMm_ > 0 ? (std::to_string(int(slabMm_)) + " mm MIP").c_str() : "plane", resliceMs_);
  dl->AddText(ImVec2(o.x + 6, o.y + h - ImGui::GetTextLineHeight() - 4), IM_COL32(200, 200, 200, 255), info);

  // Tears within 3 mm of the plane, at their place on it.
  if (st.model())
    for (const auto& t : st.model()->tears()) {
      if (!t.geometry.is3D() || t.geometry.points.empty()) continue;
      const auto& q = t.geometry.points.front();
      const Vec3 lps{q[0], q[1], q[2]};
      if (std::fabs(distanceFromPlane(p, lps)) > 3) continue;
      const ImVec2 m = at(lps);
      const ImU32 col = t.id == st.selectedTear ? IM_COL32(255, 230, 0, 255) : IM_COL32(0, 255, 140, 255);
      dl->AddCircle(m, 7, col, 20, 2);
      const std::string label = t.id + (t.clock ? " " + std::to_string(*t.clock) + "h" : "");
      dl->AddText(ImVec2(m.x + 9, m.y - 7), col, label.c_str());
    }

  drawHiz(p, at, dl);

  ImGui::InvisibleButton("canvas", ImVec2(w, h), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
    // Drag up/down tilts about the left axis, left/right rolls: 0.25 degree per screen pixel.
    const ImVec2 d = io.MouseDelta;
    if (d.x != 0 || d.y != 0) (void)rotate(st, -0.25 * d.y, 0.25 * d.x, false);
  }
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Right) && live_) (void)save(st, *live_);
  if (ImGui::IsItemClicked(ImGuiMouseButton_Left) && tearMode_ && st.model()) {
    const Vec2 px = screenToImage(ViewState{}, g, {io.MousePos.x - o.x, io.MousePos.y - o.y});
    const Vec3 lps = planePixelToPatient(p, grid_, px[0], px[1]);
    TearAnnotation t = st.draft;
    t.observer = st.settings.reader;
    t.id.clear();
    t.trackingUid.clear();
    t.level = p.level;
    t.clock = clockOnPlane(p, lps);  // proposed from the place on the clock face; the reader confirms
    if (auto z = zoneGuideOnPlane(p, lps)) t.zone = z;
    t.geometry.kind = GeometryKind::Point3D;
    t.geometry.points = {{lps[0], lps[1], lps[2]}};
    t.geometry.frameOfReferenceUid = s.series.frameOfReferenceUid;
    auto id = st.model()->add(t);
    st.message = id ? "added " + *id + " at " + (t.clock ? std::to_string(*t.clock) : std::string("?")) +
                          " o'clock on the " + p.level + " plane (saved)"
                    : id.message();
    if (id) st.selectedTear = *id;
  }
  ImGui::EndChild();
}

// HIZ candidates within reach of the plane (3 mm, or half the slab: what the cut
// shows), at their place on it, with the clock hour the plane gives them.
void DiscPlaneView::drawHiz(const DiscPlane& p, const std::function<ImVec2(const Vec3&)>& at, ImDrawList* dl) {
  if (!hiz_) return;
  const double reach = std::max(3.0, slabMm_ / 2);
  for (const HizCandidate& c : *hiz_) {
    const Vec3 q{c.positionMm[0], c.positionMm[1], c.positionMm[2]};
    const double d = distanceFromPlane(p, q);
    if (std::fabs(d) > reach) continue;
    const ImVec2 m = at(q);
    const int hour = clockOnPlane(p, q).value_or(0);
    const float r = float(std::max(7.0, c.radiusMm / grid_.pixelMm * obliqueGeometry_.viewWidth / grid_.width * 1.6));
    dl->AddCircle(m, r, IM_COL32(0, 0, 0, 200), 24, 4.0f);
    dl->AddCircle(m, r, IM_COL32(255, 255, 0, 255), 24, 2.0f);
    const std::string label = "HIZ" + (hour ? " " + std::to_string(hour) + "h" : std::string());
    haloText(dl, ImVec2(m.x + r + 3, m.y + r - 4), IM_COL32(255, 255, 0, 255), label.c_str(), nullptr);
    shownHiz_.push_back({m.x, m.y, hour, d});
  }
}

nlohmann::json DiscPlaneView::sidecar(const AppState& st) const {
  nlohmann::json j;
  j["level"] = st.draft.level;
  j["native"] = {{"x", nativeX_},
                 {"y", nativeY_},
                 {"width", nativeGeometry_.viewWidth},
                 {"height", nativeGeometry_.viewHeight},
                 {"columns", nativeGeometry_.imageWidth},
                 {"rows", nativeGeometry_.imageHeight},
                 {"pixel_aspect", nativeGeometry_.pixelAspect}};
  j["tear_mode"] = tearMode_;
  const DiscPlane* p = plane(st);
  if (!p) return j;
  j["tilt_deg"] = tiltDeg(*p);
  j["normal"] = p->normal;
  j["centre"] = p->centre;
  j["radius_mm"] = p->radiusMm;
  j["reslice_ms"] = resliceMs_;
  j["oblique"] = {{"x", obliqueX_},
                  {"y", obliqueY_},
                  {"width", obliqueGeometry_.viewWidth},
                  {"height", obliqueGeometry_.viewHeight},
                  {"columns", grid_.width},
                  {"rows", grid_.height},
                  {"pixel_mm", grid_.pixelMm}};
  const Vec2 c = imageToScreen(ViewState{}, obliqueGeometry_, patientToPlanePixel(*p, grid_, p->centre));
  j["clock_centre"] = {obliqueX_ + c[0], obliqueY_ + c[1]};
  const Vec2 six = imageToScreen(ViewState{}, obliqueGeometry_, patientToPlanePixel(*p, grid_, clockPoint(*p, 6)));
  j["clock_six"] = {obliqueX_ + six[0], obliqueY_ + six[1]};
  j["hiz"] = nlohmann::json::array();
  for (const ShownHiz& h : shownHiz_)
    j["hiz"].push_back({{"x", h.x}, {"y", h.y}, {"clock", h.clock}, {"distance_mm", h.distanceMm}});
  return j;
}

}  // namespace annulo::app
