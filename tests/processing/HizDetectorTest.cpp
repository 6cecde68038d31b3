// High-intensity zone detection on the phantom's sagittal T2 series (several seeds and
// noise levels), with the HIZ painted out, and on series it must refuse.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/HizDetector.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

struct Mr {
  PhantomTruth truth;
  LoadResult loaded;
  const Series& series() const { return loaded.series.front(); }
};

const Mr& mr(std::uint32_t seed, double noise) {
  static test::TempDir dir;
  static std::map<std::string, std::unique_ptr<Mr>> cache;
  const std::string key = std::to_string(seed) + "-" + std::to_string(noise);
  auto& slot = cache[key];
  if (!slot) {
    PhantomOptions o;
    o.seed = seed;
    o.noiseScale = noise;
    o.writeXa = false;
    auto t = writePhantom(o, (dir.path() / key).string());
    if (!t) throw AnnuloError(t.message());
    auto l = loadSeries((dir.path() / key / "mr").string());
    if (!l || l->series.size() != 1) throw AnnuloError("phantom MR did not load");
    slot = std::make_unique<Mr>(Mr{*t, std::move(l).value()});
  }
  return *slot;
}

double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

struct Case {
  std::uint32_t seed;
  double noise;
};
class HizAccuracy : public ::testing::TestWithParam<Case> {};

TEST_P(HizAccuracy, BestCandidateIsTheTrueHizWithinThreeMm) {
  const Mr& m = mr(GetParam().seed, GetParam().noise);
  auto found = detectHiz(m.series());
  ASSERT_TRUE(found.ok()) << found.message();
  ASSERT_FALSE(found->empty()) << "level " << m.truth.mr.hizLevel;
  const HizCandidate& best = found->front();
  EXPECT_LE(distance(best.positionMm, m.truth.mr.hizPositionMm), 3.0) << "level " << m.truth.mr.hizLevel;
  EXPECT_EQ(best.slice, m.truth.mr.hizSlice);
  EXPECT_NEAR(best.pixel[0], m.truth.mr.hizPixel[0], 3.0 / m.truth.mr.pixelSpacingMm);
  EXPECT_NEAR(best.pixel[1], m.truth.mr.hizPixel[1], 3.0 / m.truth.mr.pixelSpacingMm);
  // Position is what pixelToPatient says for that pixel and slice.
  const Vec3 p = m.series().pixelToPatient(best.pixel[0], best.pixel[1], std::size_t(best.slice - 1));
  EXPECT_NEAR(p[0], best.positionMm[0], 1e-9);
  EXPECT_NEAR(p[2], best.positionMm[2], 1e-9);
  EXPECT_GE(best.score, 0.7);
  EXPECT_GT(best.focus, best.annulus);
  EXPECT_LE(best.radiusMm, 4.5);
  // A level and how it was counted (its accuracy is only reported, see the note: the
  // walk down the spine miscounts in the sacrum).
  EXPECT_FALSE(best.level.empty());
  EXPECT_FALSE(best.levelMethod.empty());
  EXPECT_EQ(best.warnings.empty(), best.levelCertain);
  EXPECT_NEAR(best.sizeMm, 2 * m.truth.mr.hizRadiusMm, 2.0);
  EXPECT_GT(best.ratioToNucleus, 0.9);
  EXPECT_GT(best.ratioToCsf, 0.7);
  // Best first.
  for (std::size_t i = 1; i < found->size(); ++i) EXPECT_GE((*found)[i - 1].score, (*found)[i].score);
}

INSTANTIATE_TEST_SUITE_P(HizSeedsAndNoise, HizAccuracy,
                         ::testing::Values(Case{1, 0.5}, Case{2, 1.0}, Case{3, 2.0}, Case{5, 1.0}, Case{6, 2.0},
                                           Case{11, 1.0}, Case{14, 2.0}),
                         [](const auto& info) {
                           return "seed" + std::to_string(info.param.seed) + "_noise" +
                                  std::to_string(int(info.param.noise * 10));
                         });

TEST(HizDetector, NothingWhereTheHizIsPaintedOut) {
  // Copy the phantom MR and paint the HIZ over with the annulus signal around it.
  const Mr& m = mr(2, 1.0);
  PhantomOptions o;
  o.seed = 2;
  o.noiseScale = 1.0;
  o.writeXa = false;
  test::TempDir dir;
  ASSERT_TRUE(writePhantom(o, dir.path().string()).ok());
  auto l = loadSeries((dir.path() / "mr").string());
  ASSERT_TRUE(l.ok());
  Series& s = l->series.front();
  ASSERT_EQ(s.sampleType, SampleType::UInt16);
  const int slice = m.truth.mr.hizSlice - 1;
  const double cx = m.truth.mr.hizPixel[0], cy = m.truth.mr.hizPixel[1];
  const double r = m.truth.mr.hizRadiusMm / m.truth.mr.pixelSpacingMm + 1.0;
  // The annulus level: the darkest pixels just above and below the focus.
  std::uint16_t annulus = 65535;
  auto* px = reinterpret_cast<std::uint16_t*>(s.sliceData(std::size_t(slice)));
  for (int dy : {-int(r) - 2, int(r) + 2})
    annulus = std::min(annulus, px[std::size_t((int(cy) + dy) * s.columns + int(cx))]);
  for (int y = int(cy - r); y <= int(cy + r); ++y)
    for (int x = int(cx - r); x <= int(cx + r); ++x)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) px[std::size_t(y * s.columns + x)] = annulus;
  auto found = detectHiz(s);
  ASSERT_TRUE(found.ok()) << found.message();
  for (const HizCandidate& c : *found) EXPECT_GT(distance(c.positionMm, m.truth.mr.hizPositionMm), 3.0);
  EXPECT_TRUE(found->empty()) << found->size() << " candidates, first at slice " << found->front().slice;
}

TEST(HizDetector, BundledSample) {
  const auto dir = test::sourceDir() / "sample_data";
  auto truth = readPhantomTruth((dir / "truth.json").string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  auto loaded = loadSeries((dir / "mr").string());
  ASSERT_TRUE(loaded.ok() && loaded->series.size() == 1);
  auto found = detectHiz(loaded->series[0]);
  ASSERT_TRUE(found.ok()) << found.message();
  ASSERT_FALSE(found->empty());
  EXPECT_LE(distance(found->front().positionMm, truth->mr.hizPositionMm), 3.0);
}

TEST(HizDetectorBadInput, RefusesAnXrayCine) {
  PhantomOptions o;
  o.xaSize = 128;
  o.xaFrames = 8;
  o.writeMr = false;
  test::TempDir dir;
  ASSERT_TRUE(writePhantom(o, dir.path().string()).ok());
  auto l = loadSeries(dir.path().string());
  ASSERT_TRUE(l.ok() && !l->series.empty());
  auto r = detectHiz(l->series.front());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("sagittal T2 MR"), std::string::npos) << r.message();
}

TEST(HizDetectorBadInput, RefusesAnAxialSeriesAndOneWithoutGeometry) {
  Series s;
  s.series.modality = "MR";
  s.columns = s.rows = 64;
  s.sampleType = SampleType::UInt16;
  s.slices.resize(3);
  s.pixels = PixelBuffer(3 * s.sliceBytes());
  s.hasPatientGeometry = false;
  auto r = detectHiz(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("orientation"), std::string::npos) << r.message();
  s.hasPatientGeometry = true;  // identity direction: an axial stack
  r = detectHiz(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("sagittal"), std::string::npos) << r.message();
}

TEST(HizDetectorBadInput, RefusesColour) {
  Series s;
  s.series.modality = "MR";
  s.columns = s.rows = 32;
  s.samplesPerPixel = 3;
  s.sampleType = SampleType::UInt8;
  s.slices.resize(1);
  s.pixels = PixelBuffer(s.sliceBytes());
  auto r = detectHiz(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("colour"), std::string::npos);
}

}  // namespace
}  // namespace annulo
