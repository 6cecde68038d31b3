#include "ViewDrawing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "annulo/annotation/Vocabulary.h"
#include "annulo/render/Orientation.h"

namespace annulo::app {

double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

ViewGeometry geometryFor(int columns, int rows, double aspect, float w, float h) {
  return ViewGeometry{w, h, double(columns), double(rows), aspect};
}

ImU32 tearColour(const std::string& level, float alpha) {
  // One colour per disc level, none of them the leak paths' amber, the intradiscal
  // blue or the leak orange: a tear never reads as an automatic result.
  static const ImVec4 palette[] = {{0.15f, 1.0f, 0.55f, 1}, {1.0f, 0.35f, 0.9f, 1},  {0.3f, 0.85f, 1.0f, 1},
                                   {0.75f, 1.0f, 0.2f, 1},  {1.0f, 0.55f, 0.55f, 1}, {0.7f, 0.6f, 1.0f, 1}};
  const auto& levels = discLevels();
  const auto it = std::find(levels.begin(), levels.end(), level);
  const std::size_t i = it == levels.end() ? 0 : std::size_t(it - levels.begin());
  ImVec4 c = palette[(levels.size() - 1 - i) % 6];  // counted from L5-S1, so the lumbar levels differ
  c.w = alpha;
  return ImGui::ColorConvertFloat4ToU32(c);
}

bool LabelPlacer::place(ImVec2& at, ImVec2 size) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    const ImVec4 r(at.x, at.y, at.x + size.x, at.y + size.y);
    const bool overlaps = std::any_of(taken_.begin(), taken_.end(), [&](const ImVec4& o) {
      return r.x < o.z && o.x < r.z && r.y < o.w && o.y < r.w;
    });
    if (!overlaps) {
      taken_.push_back(r);
      return true;
    }
    at.y += size.y + 2;  // the next line down
  }
  taken_.push_back(ImVec4(at.x, at.y, at.x + size.x, at.y + size.y));
  return false;
}

void haloText(ImDrawList* dl, ImVec2 at, ImU32 colour, const char* text, LabelPlacer* placer) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  if (placer) placer->place(at, ImVec2(size.x + 6, size.y + 2));
  // Labels of values stay inside the view: moved in from its edges, never cut.
  const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
  at.x = std::max(lo.x + 4, std::min(at.x, hi.x - size.x - 6));
  at.y = std::max(lo.y + 2, std::min(at.y, hi.y - size.y - 2));
  dl->AddRectFilled(ImVec2(at.x - 3, at.y - 1), ImVec2(at.x + size.x + 3, at.y + size.y + 1), IM_COL32(0, 0, 0, 170),
                    3);
  dl->AddText(at, colour, text);
}

namespace {

// A dark outline under the coloured stroke reads on bright and dark anatomy alike.
void tearShape(ImDrawList* dl, const std::vector<ImVec2>& pts, GeometryKind kind, ImU32 colour, bool selected,
               bool ghost) {
  const float width = selected ? 3.5f : 2.5f;
  const ImU32 halo = ghost ? IM_COL32(0, 0, 0, 60) : IM_COL32(0, 0, 0, 220);
  if (kind == GeometryKind::Point || kind == GeometryKind::Point3D || pts.size() == 1) {
    const ImVec2 p = pts[0];
    for (int pass = 0; pass < 2; ++pass) {
      const ImU32 c = pass == 0 ? halo : colour;
      const float w = pass == 0 ? width + 2.5f : width;
      dl->AddCircle(p, 7, c, 16, w);
      // The ticks start outside the ring: a faint ghost must not double its colour where they meet.
      dl->AddLine(ImVec2(p.x - 15, p.y), ImVec2(p.x - 9.5f, p.y), c, w);
      dl->AddLine(ImVec2(p.x + 9.5f, p.y), ImVec2(p.x + 15, p.y), c, w);
      dl->AddLine(ImVec2(p.x, p.y - 15), ImVec2(p.x, p.y - 9.5f), c, w);
      dl->AddLine(ImVec2(p.x, p.y + 9.5f), ImVec2(p.x, p.y + 15), c, w);
    }
  } else {
    const ImDrawFlags closed = kind == GeometryKind::Polygon ? ImDrawFlags_Closed : 0;
    dl->AddPolyline(pts.data(), int(pts.size()), halo, closed, width + 2.5f);
    dl->AddPolyline(pts.data(), int(pts.size()), colour, closed, width);
    for (const auto& p : pts) dl->AddCircleFilled(p, width, colour);
  }
  if (selected) dl->AddCircle(pts[0], 16, IM_COL32(255, 255, 255, 230), 24, 1.5f);
}

}  // namespace

std::array<std::string, 4> drawOrientationLetters(ImDrawList* dl, ImVec2 origin, float w, float h,
                                                  const ViewState& view, const ViewGeometry& g, const Vec3& ax,
                                                  const Vec3& ay, double sx, double sy) {
  const Vec2 centre{w / 2.0, h / 2.0};
  const Vec2 c = screenToImage(view, g, centre);
  auto letters = [&](double ex, double ey) {
    const Vec2 p = screenToImage(view, g, {centre[0] + ex, centre[1] + ey});
    const double dx = (p[0] - c[0]) * sx, dy = (p[1] - c[1]) * sy;
    return orientationLetters({dx * ax[0] + dy * ay[0], dx * ax[1] + dy * ay[1], dx * ax[2] + dy * ay[2]});
  };
  const ImU32 colour = IM_COL32(255, 255, 160, 255);
  const std::string left = letters(-1, 0), right = letters(1, 0), top = letters(0, -1), bottom = letters(0, 1);
  const float lh = ImGui::GetTextLineHeight();
  haloText(dl, ImVec2(origin.x + 6, origin.y + h / 2 - lh / 2), colour, left.c_str(), nullptr);
  haloText(dl, ImVec2(origin.x + w - 8 - ImGui::CalcTextSize(right.c_str()).x, origin.y + h / 2 - lh / 2), colour,
           right.c_str(), nullptr);
  haloText(dl, ImVec2(origin.x + w / 2 - ImGui::CalcTextSize(top.c_str()).x / 2, origin.y + 22), colour, top.c_str(),
           nullptr);
  haloText(dl, ImVec2(origin.x + w / 2 - ImGui::CalcTextSize(bottom.c_str()).x / 2, origin.y + h - lh - 26), colour,
           bottom.c_str(), nullptr);
  return {left, right, top, bottom};
}

void drawTears(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin, ImDrawList* dl,
               LabelPlacer& labels) {
  const Series* s = st.series();
  if (!s || !st.model()) return;
  const bool cine = s->multiFrame && s->sliceCount() > 1;
  for (const auto& t : st.model()->tears()) {
    // A tear shows on the frame it lies on (a patient-space finding: the nearest slice);
    // on a cine, faintly on the frames near it too, so it does not vanish in playback.
    const auto voxels = tearVoxels(*s, t);
    if (voxels.empty()) continue;
    const long away = std::labs(std::lround(voxels[0][2]) - st.frame);
    const bool ghost = away != 0;
    if (ghost && (!cine || !st.ghostTears || away > st.ghostFrames)) continue;
    std::vector<ImVec2> pts;
    for (const Vec3& v : voxels) pts.push_back(toIm(imageToScreen(view, g, {v[0], v[1]}), origin));
    const bool selected = t.id == st.selectedTear;
    const ImU32 colour = tearColour(t.level, ghost ? 0.35f : 1.0f);
    tearShape(dl, pts, t.geometry.kind, colour, selected, ghost);
    if (ghost) continue;
    const std::string label = t.id + " " + t.level;
    haloText(dl, ImVec2(pts[0].x + 14, pts[0].y - 20), colour, label.c_str(), &labels);
  }
  std::vector<ImVec2> pending;
  for (const auto& p : st.tool.pending()) pending.push_back(toIm(imageToScreen(view, g, p), origin));
  for (const auto& p : pending) dl->AddCircleFilled(p, 3, IM_COL32(80, 200, 255, 255));
  if (pending.size() > 1) dl->AddPolyline(pending.data(), int(pending.size()), IM_COL32(80, 200, 255, 255), 0, 1.5f);
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
  t.observer = st.settings.reader;  // who marked it (the SR's observer context follows)
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
  t.catheter = CatheterPlan{{m.points[0][0], m.points[0][1]},
                            {m.points[1][0], m.points[1][1]},
                            distanceMm(m.points[0], m.points[1], s->spacing[0], s->spacing[1]),
                            calibrationName(s->calibration.kind)};
  Status ok = st.model()->update(t);
  st.message = ok ? "catheter path " + describe(m, s->spacing[0], s->spacing[1], calibrationName(s->calibration.kind)) +
                        " saved to " + t.id
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
    haloText(dl, ImVec2(at.x + 8, at.y + 4), c, describe(m, s->spacing[0], s->spacing[1], cal).c_str(), nullptr);
  };
  for (const auto& [frame, m] : st.measurements)
    if (frame == st.frame) draw(m, colour);
  if (st.model()) {
    const SliceInfo& slice = s->slices[std::size_t(st.frame)];
    for (const auto& t : st.model()->tears())
      if (t.catheter && t.geometry.image.sopInstanceUid == slice.sopInstanceUid &&
          (t.geometry.image.frameNumber == 0 || t.geometry.image.frameNumber == slice.frameNumber))
        draw(
            Measurement{MeasureKind::Catheter,
                        {{t.catheter->target[0], t.catheter->target[1]}, {t.catheter->entry[0], t.catheter->entry[1]}}},
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

}  // namespace annulo::app
