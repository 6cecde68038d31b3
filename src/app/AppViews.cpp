// The image views of the viewer: 2D, MPR, 3D and the side-by-side disc view.

#include <GL/glew.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "Application.h"
#include "ViewDrawing.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/render/CineClock.h"
#include "annulo/render/Orientation.h"

namespace annulo::app {

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
  // The reformats of the MPR layout are drawn by drawReformat (MprViews.cpp).
  const ViewGeometry g = geometryFor(r.width(), r.height(), s->spacing[1] / s->spacing[0], w, h);
  const ViewState view = viewIndex == 0 ? state_.view : ViewState{};
  if (viewIndex == 0) viewGeometry_ = g;
  ImVec2 corners[4];
  const Vec2 c[4] = {
      {-0.5, -0.5}, {r.width() - 0.5, -0.5}, {r.width() - 0.5, r.height() - 0.5}, {-0.5, r.height() - 0.5}};
  for (int i = 0; i < 4; ++i) corners[i] = toIm(imageToScreen(view, g, c[i]), origin);
  r.draw(dl, corners, state_.window, state_.overlay);
  ImGui::InvisibleButton("canvas", ImVec2(w, h), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const ImGuiIO& io = ImGui::GetIO();
  // MPR: the reformats' lines; a press on a handle turns a plane instead of clicking the image.
  const bool turning = viewIndex == 0 && state_.layout == Layout::Mpr && s->hasPatientGeometry && s->sliceCount() > 1 &&
                       mprOnNative(*s, view, g, origin, ImGui::GetWindowDrawList(),
                                   ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left));
  if (ImGui::IsItemHovered() && !turning) {
    const Vec2 screen{io.MousePos.x - origin.x, io.MousePos.y - origin.y};
    const Vec2 image = screenToImage(view, g, screen);
    if (viewIndex == 0) {
      state_.hover = image;
      if (io.MouseWheel != 0) state_.view = zoomAbout(state_.view, g, screen, std::pow(1.15, io.MouseWheel));
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && teachingClick(state_, image)) {
        // a corner of a blanking rectangle (Teach tab)
      } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && processing_.pick != Pick::None) {
        processingClick(processing_, image);
      } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && state_.measure.active()) {
        if (auto m = state_.measure.click(image)) commitMeasurement(state_, *m);
      } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && state_.tool.active()) {
        if (auto shape = state_.tool.click(image)) commitShape(state_, *shape);
      }
      if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
        if (auto shape = state_.tool.finish()) commitShape(state_, *shape);
    }
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
    const double range = state_.window.width * 2;
    state_.window = dragWindow(state_.window, io.MouseDelta.x, io.MouseDelta.y, range);
  }
  if (viewIndex == 0 && !turning && ImGui::IsItemActive() && !state_.tool.active() && !state_.measure.active() &&
      !state_.teaching.blankTool && processing_.pick == Pick::None && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    state_.view.panX += io.MouseDelta.x;
    state_.view.panY += io.MouseDelta.y;
  }
  // Orientation letters on every edge: the 2D image from its geometry (or, for a
  // projection, its Patient Orientation); a reformat from the volume's axes.
  if (viewIndex == 0) {
    if (auto axes = imageAxes(*s))
      orientation_[0] =
          drawOrientationLetters(dl, origin, w, h, view, g, axes->first, axes->second, s->spacing[0], s->spacing[1]);
  }
  if (viewIndex == 0) {
    LabelPlacer labels;
    drawProcessingOverlay(state_, processing_, view, g, origin, dl, labels);
    drawTears(state_, view, g, origin, dl, labels);  // on top of the automatic results
    drawMeasurements(state_, view, g, origin, dl);
    drawTeachingOverlay(state_, view, g, origin, dl);
    drawLegend(state_, origin, w, dl);
    if (state_.layout == Layout::Mpr) {
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

// The annulogram tear and the MRI finding of one disc, next to each other.
void Application::drawCompare() {
  if (state_.compareLevel.empty() || !state_.model() || !state_.study) return;
  bool open = true;
  ImGui::SetNextWindowSize(ImVec2(820, 460), ImGuiCond_Appearing);
  if (ImGui::Begin(("Disc " + state_.compareLevel + "###compare").c_str(), &open)) {
    const auto discs = state_.model()->byDisc();
    auto it = discs.find(state_.compareLevel);
    int shown = 0;
    if (it != discs.end()) {
      const float w = (ImGui::GetContentRegionAvail().x - 8) / 2, h = ImGui::GetContentRegionAvail().y;
      for (const TearAnnotation* t : it->second) {
        if (shown == 2) break;
        auto place = placeOf(state_.study->loaded(), *t);
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
        const Vec2 c[4] = {
            {-0.5, -0.5}, {r.width() - 0.5, -0.5}, {r.width() - 0.5, r.height() - 0.5}, {-0.5, r.height() - 0.5}};
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

// The session's tears that lie in the shown series, with their voxels: computed once
// per frame for both the 3D markers and their labels.
std::vector<Application::PlacedTear> Application::placedTears() const {
  std::vector<PlacedTear> out;
  const Series* s = state_.series();
  if (!s || !state_.model()) return out;
  for (const auto& t : state_.model()->tears())
    if (auto voxels = tearVoxels(*s, t); !voxels.empty()) out.push_back({&t, std::move(voxels)});
  return out;
}

// Tears, HIZ candidates and the injection point of the shown series, as the 3D
// scene draws them (always on top: a finding must not hide behind anatomy).
std::vector<Marker3D> Application::sceneMarkers(const std::vector<PlacedTear>& tears) const {
  std::vector<Marker3D> out;
  const Series* s = state_.series();
  if (!s) return out;
  for (const auto& [tear, voxels] : tears) {
    const TearAnnotation& t = *tear;
    Marker3D m;
    m.voxels = voxels;
    m.closed = t.geometry.kind == GeometryKind::Polygon;
    m.colour = t.id == state_.selectedTear ? std::array<float, 3>{1, 0.9f, 0} : std::array<float, 3>{0, 1, 0.55f};
    out.push_back(m);
    if (t.catheter && !t.geometry.is3D()) {
      // The planned trajectory lies on the tear's image: entry to target at its frame.
      const double z = m.voxels[0][2];
      out.push_back(
          {{{t.catheter->entry[0], t.catheter->entry[1], z}, {t.catheter->target[0], t.catheter->target[1], z}},
           false,
           {0.3f, 0.85f, 1.0f}});
    }
  }
  if (processing_.hizSeries == s)
    for (const auto& c : processing_.hiz)
      out.push_back({{{c.pixel[0], c.pixel[1], double(c.slice - 1)}}, false, {1, 1, 0}});
  if (processing_.injection && volume_->timeStack()) {
    // The needle tip stays put while the frames go by: a line through time.
    const double x = (*processing_.injection)[0], y = (*processing_.injection)[1];
    out.push_back({{{x, y, 0}, {x, y, double(s->sliceCount() - 1)}}, false, {1, 0.25f, 0.25f}});
  }
  return out;
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
  if (changed)
    preset_ = s->series.modality == "CT"                                   ? VolumePreset::CtBone
              : (s->series.modality == "XA" || s->series.modality == "RF") ? VolumePreset::Fluoro
                                                                           : VolumePreset::MrT2;
  ImGui::SetNextItemWidth(260);
  if (ImGui::BeginCombo("preset", presetName(preset_))) {
    for (VolumePreset p : {VolumePreset::MrT2, VolumePreset::CtBone, VolumePreset::Fluoro})
      if (ImGui::Selectable(presetName(p), p == preset_)) preset_ = p;
    ImGui::EndCombo();
  }
  const bool haveLabels = state_.labels().size() >= std::size_t(s->columns) * std::size_t(s->rows) * s->sliceCount();
  if (haveLabels) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(190);
    if (ImGui::BeginCombo("labels", labelDisplayName(labelDisplay_))) {
      for (LabelDisplay d : {LabelDisplay::Surface, LabelDisplay::Overlay, LabelDisplay::Off})
        if (ImGui::Selectable(labelDisplayName(d), d == labelDisplay_)) labelDisplay_ = d;
      ImGui::EndCombo();
    }
  }
  volume_->setPreset(preset_, state_.window.center, state_.window.width);
  volume_->setLabels(haveLabels ? state_.labels().data() : nullptr, state_.labelsVersion());
  volume_->setLabelStyle(state_.overlay.show ? labelDisplay_ : LabelDisplay::Off, state_.overlay.opacity,
                         state_.overlay.intradiscal, state_.overlay.leak);
  const std::vector<PlacedTear> tears = placedTears();
  volume_->setMarkers(sceneMarkers(tears));
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
  drawVolumeLabels(origin, tears);
  drawOrientationMarker(*s, origin, avail);
}

// Three axes in the lower left corner turning with the camera, named by the patient
// direction of each volume axis (a cine stack's depth is time).
void Application::drawOrientationMarker(const Series& s, ImVec2 origin, ImVec2 size) {
  const auto r = volume_->viewRotation();
  const auto axes = imageAxes(s);
  const Vec3 normal = s.hasPatientGeometry ? s.direction[2] : Vec3{0, 0, 0};
  struct Axis {
    Vec3 world;
    std::string name;
    ImU32 colour;
  };
  const Axis list[3] = {
      {{1, 0, 0}, axes ? orientationLetters(axes->first) : "col", IM_COL32(255, 90, 90, 255)},
      {{0, 1, 0}, axes ? orientationLetters(axes->second) : "row", IM_COL32(90, 255, 90, 255)},
      {{0, 0, 1}, volume_->timeStack() ? "time" : orientationLetters(normal), IM_COL32(90, 160, 255, 255)}};
  const ImVec2 c(origin.x + 48, origin.y + size.y - 48);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddCircleFilled(c, 40, IM_COL32(0, 0, 0, 140), 24);
  for (const Axis& a : list) {
    const double x = r[0] * a.world[0] + r[1] * a.world[1] + r[2] * a.world[2];
    const double y = r[3] * a.world[0] + r[4] * a.world[1] + r[5] * a.world[2];
    const ImVec2 tip(c.x + float(x) * 30, c.y - float(y) * 30);
    dl->AddLine(c, tip, a.colour, 2.5f);
    dl->AddText(ImVec2(tip.x + 2, tip.y - 7), a.colour, a.name.c_str());
  }
}

// Names next to what the scene shows, and the time axis of a cine stack. The
// projected points are kept for the screenshot's sidecar (tests find them there).
void Application::drawVolumeLabels(ImVec2 origin, const std::vector<PlacedTear>& tears) {
  const Series* s = state_.series();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  scenePoints_.clear();
  auto at = [&](const Voxel& v) -> std::optional<ImVec2> {
    auto p = volume_->project(v);
    if (!p) return std::nullopt;
    return ImVec2(origin.x + float((*p)[0]), origin.y + float((*p)[1]));
  };
  for (const auto& [tear, voxels] : tears) {
    const TearAnnotation& t = *tear;
    const auto p = at(voxels[0]);
    if (!p) continue;
    const ImU32 colour = t.id == state_.selectedTear ? IM_COL32(255, 230, 0, 255) : IM_COL32(0, 255, 140, 255);
    dl->AddText(ImVec2(p->x + 10, p->y - 18), colour, (t.id + " " + t.level + " " + token(t.type)).c_str());
    scenePoints_.push_back({"tear", t.id, p->x, p->y});
    if (t.catheter && !t.geometry.is3D())
      if (const auto e = at({t.catheter->entry[0], t.catheter->entry[1], voxels[0][2]})) {
        char text[64];
        std::snprintf(text, sizeof text, "catheter %.1f mm", t.catheter->lengthMm);
        dl->AddText(
            ImVec2(std::clamp(e->x + 8, origin.x + 4, origin.x + viewW_ - 140), std::max(e->y - 8, origin.y + 40)),
            IM_COL32(80, 215, 255, 255), text);
      }
  }
  if (processing_.hizSeries == s)
    for (const auto& c : processing_.hiz)
      if (const auto p = at({c.pixel[0], c.pixel[1], double(c.slice - 1)}))
        dl->AddText(ImVec2(p->x + 10, p->y - 18), IM_COL32(255, 255, 0, 255), "HIZ");
  const bool labelsShown = state_.overlay.show && labelDisplay_ != LabelDisplay::Off;
  for (const auto& info : volume_->labelSurfaces()) {
    const auto p = at(info.anchor);
    if (p && labelsShown) scenePoints_.push_back({"label", std::to_string(info.label), p->x, p->y});
  }
  if (volume_->timeStack()) {
    // The time axis along the stack's lowest edge that lies wholly in view.
    const double n = double(s->sliceCount() - 1), c = s->columns - 1, r = s->rows - 1;
    const ImVec2 lo = origin, hi(origin.x + viewW_, origin.y + viewH_);
    auto inView = [&](const ImVec2& p) { return p.x >= lo.x && p.y >= lo.y && p.x < hi.x - 150 && p.y < hi.y - 16; };
    std::optional<std::pair<ImVec2, ImVec2>> axis;
    for (const auto& [x, y] : {std::pair<double, double>{0, 0}, {c, 0}, {0, r}, {c, r}}) {
      const auto a = at({x, y, 0}), b = at({x, y, n});
      if (a && b && inView(*a) && inView(*b) && (!axis || a->y + b->y > axis->first.y + axis->second.y))
        axis = {{*a, *b}};
    }
    // The shown frame as an outline across the stack.
    ImVec2 corner[4];
    int seen = 0;
    for (const auto& [x, y] : {std::pair<double, double>{0, 0}, {c, 0}, {c, r}, {0, r}})
      if (const auto p = at({x, y, double(state_.frame)})) corner[seen++] = *p;
    if (seen == 4) dl->AddPolyline(corner, 4, IM_COL32(120, 200, 255, 160), ImDrawFlags_Closed, 1.0f);
    if (axis) {
      const auto [a, b] = *axis;
      dl->AddLine(a, b, IM_COL32(200, 200, 200, 200), 1.5f);
      char last[64];
      std::snprintf(last, sizeof last, "frame %zu  %.0f ms", s->sliceCount(), s->slices.back().timeMs);
      dl->AddText(ImVec2(a.x + 4, a.y + 2), IM_COL32(220, 220, 220, 255), "frame 1  (time axis)");
      dl->AddText(ImVec2(b.x + 4, b.y + 2), IM_COL32(220, 220, 220, 255), last);
    }
  }
  const std::string title = std::string(volume_->cpuRayCast() ? "3D  CPU ray cast (software GL)" : "3D  GPU ray cast") +
                            (volume_->timeStack() ? "  |  cine as a space-time stack" : "") +
                            (volume_->reduced() ? "  |  block-averaged (large volume)" : "");
  dl->AddText(ImVec2(origin.x + 8, origin.y + 6), IM_COL32(230, 230, 230, 255), title.c_str());
  if (!volume_->labelSurfaces().empty()) {
    std::string legend;
    for (const auto& i : volume_->labelSurfaces())
      legend += (i.label == 1 ? "intradiscal " : "leak ") + std::to_string(i.voxels) + " voxels  ";
    dl->AddText(ImVec2(origin.x + 8, origin.y + 22), IM_COL32(230, 230, 230, 255), legend.c_str());
  }
}

void Application::drawViews(double now) {
  if (state_.opening.running() && state_.preview) {  // progressive display: the frames decoded so far
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (progressive_->draw(*state_.preview, avail.x, avail.y, now)) {
      state_.hover.reset();
      return;
    }
  }
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
    ImGui::TextWrapped(state_.opening.running() ? "Loading..."
                                                : "Open a study (file, folder or DICOMDIR) in the panel on the left.");
    return;
  }
  views_[0]->setSlice(*s, std::size_t(state_.frame));
  const std::size_t frameLabels = std::size_t(s->columns) * std::size_t(s->rows);
  views_[0]->setLabels(state_.labels().size() >= frameLabels * (std::size_t(state_.frame) + 1)
                           ? state_.labels().data() + frameLabels * std::size_t(state_.frame)
                           : nullptr,
                       s->columns, s->rows, state_.labelsVersion());
  if (state_.layout == Layout::Mpr) {
    drawMpr(avail.x, avail.y);
  } else if (state_.layout == Layout::View3D) {
    drawVolume(avail.x, avail.y);
  } else if (state_.layout == Layout::DiscPlane) {
    discView_->draw(state_, avail.x, avail.y, processing_.hizSeries == s ? &processing_.hiz : nullptr);
  } else {
    drawSliceView(*views_[0], 0, "view2d", avail.x, ImGui::GetContentRegionAvail().y);
  }
}

}  // namespace annulo::app
