#include "ClippedText.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

namespace annulo::app {
namespace {

// Top-left atlas coordinate of every glyph of the font, to its code point.
std::map<std::pair<float, float>, unsigned> glyphIndex(const ImFont* font) {
  std::map<std::pair<float, float>, unsigned> out;
  for (const ImFontGlyph& g : font->Glyphs)
    if (g.Visible) out[{g.U0, g.V0}] = g.Codepoint;
  return out;
}

std::string utf8(unsigned c) {
  std::string s;
  if (c < 0x80)
    s += char(c);
  else if (c < 0x800)
    s += char(0xC0 | (c >> 6)), s += char(0x80 | (c & 0x3F));
  else
    s += char(0xE0 | (c >> 12)), s += char(0x80 | ((c >> 6) & 0x3F)), s += char(0x80 | (c & 0x3F));
  return s;
}

}  // namespace

std::vector<ClippedText> findClippedText(const ImDrawData* data) {
  std::vector<ClippedText> out;
  if (!data || !ImGui::GetFont()) return out;
  const auto glyphs = glyphIndex(ImGui::GetFont());
  const ImTextureID fontTexture = ImGui::GetIO().Fonts->TexID;
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    std::set<unsigned> seen;  // a glyph quad is two triangles that start at its top-left vertex
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != fontTexture) continue;
      const ImVec4 clip = cmd.ClipRect;
      ClippedText* run = nullptr;
      for (unsigned i = cmd.IdxOffset; i + 2 < cmd.IdxOffset + cmd.ElemCount; i += 3) {
        const unsigned v = cmd.VtxOffset + list->IdxBuffer[int(i)];
        if (v + 3 >= unsigned(list->VtxBuffer.Size) || !seen.insert(v).second) continue;
        const ImDrawVert& a = list->VtxBuffer[int(v)];
        auto g = glyphs.find({a.uv.x, a.uv.y});
        if (g == glyphs.end()) continue;
        const ImDrawVert& c = list->VtxBuffer[int(v + 2)];
        // Touching the edge counts: the glyphs after it were skipped as wholly outside.
        const bool cut = c.pos.x > clip.z - 2.0f || a.pos.x < clip.x - 1.0f;
        const bool shown = a.pos.y < clip.w && c.pos.y > clip.y;  // off-screen scroll rows are not cut text
        if (!cut || !shown) continue;
        if (!run || std::fabs(run->y - a.pos.y) > 1.0f) {
          out.push_back({list->_OwnerName ? list->_OwnerName : "?", a.pos.x, a.pos.y, ""});
          run = &out.back();
        }
        run->text += utf8(g->second);
      }
    }
  }
  return out;
}

}  // namespace annulo::app
