#include "annulo/phantom/PhantomEvaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/processing/HizDetector.h"
#include "annulo/processing/LeakSegmenter.h"

namespace annulo {

namespace {

double angleDiff(double a, double b) {
  double d = std::fmod(std::abs(a - b), 360.0);
  return d > 180 ? 360 - d : d;
}

const Series* findModality(const LoadResult& r, const std::string& modality) {
  for (const Series& s : r.series)
    if (s.series.modality == modality) return &s;
  return nullptr;
}
}  // namespace

std::vector<Point2> truthDiscOutline(const XaTruth& t, int vertices) {
  std::vector<Point2> out;
  for (int i = 0; i < vertices; ++i) {
    const double a = 2 * kPi * i / vertices;
    out.push_back({t.discCenter[0] + t.discRadiusX * std::sin(a), t.discCenter[1] - t.discRadiusY * std::cos(a)});
  }
  return out;
}

Result<PhantomScore> evaluateOnPhantom(const PhantomCase& c, const std::string& workDir) {
  PhantomOptions o;
  o.seed = c.seed;
  o.noiseScale = c.noiseScale;
  o.xaSize = c.xaSize;
  o.xaFrames = c.xaFrames;
  o.xaBitsAllocated = c.xaBits;
  o.mrSize = c.mrSize;
  o.mrSlices = c.mrSlices;
  o.writeMr = c.runHiz;
  const std::string dir =
      workDir + "/phantom-" + std::to_string(c.seed) + "-" + std::to_string(int(c.noiseScale * 100));
  auto truth = writePhantom(o, dir);
  if (!truth) return truth.error();
  auto loaded = loadSeries(dir);
  if (!loaded) return loaded.error();
  const Series* xa = findModality(*loaded, "XA");
  if (!xa) return makeError("phantom XA series did not load from " + dir);

  PhantomScore score;
  score.input = c;
  const XaTruth& t = truth->xa;
  LeakSegmentationOptions lo;
  lo.injectionPoint = t.needleTip;
  if (c.giveOutline) lo.discOutline = truthDiscOutline(t);
  const auto t0 = std::chrono::steady_clock::now();
  auto seg = segmentLeak(*xa, lo);
  score.leakSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!seg) return makeError("seed " + std::to_string(c.seed) + ": " + seg.message());

  const std::vector<std::uint8_t> mine = seg->frameLabels(t.frames);
  const std::vector<std::uint8_t> real = phantomLabelMap(t, t.frames);
  score.leakDice = diceCoefficient(mine.data(), real.data(), mine.size(), 2, 2);
  score.intradiscalDice = diceCoefficient(mine.data(), real.data(), mine.size(), 1, 1);
  score.onsetTruth = t.leakOnsetFrame;
  score.onsetFound = seg->leakOnsetFrame;
  score.finalLeakAreaMm2 = seg->finalLeakAreaMm2;
  score.truthLeakAreaMm2 = double(std::count(real.begin(), real.end(), std::uint8_t(2))) * seg->pixelAreaMm2();
  score.pathsFound = int(seg->paths.size());
  for (const TearTruth& tear : t.tears) {
    if (tear.onsetFrame < 1 || tear.onsetFrame > t.frames) continue;
    ++score.tearsTruth;
    double best = 180, exitErr = 1e9;
    for (const LeakPath& p : seg->paths) {
      const double d = angleDiff(p.directionDeg, tear.directionDeg);
      if (d < best) {
        best = d;
        exitErr = std::hypot(p.exitPoint[0] - tear.exitPoint[0], p.exitPoint[1] - tear.exitPoint[1]);
      }
    }
    score.worstDirectionErrorDeg = std::max(score.worstDirectionErrorDeg, best);
    score.worstExitErrorPx = std::max(score.worstExitErrorPx, exitErr);
  }

  if (c.runHiz) {
    const Series* mr = findModality(*loaded, "MR");
    if (!mr) return makeError("phantom MR series did not load from " + dir);
    const auto h0 = std::chrono::steady_clock::now();
    auto hiz = detectHiz(*mr);
    score.hizSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - h0).count();
    if (!hiz) return makeError("seed " + std::to_string(c.seed) + " HIZ: " + hiz.message());
    if (!hiz->empty()) {
      const auto& p = hiz->front().positionMm;
      const auto& q = truth->mr.hizPositionMm;
      score.hizDistanceMm =
          std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return score;
}

}  // namespace annulo
