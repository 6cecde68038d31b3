#pragma once
// Drawing and editing helpers shared by the viewer's views: overlays in
// screen space, and the edits a finished tool produces.

#include <imgui.h>

#include <optional>
#include <vector>

#include "AppState.h"
#include "annulo/render/Measurement.h"

namespace annulo::app {

double nowMs();
inline ImVec2 toIm(Vec2 v, ImVec2 origin) { return ImVec2(origin.x + float(v[0]), origin.y + float(v[1])); }
ViewGeometry geometryFor(int columns, int rows, double aspect, float w, float h);

void drawTears(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl);
void drawMeasurements(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl);

// Adds a finished shape as a tear on the current frame, saved before it shows.
void commitShape(AppState& st, TearGeometry g);
// A ruler or angle stays on its frame; a catheter path belongs to the selected tear.
void commitMeasurement(AppState& st, const Measurement& m);

// Reformat through the volume: a fixed row (coronal-like) or column (sagittal-like).
std::vector<float> reformat(const Series& s, bool fixedRow, int index, int& width, int& height);
// The label map cut the same way (empty when labels do not cover the series).
std::vector<std::uint8_t> reformatLabels(const Series& s, const std::vector<std::uint8_t>& labels, bool fixedRow, int index);

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
// Tears near the plane of an MPR reformat (viewIndex 1: fixed column, 2: fixed row).
void drawTearsOnReformat(const AppState& st, int viewIndex, const ViewState& view, const ViewGeometry& g, ImVec2 origin,
                         ImDrawList* dl);

}  // namespace annulo::app
