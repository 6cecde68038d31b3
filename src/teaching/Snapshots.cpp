#include "teaching/Snapshots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/DisplayImage.h"

namespace annulo::teaching {

int slideScale(int width) { return width <= 0 ? 1 : std::max(1, (1024 + width - 1) / width); }

Result<std::vector<Snapshot>> writeSnapshots(const std::vector<TearAnnotation>& tears,
                                             const std::vector<Series>& series, const std::optional<LeakLabels>& leak,
                                             const std::string& caseDir) {
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
        DisplayImage grey = renderSlice(s, i);
        if (grey.pixels.empty())
          return makeError("cannot render frame " + std::to_string(slice.frameNumber) + " for " + t.id);
        const int f = slideScale(grey.width);
        DisplayImage img = enlarge(toRgb(grey), f);
        if (leak && s.multiFrame) blendLeak(img, *leak, slice.frameNumber, f);
        drawTear(img, g, f);
        const double mmPerPixel = (s.spacing[0] > 0 ? s.spacing[0] : 1.0) / f;
        const double mm = grey.width * (s.spacing[0] > 0 ? s.spacing[0] : 1.0) > 60 ? 10 : 5;
        scaleBar(img, mmPerPixel, mm);
        // The tear's label beside its first point, the frame and calibration top left.
        const int text = std::max(16, img.height / 36);
        char label[160];
        std::snprintf(label, sizeof label, "%zu  %s %s, grade %d", n + 1, t.level.c_str(), token(t.type), t.grade);
        const double px = (g.points.front()[0] + 0.5) * f, py = (g.points.front()[1] + 0.5) * f;
        const int lx = px + text * 12 < img.width ? int(px) + text : std::max(0, int(px) - text * 13);
        drawText(img, lx, std::max(0, int(py) - text * 2), label, text, kTearColour);
        char corner[160];
        std::snprintf(corner, sizeof corner, "Frame %d   scale bar %.0f mm (%s)", slice.frameNumber, mm,
                      calibrationName(s.calibration.kind));
        drawText(img, text / 2, text / 2, corner, text * 3 / 4);
        Snapshot snap;
        snap.tearId = t.id;
        snap.scale = f;
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
