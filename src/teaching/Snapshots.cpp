#include "teaching/Snapshots.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/DisplayImage.h"

namespace annulo::teaching {

int slideScale(int width) { return width <= 0 ? 1 : std::max(1, (1024 + width - 1) / width); }

namespace {

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 minus(const std::array<double, 3>& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }

// A 3D tear on the slice of a volume of its frame of reference nearest its first
// point: the slice index, the distance (mm) and the points in that slice's pixels.
struct OnSlice {
  const Series* series = nullptr;
  std::size_t slice = 0;
  double distanceMm = 0;
  TearGeometry geometry;
};

std::optional<OnSlice> nearestSlice(const TearGeometry& g, const std::vector<Series>& series) {
  std::optional<OnSlice> best;
  for (const auto& s : series) {
    if (s.multiFrame || !s.hasPatientGeometry || s.series.frameOfReferenceUid != g.frameOfReferenceUid) continue;
    for (std::size_t i = 0; i < s.slices.size(); ++i) {
      const double d = std::abs(dot(minus(g.points.front(), s.slices[i].position), s.direction[2]));
      if (best && d >= best->distanceMm) continue;
      best = OnSlice{&s, i, d, {}};
    }
  }
  if (!best) return best;
  const Series& s = *best->series;
  const Vec3& origin = s.slices[best->slice].position;
  best->geometry.kind = g.points.size() == 1 ? GeometryKind::Point : GeometryKind::Polyline;
  for (const auto& p : g.points)
    best->geometry.points.push_back({dot(minus(p, origin), s.direction[0]) / s.spacing[0],
                                     dot(minus(p, origin), s.direction[1]) / s.spacing[1], 0});
  return best;
}

}  // namespace

Result<std::vector<Snapshot>> writeSnapshots(const std::vector<TearAnnotation>& tears,
                                             const std::vector<Series>& series, const std::optional<LeakLabels>& leak,
                                             const std::string& caseDir, double lineScale) {
  std::vector<Snapshot> out;
  std::filesystem::create_directories(std::filesystem::path(caseDir) / "snapshots");
  for (std::size_t n = 0; n < tears.size(); ++n) {
    const auto& t = tears[n];
    const auto& g = t.geometry;
    if (g.points.empty()) continue;
    std::optional<OnSlice> volume;
    if (g.is3D() && !(volume = nearestSlice(g, series))) continue;
    for (const auto& s : series) {
      for (std::size_t i = 0; i < s.slices.size(); ++i) {
        const auto& slice = s.slices[i];
        if (volume ? (volume->series != &s || volume->slice != i)
                   : (slice.sopInstanceUid != g.image.sopInstanceUid ||
                      slice.frameNumber != std::max(1, g.image.frameNumber)))
          continue;
        const TearGeometry& mark = volume ? volume->geometry : g;
        char where[96];
        if (volume)
          std::snprintf(where, sizeof where, "%s slice %zu of %zu (%.1f mm from the mark)", s.series.modality.c_str(),
                        i + 1, s.slices.size(), volume->distanceMm);
        else
          std::snprintf(where, sizeof where, "frame %d", slice.frameNumber);
        DisplayImage grey = renderSlice(s, i);
        if (grey.pixels.empty())
          return makeError("cannot render frame " + std::to_string(slice.frameNumber) + " for " + t.id);
        const int f = slideScale(grey.width);
        DisplayImage img = enlarge(toRgb(grey), f);
        if (leak && s.multiFrame) blendLeak(img, *leak, slice.frameNumber, f);
        drawTear(img, mark, f, lineScale);
        const double mmPerPixel = (s.spacing[0] > 0 ? s.spacing[0] : 1.0) / f;
        const double mm = grey.width * (s.spacing[0] > 0 ? s.spacing[0] : 1.0) > 60 ? 10 : 5;
        scaleBar(img, mmPerPixel, mm);
        // The tear's label beside its first point, the frame and calibration top left.
        const int text = std::max(16, img.height / 36);
        char label[160];
        std::snprintf(label, sizeof label, "%zu  %s %s, grade %d", n + 1, t.level.c_str(), token(t.type), t.grade);
        const double px = (mark.points.front()[0] + 0.5) * f, py = (mark.points.front()[1] + 0.5) * f;
        const int lx = px + text * 12 < img.width ? int(px) + text : std::max(0, int(px) - text * 13);
        drawText(img, lx, std::max(0, int(py) - text * 2), label, text, kTearColour);
        char corner[160];
        std::snprintf(corner, sizeof corner, "%s   scale bar %.0f mm (%s)", where, mm,
                      calibrationName(s.calibration.kind));
        corner[0] = char(std::toupper(static_cast<unsigned char>(corner[0])));
        drawText(img, text / 2, text / 2, corner, text * 3 / 4);
        Snapshot snap;
        snap.tearId = t.id;
        snap.scale = f;
        snap.file = "snapshots/tear-" + std::to_string(n + 1) + ".png";  // ids are free text, not kept
        char caption[256];
        std::snprintf(caption, sizeof caption, "Tear %zu: %s, %s, Dallas grade %d, %s; scale bar %.0f mm (%s)", n + 1,
                      t.level.c_str(), token(t.type), t.grade, where, mm, calibrationName(s.calibration.kind));
        snap.caption = caption;
        if (Status st = writePng(img, (std::filesystem::path(caseDir) / snap.file).string()); !st) return st.error();
        out.push_back(snap);
      }
    }
  }
  return out;
}

}  // namespace annulo::teaching
