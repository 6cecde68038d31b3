#pragma once
// Text the user cannot read whole: glyphs that a window's clip rectangle cuts on the
// left or right (a label wider than its panel, a value label at a view's edge).
// Found in ImGui's draw data after a frame, from the font atlas coordinates of each
// glyph quad, for the screenshot sidecar and the GUI tests. ImGui skips the glyphs
// wholly outside the clip rectangle and draws the one that straddles it, so a cut
// label leaves its last drawn glyph touching or crossing the edge (within 2 px): that
// is what is counted. Text that ends exactly at an edge by chance would count too.

#include <imgui.h>

#include <string>
#include <vector>

namespace annulo::app {

struct ClippedText {
  std::string window;  // the ImGui window that drew it
  float x = 0, y = 0;  // screen position of the first cut glyph
  std::string text;    // the cut glyph(s) on that line
};

std::vector<ClippedText> findClippedText(const ImDrawData* data);

}  // namespace annulo::app
