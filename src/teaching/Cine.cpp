#include "teaching/Cine.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "annulo/dicom/DisplayImage.h"
#include "teaching/MovieWriter.h"

namespace annulo::teaching {

Result<Cine> writeCine(const Series& s, const std::optional<LeakLabels>& leak, const std::string& caseDir,
                       const std::string& name, const CineOptions& options) {
  namespace fs = std::filesystem;
  Cine cine;
  cine.file = "cine/" + name + ".webm";
  const fs::path path = fs::path(caseDir) / cine.file;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const std::size_t n = s.slices.size();
  if (n < 2) return makeError(s.series.instanceUid + ": a cine needs at least two frames");
  // The file's timing; a series without one (every time 0) plays at 15 frames/s.
  bool timed = true;
  for (std::size_t i = 1; i < n; ++i) timed = timed && s.slices[i].timeMs > s.slices[i - 1].timeMs;
  const double fallbackMs = 1000.0 / 15.0;
  cine.timing = timed ? (s.timing.source.empty() ? std::string("frame times") : s.timing.source)
                      : std::string("no frame timing in the file: 15 frames/s");
  cine.leakOverlay = leak && leak->columns == s.columns && leak->rows == s.rows && leak->frames == int(n);
  const double mm = s.columns * (s.spacing[0] > 0 ? s.spacing[0] : 1.0) > 60 ? 10 : 5;

  auto writer = MovieWriter::open(path.string(), s.columns, s.rows);
  if (!writer) return writer.error();
  for (std::size_t i = 0; i < n; ++i) {
    if (options.cancel && options.cancel->load()) {
      writer->reset();
      fs::remove(path, ec);
      return makeError(path.string() + ": cine cancelled");
    }
    DisplayImage img = toRgb(renderSlice(s, i));
    if (img.width != s.columns || img.height != s.rows) {
      writer->reset();
      fs::remove(path, ec);
      return makeError(path.string() + ": frame " + std::to_string(i + 1) + " does not render");
    }
    if (cine.leakOverlay) blendLeak(img, *leak, s.slices[i].frameNumber > 0 ? s.slices[i].frameNumber : int(i + 1));
    scaleBar(img, s.spacing[0] > 0 ? s.spacing[0] : 1.0, mm);
    const double t = timed ? s.slices[i].timeMs - s.slices[0].timeMs : double(i) * fallbackMs;
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "Frame %zu/%zu   %.0f ms", i + 1, n, t);
    drawText(img, std::max(4, s.columns / 64), std::max(4, s.columns / 64), stamp, std::max(12, s.rows / 40));
    if (Status st = (*writer)->add(img, t); !st) {
      writer->reset();
      fs::remove(path, ec);
      return st.error();
    }
    cine.durationMs = t;
    if (options.progress) options.progress(float(i + 1) / float(n));
  }
  if (Status st = (*writer)->finish(); !st) {
    fs::remove(path, ec);
    return st.error();
  }
  cine.frames = (*writer)->frames();
  cine.framesPerSecond = cine.durationMs > 0 ? (cine.frames - 1) * 1000.0 / cine.durationMs : 0;
  char caption[256];
  std::snprintf(caption, sizeof caption, "%d frames, %.1f frames/s (%s)%s; scale bar %.0f mm (%s)", cine.frames,
                cine.framesPerSecond, cine.timing.c_str(), cine.leakOverlay ? ", leak in orange" : "", mm,
                calibrationName(s.calibration.kind));
  cine.caption = caption;
  return cine;
}

}  // namespace annulo::teaching
