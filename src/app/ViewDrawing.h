#pragma once
// Drawing and editing helpers shared by the viewer's views: overlays in
// screen space, and the edits a finished tool produces.

#include <imgui.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "AppState.h"
#include "annulo/render/Measurement.h"

namespace annulo::app {

double nowMs();
inline ImVec2 toIm(Vec2 v, ImVec2 origin) { return ImVec2(origin.x + float(v[0]), origin.y + float(v[1])); }
ViewGeometry geometryFor(int columns, int rows, double aspect, float w, float h);

// Labels of one view placed so they do not overlap: each moves down until it is free.
class LabelPlacer {
 public:
  bool place(ImVec2& at, ImVec2 size);  // false when no free place was found nearby

 private:
  std::vector<ImVec4> taken_;
};
// Text on a dark rounded box, so it reads on any anatomy; placed by `placer` if given.
void haloText(ImDrawList* dl, ImVec2 at, ImU32 colour, const char* text, LabelPlacer* placer);
// The colour of a tear of this disc level (alpha for ghosts).
ImU32 tearColour(const std::string& level, float alpha);

// Tears on the shown frame, with id + level labels; ghosts of those on nearby cine
// frames when st.ghostTears is on.
void drawTears(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl,
               LabelPlacer& labels);
void drawMeasurements(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl);

// Orientation letters at the middle of each edge of a view whose image +x / +y point
// along `ax` / `ay` in the patient (LPS), with `sx` / `sy` mm per image pixel; follows
// the view's flips and rotation.
// Returns the letters drawn: left, right, top, bottom.
std::array<std::string, 4> drawOrientationLetters(ImDrawList* dl, ImVec2 origin, float w, float h,
                                                  const ViewState& view, const ViewGeometry& g, const Vec3& ax,
                                                  const Vec3& ay, double sx, double sy);

// Adds a finished shape as a tear on the current frame, saved before it shows.
void commitShape(AppState& st, TearGeometry g);
// A ruler or angle stays on its frame; a catheter path belongs to the selected tear.
void commitMeasurement(AppState& st, const Measurement& m);

// Where a tear lies: its series, slice and pixel. 3D points are projected
// onto the series that shares their frame of reference.
struct TearPlace {
  const Series* series = nullptr;
  int slice = 0;
  Vec2 pixel{};
};
std::optional<TearPlace> placeOf(const LoadResult& study, const TearAnnotation& t);

// A tear's points as (column, row, slice) of volume `s`, empty when it does not lie in it.
std::vector<Vec3> tearVoxels(const Series& s, const TearAnnotation& t);

}  // namespace annulo::app
