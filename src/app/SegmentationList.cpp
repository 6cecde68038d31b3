#include "SegmentationList.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

namespace annulo::app {

const AdoptedSegmentation* shownSegmentation(const AppState& st) {
  const Series* s = st.series();
  if (!s) return nullptr;
  for (const AdoptedSegmentation& a : st.segmentations)
    if (a.error.empty() && a.seriesInstanceUid == s->series.instanceUid) return &a;
  return nullptr;
}

ImU32 segmentColour(int number) {
  if (number == 1) return IM_COL32(51, 153, 255, 255);
  if (number == 2) return IM_COL32(255, 140, 0, 255);
  // The shader's hue per number (0.618 turns apart), 85 % saturated.
  const float h = std::fmod(float(number) * 0.618034f, 1.0f);
  float rgb[3];
  for (int c = 0; c < 3; ++c) {
    const float k = std::fmod(h + (c == 0 ? 0.0f : c == 1 ? 2.0f / 3.0f : 1.0f / 3.0f), 1.0f);
    const float v = std::clamp(std::fabs(k * 6.0f - 3.0f) - 1.0f, 0.0f, 1.0f);
    rgb[c] = 1.0f + (v - 1.0f) * 0.85f;
  }
  return IM_COL32(int(rgb[0] * 255), int(rgb[1] * 255), int(rgb[2] * 255), 255);
}

void drawLoadedSegmentations(const AppState& st) {
  if (st.segmentations.empty()) return;
  const std::string title = "Segmentations (" + std::to_string(st.segmentations.size()) + ")###segmentations";
  if (!ImGui::CollapsingHeader(title.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) return;
  for (std::size_t i = 0; i < st.segmentations.size(); ++i) {
    const AdoptedSegmentation& a = st.segmentations[i];
    ImGui::PushID(int(i));
    const std::string name = std::filesystem::path(a.file).filename().string();
    if (!a.error.empty()) {
      ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", name.c_str());
      ImGui::TextWrapped("%s", a.error.c_str());
    } else {
      ImGui::TextWrapped("%s on %s", name.c_str(),
                         a.seriesDescription.empty() ? a.seriesInstanceUid.c_str() : a.seriesDescription.c_str());
      ImGui::Indent();
      for (const SegmentInfo& s : a.segments) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(segmentColour(s.number)), "%d", s.number);
        ImGui::SameLine();
        ImGui::TextWrapped("%s", s.label.c_str());
      }
      for (const std::string& w : a.warnings) ImGui::TextDisabled("%s", w.c_str());
      ImGui::Unindent();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", a.file.c_str());
    ImGui::PopID();
  }
}

}  // namespace annulo::app
