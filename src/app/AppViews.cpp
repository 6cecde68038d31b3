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
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && processing_.pick != Pick::None) {
        processingClick(processing_, image);
      } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && state_.measure.active()) {
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
      processing_.pick == Pick::None &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    state_.view.panX += io.MouseDelta.x;
    state_.view.panY += io.MouseDelta.y;
  }
  if (viewIndex != 0) {
    // Where the other planes cut this reformat: the current slice and the crosshair.
    const double sliceRow = double(int(s->sliceCount()) - 1 - state_.frame);
    const double across = viewIndex == 1 ? state_.crossRow : state_.crossColumn;
    dl->AddLine(toIm(imageToScreen(view, g, {-0.5, sliceRow}), origin),
                toIm(imageToScreen(view, g, {r.width() - 0.5, sliceRow}), origin), IM_COL32(255, 220, 80, 160));
    dl->AddLine(toIm(imageToScreen(view, g, {across, -0.5}), origin),
                toIm(imageToScreen(view, g, {across, r.height() - 0.5}), origin),
                viewIndex == 1 ? IM_COL32(80, 160, 255, 160) : IM_COL32(255, 80, 80, 160));
    drawTearsOnReformat(state_, viewIndex, view, g, origin, dl);
  }
  if (viewIndex == 0) {
    drawTears(state_, view, g, origin, dl);
    drawMeasurements(state_, view, g, origin, dl);
    drawProcessingOverlay(state_, processing_, view, g, origin, dl);
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

}  // namespace annulo::app
