#include "ProgressiveView.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "ViewDrawing.h"
#include "annulo/render/CineClock.h"

namespace annulo::app {

void ProgressiveView::reset(std::uint64_t id) {
  *this = ProgressiveView{};
  id_ = id;
  renderer_ = std::make_unique<SliceRenderer>();  // a fresh texture: the last preview's Series pointer is gone
}

bool ProgressiveView::draw(const LoadPreview& preview, float w, float h, double now) {
  if (preview.id() != id_ || !renderer_) reset(preview.id());
  if (playing_ && !times_.empty()) {
    const CineClock clock(times_);
    wanted_ = std::size_t(clock.frameAt(now - playStartedMs_ + playOffsetMs_, 1.0, true));
  }
  preview.read([&](const Series& s, const DecodeProgress& progress) {
    if (!haveInfo_) {
      haveInfo_ = true;
      multiFrame_ = s.multiFrame && s.sliceCount() > 1;
      columns_ = s.columns;
      rows_ = s.rows;
      aspect_ = s.spacing[1] / s.spacing[0];
      for (const auto& sl : s.slices) times_.push_back(sl.timeMs);
      modality_ = s.series.modality;
      window_ = defaultWindow(s);
      wanted_ = multiFrame_ ? 0 : s.sliceCount() / 2;
    }
    // Only a slice the loader reported final goes up (the nearest one while the wanted is missing).
    const std::size_t k = progress.nearestDecoded(0, wanted_);
    if (k < progress.sliceCount(0) && progress.isDecoded(0, k) && k != shown_) {
      if (shown_ == kNone) decodedAtFirst_ = progress.decodedCount(0);
      renderer_->setSlice(s, k);
      shown_ = k;
      shownLog_.push_back(k);
    }
  });
  if (shown_ == kNone) return false;

  // Top line: what is loading, how far, and playback over the decoded frames.
  const std::size_t decoded = preview.decoded(), total = preview.total();
  char text[160];
  std::snprintf(text, sizeof text, "Loading %s: %zu/%zu %s decoded", modality_.c_str(), decoded, total,
                multiFrame_ ? "frames" : "slices");
  ImGui::TextUnformatted(text);
  if (multiFrame_) {
    ImGui::SameLine();
    const bool toggle = ImGui::SmallButton(playing_ ? "Pause" : "Play") ||
                        (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_SPACE));
    if (toggle && playing_)
      playing_ = false;
    else if (toggle)
      play(now);
  }
  const float top = ImGui::GetCursorPosY();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float vh = std::max(1.0f, h - top);
  x_ = origin.x;
  y_ = origin.y;
  w_ = w;
  h_ = vh;
  const ViewGeometry g = geometryFor(columns_, rows_, aspect_, w, vh);
  const Vec2 c[4] = {{-0.5, -0.5}, {columns_ - 0.5, -0.5}, {columns_ - 0.5, rows_ - 0.5}, {-0.5, rows_ - 0.5}};
  ImVec2 corners[4];
  for (int i = 0; i < 4; ++i) corners[i] = toIm(imageToScreen(ViewState{}, g, c[i]), origin);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  OverlayStyle none;
  none.show = false;
  renderer_->draw(dl, corners, window_, none);
  char corner[96];
  std::snprintf(corner, sizeof corner, "%s %zu/%zu", multiFrame_ ? "frame" : "slice", shown_ + 1, times_.size());
  dl->AddText(ImVec2(origin.x + 8, origin.y + 6), IM_COL32(230, 230, 230, 255), corner);
  ImGui::Dummy(ImVec2(w, vh));
  return true;
}

void ProgressiveView::play(double now) {
  if (!multiFrame_) return;
  playing_ = true;
  playStartedMs_ = now;
  playOffsetMs_ = shown_ < times_.size() ? times_[shown_] : 0;
}

void ProgressiveView::handOver(AppState& st, double now) const {
  const Series* s = st.series();
  if (!s || shown_ == kNone || shown_ >= s->sliceCount() || s->sliceCount() != times_.size()) return;
  st.frame = int(shown_);
  if (playing_ && s->multiFrame) {
    st.cine.playing = true;
    st.cine.startedAtMs = now;
    st.cine.startOffsetMs = s->slices[shown_].timeMs;
  }
}

nlohmann::json ProgressiveView::describe(const LoadPreview& preview) const {
  return {{"view", {{"x", x_}, {"y", y_}, {"width", w_}, {"height", h_}}},
          {"image", {{"columns", columns_}, {"rows", rows_}, {"pixel_aspect", aspect_}}},
          {"zoom", 1.0},
          {"pan", {0.0, 0.0}},
          {"frame", shown_ == kNone ? 0 : int(shown_) + 1},
          {"loading", {{"decoded", preview.decoded()}, {"total", preview.total()}}}};
}

}  // namespace annulo::app
