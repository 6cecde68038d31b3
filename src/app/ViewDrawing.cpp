#include "ViewDrawing.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "annulo/annotation/Vocabulary.h"

namespace annulo::app {



double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}


ViewGeometry geometryFor(int columns, int rows, double aspect, float w, float h) {
  return ViewGeometry{w, h, double(columns), double(rows), aspect};
}

void drawTears(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl) {
  const Series* s = st.series();
  if (!s || !st.model()) return;
  for (const auto& t : st.model()->tears()) {
    // A tear shows on the slice it lies in (a patient-space finding: the nearest slice).
    std::vector<ImVec2> pts;
    for (const Vec3& v : tearVoxels(*s, t))
      if (std::lround(v[2]) == st.frame) pts.push_back(toIm(imageToScreen(view, g, {v[0], v[1]}), origin));
    if (pts.empty()) continue;
    const bool selected = t.id == st.selectedTear;
    const ImU32 colour = selected ? IM_COL32(255, 230, 0, 255) : IM_COL32(0, 255, 140, 255);
    if (t.geometry.kind == GeometryKind::Point || t.geometry.kind == GeometryKind::Point3D || pts.size() == 1) {
      dl->AddCircle(pts[0], 7, colour, 16, 2);
      dl->AddLine(ImVec2(pts[0].x - 11, pts[0].y), ImVec2(pts[0].x - 4, pts[0].y), colour, 2);
      dl->AddLine(ImVec2(pts[0].x + 4, pts[0].y), ImVec2(pts[0].x + 11, pts[0].y), colour, 2);
    } else {
      dl->AddPolyline(pts.data(), int(pts.size()), colour, t.geometry.kind == GeometryKind::Polygon ? ImDrawFlags_Closed : 0, 2);
    }
    const std::string label = t.id + " " + t.level + " " + token(t.type) + " G" + std::to_string(t.grade);
    dl->AddText(ImVec2(pts[0].x + 10, pts[0].y - 18), colour, label.c_str());
  }
  std::vector<ImVec2> pending;
  for (const auto& p : st.tool.pending()) pending.push_back(toIm(imageToScreen(view, g, p), origin));
  for (const auto& p : pending) dl->AddCircleFilled(p, 3, IM_COL32(80, 200, 255, 255));
  if (pending.size() > 1) dl->AddPolyline(pending.data(), int(pending.size()), IM_COL32(80, 200, 255, 255), 0, 1.5f);
}

std::vector<std::uint8_t> reformatLabels(const Series& s, const std::vector<std::uint8_t>& labels, bool fixedRow, int index) {
  const int n = int(s.sliceCount()), width = fixedRow ? s.columns : s.rows;
  const std::size_t frame = std::size_t(s.columns) * std::size_t(s.rows);
  if (labels.size() < frame * std::size_t(n)) return {};
  std::vector<std::uint8_t> out(std::size_t(width) * std::size_t(n));
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < width; ++i) {
      const std::size_t idx = fixedRow ? std::size_t(index) * std::size_t(s.columns) + std::size_t(i)
                                       : std::size_t(i) * std::size_t(s.columns) + std::size_t(index);
      out[std::size_t(n - 1 - k) * std::size_t(width) + std::size_t(i)] = labels[frame * std::size_t(k) + idx];
    }
  return out;
}

std::vector<float> reformat(const Series& s, bool fixedRow, int index, int& width, int& height) {
  const int n = int(s.sliceCount());
  width = fixedRow ? s.columns : s.rows;
  height = n;
  std::vector<float> out(std::size_t(width) * std::size_t(height));
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < width; ++i) {
      const std::size_t idx = fixedRow ? std::size_t(index) * std::size_t(s.columns) + std::size_t(i)
                                       : std::size_t(i) * std::size_t(s.columns) + std::size_t(index);
      // Highest slice at the top, as radiologists read reformats.
      out[std::size_t(n - 1 - k) * std::size_t(width) + std::size_t(i)] = float(s.modalityValue(std::size_t(k), idx));
    }
  return out;
}

void commitShape(AppState& st, TearGeometry g) {
  const Series* s = st.series();
  if (!s || !st.model()) return;
  const SliceInfo& slice = s->slices[std::size_t(st.frame)];
  const bool volume = st.layout == Layout::Mpr && s->hasPatientGeometry && !s->series.frameOfReferenceUid.empty();
  if (volume && (g.kind == GeometryKind::Point || g.kind == GeometryKind::Polyline)) {
    // On MPR a mark is a place in the patient (SCOORD3D), not on one image.
    for (auto& p : g.points) {
      const Vec3 lps = s->pixelToPatient(p[0], p[1], std::size_t(st.frame));
      p = {lps[0], lps[1], lps[2]};
    }
    g.kind = g.kind == GeometryKind::Point ? GeometryKind::Point3D : GeometryKind::Polyline3D;
    g.frameOfReferenceUid = s->series.frameOfReferenceUid;
  } else {
    g.image = {slice.sopClassUid, slice.sopInstanceUid, s->series.instanceUid, s->study.instanceUid,
               s->multiFrame ? slice.frameNumber : 0};
  }
  TearAnnotation t = st.draft;
  t.id.clear();
  t.trackingUid.clear();
  t.geometry = g;
  auto id = st.model()->add(t);
  st.message = id ? "added " + *id + " (saved)" : id.message();
  if (id) st.selectedTear = *id;
}

void commitMeasurement(AppState& st, const Measurement& m) {
  const Series* s = st.series();
  if (!s) return;
  if (m.kind != MeasureKind::Catheter) {
    st.measurements.emplace_back(st.frame, m);
    return;
  }
  const TearAnnotation* sel = st.model() ? st.model()->find(st.selectedTear) : nullptr;
  if (!sel) {
    st.message = "select a tear first: the catheter path belongs to a tear";
    return;
  }
  TearAnnotation t = *sel;
  t.catheter = CatheterPlan{{m.points[0][0], m.points[0][1]}, {m.points[1][0], m.points[1][1]},
                            distanceMm(m.points[0], m.points[1], s->spacing[0], s->spacing[1]),
                            calibrationName(s->calibration.kind)};
  Status ok = st.model()->update(t);
  st.message = ok ? "catheter path " + describe(m, s->spacing[0], s->spacing[1], calibrationName(s->calibration.kind)) + " saved to " + t.id
                  : ok.message();
}

void drawMeasurements(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl) {
  const Series* s = st.series();
  if (!s) return;
  const std::string cal = calibrationName(s->calibration.kind);
  const ImU32 colour = IM_COL32(255, 220, 120, 255);
  auto draw = [&](const Measurement& m, ImU32 c) {
    std::vector<ImVec2> pts;
    for (const auto& p : m.points) pts.push_back(toIm(imageToScreen(view, g, p), origin));
    dl->AddPolyline(pts.data(), int(pts.size()), c, 0, 2);
    for (const auto& p : pts) dl->AddCircleFilled(p, 3, c);
    const ImVec2 at = pts.size() == 3 ? pts[1] : ImVec2((pts[0].x + pts[1].x) / 2, (pts[0].y + pts[1].y) / 2);
    dl->AddText(ImVec2(at.x + 8, at.y + 4), c, describe(m, s->spacing[0], s->spacing[1], cal).c_str());
  };
  for (const auto& [frame, m] : st.measurements)
    if (frame == st.frame) draw(m, colour);
  if (st.model()) {
    const SliceInfo& slice = s->slices[std::size_t(st.frame)];
    for (const auto& t : st.model()->tears())
      if (t.catheter && t.geometry.image.sopInstanceUid == slice.sopInstanceUid &&
          (t.geometry.image.frameNumber == 0 || t.geometry.image.frameNumber == slice.frameNumber))
        draw(Measurement{MeasureKind::Catheter, {{t.catheter->target[0], t.catheter->target[1]},
                                                 {t.catheter->entry[0], t.catheter->entry[1]}}},
             IM_COL32(255, 120, 220, 255));
  }
  std::vector<ImVec2> pending;
  for (const auto& p : st.measure.pending()) pending.push_back(toIm(imageToScreen(view, g, p), origin));
  for (const auto& p : pending) dl->AddCircleFilled(p, 3, colour);
}


std::optional<TearPlace> placeOf(const LoadResult& study, const TearAnnotation& t) {
  for (const auto& s : study.series) {
    const auto voxels = tearVoxels(s, t);
    if (voxels.empty()) continue;
    const int slice = int(std::lround(voxels[0][2]));
    if (slice < 0 || slice >= int(s.sliceCount())) continue;
    return TearPlace{&s, slice, {voxels[0][0], voxels[0][1]}};
  }
  return std::nullopt;
}

std::vector<Vec3> tearVoxels(const Series& s, const TearAnnotation& t) {
  std::vector<Vec3> out;
  if (t.geometry.is3D()) {
    if (!s.hasPatientGeometry || s.series.frameOfReferenceUid != t.geometry.frameOfReferenceUid) return out;
    for (const auto& p : t.geometry.points) {
      const Vec3 d{p[0] - s.origin[0], p[1] - s.origin[1], p[2] - s.origin[2]};
      auto along = [&](const Vec3& a) { return d[0] * a[0] + d[1] * a[1] + d[2] * a[2]; };
      out.push_back({along(s.direction[0]) / s.spacing[0], along(s.direction[1]) / s.spacing[1],
                     along(s.direction[2]) / s.spacing[2]});
    }
    return out;
  }
  for (std::size_t k = 0; k < s.sliceCount(); ++k)
    if (s.slices[k].sopInstanceUid == t.geometry.image.sopInstanceUid &&
        (t.geometry.image.frameNumber == 0 || s.slices[k].frameNumber == t.geometry.image.frameNumber)) {
      for (const auto& p : t.geometry.points) out.push_back({p[0], p[1], double(k)});
      break;
    }
  return out;
}

void drawTearsOnReformat(const AppState& st, int viewIndex, const ViewState& view, const ViewGeometry& g, ImVec2 origin,
                         ImDrawList* dl) {
  const Series* s = st.series();
  if (!s || !st.model() || !s->hasPatientGeometry) return;
  const int n = int(s->sliceCount());
  const double fixed = viewIndex == 1 ? st.crossColumn : st.crossRow;
  for (const auto& t : st.model()->tears()) {
    std::vector<ImVec2> pts;
    for (const Vec3& v : tearVoxels(*s, t)) {
      // Within a pixel and a half of the reformat's plane: close enough to be seen on it.
      if (std::abs((viewIndex == 1 ? v[0] : v[1]) - fixed) > 1.5) continue;
      const double x = viewIndex == 1 ? v[1] : v[0];
      pts.push_back(toIm(imageToScreen(view, g, {x, double(n - 1) - v[2]}), origin));
    }
    if (pts.empty()) continue;
    const ImU32 colour = t.id == st.selectedTear ? IM_COL32(255, 230, 0, 255) : IM_COL32(0, 255, 140, 255);
    for (const auto& p : pts) dl->AddCircle(p, 5, colour, 12, 2);
    dl->AddText(ImVec2(pts[0].x + 7, pts[0].y - 14), colour, t.id.c_str());
  }
}

}  // namespace annulo::app
