#include "teaching/Snapshots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/DisplayImage.h"

namespace annulo::teaching {
namespace {

DisplayImage toRgb(const DisplayImage& in) {
  if (in.channels == 3) return in;
  DisplayImage out{in.width, in.height, 3, {}};
  out.pixels.reserve(in.pixels.size() * 3);
  for (std::uint8_t v : in.pixels) out.pixels.insert(out.pixels.end(), {v, v, v});
  return out;
}

void put(DisplayImage& img, long x, long y, const std::array<std::uint8_t, 3>& c) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  std::uint8_t* p = &img.pixels[std::size_t((y * img.width + x) * 3)];
  p[0] = c[0], p[1] = c[1], p[2] = c[2];
}

void disc(DisplayImage& img, double cx, double cy, double r, const std::array<std::uint8_t, 3>& c) {
  for (long y = long(std::floor(cy - r)); y <= long(std::ceil(cy + r)); ++y)
    for (long x = long(std::floor(cx - r)); x <= long(std::ceil(cx + r)); ++x)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) put(img, x, y, c);
}

void line(DisplayImage& img, const std::array<double, 3>& a, const std::array<double, 3>& b, double width,
          const std::array<std::uint8_t, 3>& c) {
  const double len = std::hypot(b[0] - a[0], b[1] - a[1]);
  const int steps = std::max(1, int(std::ceil(len * 2)));
  for (int i = 0; i <= steps; ++i) {
    const double t = double(i) / steps;
    disc(img, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), width / 2, c);
  }
}

void drawTear(DisplayImage& img, const TearGeometry& g, double scale) {
  const double w = std::max(2.0, 2.0 * scale);
  if (g.points.size() == 1) disc(img, g.points[0][0], g.points[0][1], std::max(3.0, 4.0 * scale), kTearColour);
  for (std::size_t i = 1; i < g.points.size(); ++i) line(img, g.points[i - 1], g.points[i], w, kTearColour);
  if (g.kind == GeometryKind::Polygon && g.points.size() > 2)
    line(img, g.points.back(), g.points.front(), w, kTearColour);
}

void blendLeak(DisplayImage& img, const LeakLabels& leak, int frame) {
  if (leak.columns != img.width || leak.rows != img.height || frame < 1 || frame > leak.frames) return;
  const std::size_t base = std::size_t(frame - 1) * std::size_t(img.width) * std::size_t(img.height);
  for (std::size_t i = 0; i < std::size_t(img.width) * std::size_t(img.height); ++i) {
    if ((*leak.labels)[base + i] != 2) continue;
    for (int k = 0; k < 3; ++k)
      img.pixels[i * 3 + std::size_t(k)] =
          std::uint8_t((img.pixels[i * 3 + std::size_t(k)] + kLeakColour[std::size_t(k)]) / 2);
  }
}

// White bar with a black edge, bottom left, `mm` long at `mmPerPixel`.
void scaleBar(DisplayImage& img, double mmPerPixel, double mm) {
  const long length = long(std::lround(mm / mmPerPixel)), thick = std::max(3L, long(img.height / 100));
  const long x0 = img.width / 20, y0 = img.height - img.height / 20 - thick;
  for (long y = y0 - 1; y <= y0 + thick; ++y)
    for (long x = x0 - 1; x <= x0 + length; ++x) put(img, x, y, {0, 0, 0});
  for (long y = y0; y < y0 + thick; ++y)
    for (long x = x0; x < x0 + length; ++x) put(img, x, y, {255, 255, 255});
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
    if (g.is3D() || g.points.empty()) continue;
    for (const auto& s : series) {
      for (std::size_t i = 0; i < s.slices.size(); ++i) {
        const auto& slice = s.slices[i];
        if (slice.sopInstanceUid != g.image.sopInstanceUid || slice.frameNumber != std::max(1, g.image.frameNumber))
          continue;
        DisplayImage img = toRgb(renderSlice(s, i));
        if (img.pixels.empty())
          return makeError("cannot render frame " + std::to_string(slice.frameNumber) + " for " + t.id);
        if (leak && s.multiFrame) blendLeak(img, *leak, slice.frameNumber);
        drawTear(img, g, lineScale * img.width / 512.0);
        const double mmPerPixel = s.spacing[0] > 0 ? s.spacing[0] : 1.0;
        const double mm = img.width * mmPerPixel > 60 ? 10 : 5;
        scaleBar(img, mmPerPixel, mm);
        Snapshot snap;
        snap.tearId = t.id;
        snap.file = "snapshots/tear-" + std::to_string(n + 1) + ".png";  // ids are free text, not kept
        char caption[256];
        std::snprintf(caption, sizeof caption, "Tear %zu: %s, %s, Dallas grade %d, frame %d; scale bar %.0f mm (%s)",
                      n + 1, t.level.c_str(), token(t.type), t.grade, slice.frameNumber, mm,
                      calibrationName(s.calibration.kind));
        snap.caption = caption;
        if (Status st = writePng(img, (std::filesystem::path(caseDir) / snap.file).string()); !st) return st.error();
        out.push_back(snap);
      }
    }
  }
  return out;
}

}  // namespace annulo::teaching
