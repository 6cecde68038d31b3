// Contrast-leak segmentation against the phantom's truth, over several seeds and
// noise levels, plus the bundled sample and the bad inputs a user can give.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/phantom/PhantomEvaluation.h"
#include "annulo/processing/LeakSegmenter.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

double angleDiff(double a, double b) {
  double d = std::fmod(std::abs(a - b), 360.0);
  return d > 180 ? 360 - d : d;
}

// Phantom cines written once per (seed, noise) and loaded like a user's files.
struct Cine {
  PhantomTruth truth;
  LoadResult loaded;
  const Series& xa() const { return loaded.series.front(); }
};

const Cine& cine(std::uint32_t seed, double noise, int size = 256, int frames = 24) {
  static test::TempDir dir;
  static std::map<std::string, std::unique_ptr<Cine>> cache;
  const std::string key =
      std::to_string(seed) + "-" + std::to_string(noise) + "-" + std::to_string(size) + "-" + std::to_string(frames);
  auto& slot = cache[key];
  if (!slot) {
    PhantomOptions o;
    o.seed = seed;
    o.noiseScale = noise;
    o.xaSize = size;
    o.xaFrames = frames;
    o.writeMr = false;
    auto t = writePhantom(o, (dir.path() / key).string());
    if (!t) throw AnnuloError(t.message());
    auto l = loadSeries((dir.path() / key / "xa").string());
    if (!l || l->series.size() != 1) throw AnnuloError("phantom cine did not load");
    slot = std::make_unique<Cine>(Cine{*t, std::move(l).value()});
  }
  return *slot;
}

// A copy of the series' metadata with its own pixel buffer (Series is move-only).
Series copySeries(const Series& s, std::size_t firstFrame, std::size_t frames) {
  Series c;
  c.patient = s.patient;
  c.study = s.study;
  c.series = s.series;
  c.sopClassUid = s.sopClassUid;
  c.photometric = s.photometric;
  c.slices.assign(s.slices.begin() + std::ptrdiff_t(firstFrame),
                  s.slices.begin() + std::ptrdiff_t(firstFrame + frames));
  c.columns = s.columns;
  c.rows = s.rows;
  c.samplesPerPixel = s.samplesPerPixel;
  c.bitsAllocated = s.bitsAllocated;
  c.bitsStored = s.bitsStored;
  c.sampleType = s.sampleType;
  c.multiFrame = s.multiFrame;
  c.spacing = s.spacing;
  c.calibration = s.calibration;
  c.invertDisplay = s.invertDisplay;
  c.timing = s.timing;
  c.header = s.header;
  c.pixels = PixelBuffer(frames * s.sliceBytes());
  std::memcpy(c.pixels.data(), s.sliceData(firstFrame), frames * s.sliceBytes());
  return c;
}

struct Case {
  std::uint32_t seed;
  double noise;
};

class LeakAccuracy : public ::testing::TestWithParam<Case> {};

// What the estimated-outline run achieves on one case (cached: the same run is
// the baseline of TrueOutlineGivesTheSameOrBetter).
struct Achieved {
  double leakDice = 0;
  int onsetError = 99;
};
const Achieved& estimatedOutlineRun(const Case& c) {
  static std::map<std::pair<std::uint32_t, double>, Achieved> cache;
  auto it = cache.find({c.seed, c.noise});
  if (it != cache.end()) return it->second;
  const Cine& k = cine(c.seed, c.noise);
  const XaTruth& t = k.truth.xa;
  LeakSegmentationOptions o;
  o.injectionPoint = t.needleTip;
  Achieved a;
  if (auto r = segmentLeak(k.xa(), o); r.ok()) {
    const auto mine = r->frameLabels(t.frames);
    const auto truth = phantomLabelMap(t, t.frames);
    a.leakDice = diceCoefficient(mine.data(), truth.data(), mine.size(), 2, 2);
    if (r->leakOnsetFrame) a.onsetError = std::abs(*r->leakOnsetFrame - t.leakOnsetFrame);
  }
  return cache[{c.seed, c.noise}] = a;
}

// Today's accuracy (leak Dice 0.966-1.000 over these cases, 2026-12-02) less a
// small margin: a regression shows long before the 0.90 target is missed.
constexpr double kLeakDiceFloor = 0.955;

// The targets, with the disc outline estimated (what `segment` does without --disc).
TEST_P(LeakAccuracy, MeetsTargetsWithEstimatedOutline) {
  const Case c = GetParam();
  const Cine& k = cine(c.seed, c.noise);
  const XaTruth& t = k.truth.xa;
  LeakSegmentationOptions o;
  o.injectionPoint = t.needleTip;
  auto r = segmentLeak(k.xa(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->discOutlineEstimated);

  const auto mine = r->frameLabels(t.frames);
  const auto truth = phantomLabelMap(t, t.frames);
  const double dice = diceCoefficient(mine.data(), truth.data(), mine.size(), 2, 2);
  std::printf("[ info ] seed %u noise %.1f: leak Dice %.4f, onset %d (true %d)\n", c.seed, c.noise, dice,
              r->leakOnsetFrame.value_or(-1), t.leakOnsetFrame);
  EXPECT_GE(dice, 0.90) << "seed " << c.seed << " noise " << c.noise;  // the target
  EXPECT_GE(dice, kLeakDiceFloor) << "regression below today's accuracy";
  EXPECT_GE(diceCoefficient(mine.data(), truth.data(), mine.size(), 1, 1), 0.90);

  ASSERT_TRUE(r->leakOnsetFrame.has_value());
  // Exact at low noise (as measured); one frame of slack only where noise hides it.
  if (c.noise <= 1.0) {
    EXPECT_EQ(*r->leakOnsetFrame, t.leakOnsetFrame) << "found " << *r->leakOnsetFrame;
  } else {
    EXPECT_LE(std::abs(*r->leakOnsetFrame - t.leakOnsetFrame), 1) << "found " << *r->leakOnsetFrame;
  }
  EXPECT_NEAR(*r->leakOnsetMs, k.xa().slices[std::size_t(*r->leakOnsetFrame - 1)].timeMs, 1e-9);

  // Every true tear has a path within 15 degrees whose exit is near the true exit.
  for (const TearTruth& tear : t.tears) {
    double best = 180, exitError = 1e9;
    for (const LeakPath& p : r->paths) {
      const double d = angleDiff(p.directionDeg, tear.directionDeg);
      if (d < best)
        best = d, exitError = std::hypot(p.exitPoint[0] - tear.exitPoint[0], p.exitPoint[1] - tear.exitPoint[1]);
    }
    EXPECT_LE(best, 15.0) << "tear at " << tear.directionDeg << " deg";
    EXPECT_LE(exitError, 4.0);
  }
  EXPECT_EQ(r->paths.size(), t.tears.size());
}

TEST_P(LeakAccuracy, TrueOutlineGivesTheSameOrBetter) {
  const Case c = GetParam();
  const Cine& k = cine(c.seed, c.noise);
  const XaTruth& t = k.truth.xa;
  LeakSegmentationOptions o;
  o.injectionPoint = t.needleTip;
  o.discOutline = truthDiscOutline(t);
  auto r = segmentLeak(k.xa(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_FALSE(r->discOutlineEstimated);
  EXPECT_EQ(r->discOutlineMethod, "given");
  const auto mine = r->frameLabels(t.frames);
  const auto truth = phantomLabelMap(t, t.frames);
  const double dice = diceCoefficient(mine.data(), truth.data(), mine.size(), 2, 2);
  EXPECT_GE(dice, 0.93);
  ASSERT_TRUE(r->leakOnsetFrame.has_value());
  // "The same or better" than the same case with the outline estimated.
  const Achieved& estimated = estimatedOutlineRun(c);
  EXPECT_GE(dice, estimated.leakDice - 0.002) << "the true outline did worse than the estimated one";
  EXPECT_LE(std::abs(*r->leakOnsetFrame - t.leakOnsetFrame), estimated.onsetError);
}

INSTANTIATE_TEST_SUITE_P(LeakSeedsAndNoise, LeakAccuracy,
                         ::testing::Values(Case{1, 0.5}, Case{2, 1.0}, Case{3, 2.0}, Case{5, 1.0}, Case{6, 2.0},
                                           Case{7, 0.5}, Case{9, 2.0}, Case{12, 1.0}, Case{4, 0.1}),
                         [](const auto& info) {
                           return "seed" + std::to_string(info.param.seed) + "_noise" +
                                  std::to_string(int(info.param.noise * 100));
                         });

TEST(LeakSegmenter, MotionIsRecoveredToATenthOfAPixel) {
  const Cine& k = cine(3, 2.0);
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  auto r = segmentLeak(k.xa(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->referenceFrame, 1);  // the truth's motion is relative to frame 1
  for (const LeakFrame& f : r->perFrame) {
    EXPECT_NEAR(f.motion.dx, k.truth.xa.motion[std::size_t(f.frame - 1)][0], 0.1) << "frame " << f.frame;
    EXPECT_NEAR(f.motion.dy, k.truth.xa.motion[std::size_t(f.frame - 1)][1], 0.1) << "frame " << f.frame;
  }
}

TEST(LeakSegmenter, PerFrameAreasFollowTheTruthAndUseTheMagnificationCorrectedSpacing) {
  const Cine& k = cine(2, 1.0);
  const XaTruth& t = k.truth.xa;
  LeakSegmentationOptions o;
  o.injectionPoint = t.needleTip;
  auto r = segmentLeak(k.xa(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->calibration, Calibration::MagnificationCorrected);
  const double pixelMm = t.imagerPixelSpacingMm / t.magnification;
  EXPECT_NEAR(r->pixelAreaMm2(), pixelMm * pixelMm, 1e-9);
  ASSERT_EQ(r->perFrame.size(), std::size_t(t.frames));
  for (const LeakFrame& f : r->perFrame) {
    const auto truth = phantomLabelMap(t, f.frame);
    const double leak = double(std::count(truth.begin(), truth.end(), std::uint8_t(2))) * pixelMm * pixelMm;
    const double inside = double(std::count(truth.begin(), truth.end(), std::uint8_t(1))) * pixelMm * pixelMm;
    EXPECT_NEAR(f.leakAreaMm2, leak, std::max(1.0, 0.15 * leak)) << "frame " << f.frame;
    EXPECT_NEAR(f.intradiscalAreaMm2, inside, std::max(2.0, 0.1 * inside)) << "frame " << f.frame;
    EXPECT_NEAR(f.timeMs, k.xa().slices[std::size_t(f.frame - 1)].timeMs, 1e-9);
  }
  EXPECT_DOUBLE_EQ(r->finalLeakAreaMm2, r->perFrame.back().leakAreaMm2);
  // The leak only grows here, so the union over frames is about the last frame's leak.
  EXPECT_GE(r->accumulatedLeakAreaMm2, 0.95 * r->finalLeakAreaMm2);
  EXPECT_LE(r->accumulatedLeakAreaMm2, 1.3 * r->finalLeakAreaMm2);
}

TEST(LeakSegmenter, SixteenBitCineLargerAndLonger) {
  PhantomOptions o;
  o.seed = 4;
  o.xaSize = 384;
  o.xaFrames = 36;
  o.xaBitsAllocated = 16;
  o.writeMr = false;
  test::TempDir dir;
  auto t = writePhantom(o, dir.path().string());
  ASSERT_TRUE(t.ok()) << t.message();
  auto l = loadSeries((dir.path() / "xa").string());
  ASSERT_TRUE(l.ok() && l->series.size() == 1);
  ASSERT_EQ(l->series[0].sampleType, SampleType::UInt16);
  LeakSegmentationOptions so;
  so.injectionPoint = t->xa.needleTip;
  auto r = segmentLeak(l->series[0], so);
  ASSERT_TRUE(r.ok()) << r.message();
  const auto mine = r->frameLabels(o.xaFrames);
  const auto truth = phantomLabelMap(t->xa, o.xaFrames);
  EXPECT_GE(diceCoefficient(mine.data(), truth.data(), mine.size(), 2, 2), 0.90);
  ASSERT_TRUE(r->leakOnsetFrame.has_value());
  EXPECT_LE(std::abs(*r->leakOnsetFrame - t->xa.leakOnsetFrame), 1);
}

TEST(LeakSegmenter, BundledSampleMatchesItsTruth) {
  const auto dir = test::sourceDir() / "sample_data";
  ASSERT_TRUE(std::filesystem::exists(dir / "truth.json"));
  auto truth = readPhantomTruth((dir / "truth.json").string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  auto loaded = loadSeries((dir / "xa").string());
  ASSERT_TRUE(loaded.ok() && loaded->series.size() == 1);
  LeakSegmentationOptions o;
  o.injectionPoint = truth->xa.needleTip;
  auto r = segmentLeak(loaded->series[0], o);
  ASSERT_TRUE(r.ok()) << r.message();
  const XaTruth& t = truth->xa;
  const auto mine = r->frameLabels(t.frames);
  const auto real = phantomLabelMap(t, t.frames);
  EXPECT_GE(diceCoefficient(mine.data(), real.data(), mine.size(), 2, 2), 0.90);
  ASSERT_TRUE(r->leakOnsetFrame.has_value());
  EXPECT_LE(std::abs(*r->leakOnsetFrame - t.leakOnsetFrame), 1);
  ASSERT_EQ(r->paths.size(), t.tears.size());
  for (const TearTruth& tear : t.tears) {
    double best = 180;
    for (const LeakPath& p : r->paths) best = std::min(best, angleDiff(p.directionDeg, tear.directionDeg));
    EXPECT_LE(best, 15.0);
  }
}

// Contrast dark in MONOCHROME2 is the same contrast bright in MONOCHROME1: inverting
// the stored values and the photometric interpretation must not change the answer.
TEST(LeakSegmenter, Monochrome1CineGivesTheSameSegmentation) {
  const Cine& k = cine(5, 1.0);
  Series inverted = copySeries(k.xa(), 0, k.xa().sliceCount());
  ASSERT_EQ(inverted.sampleType, SampleType::UInt8);
  for (std::size_t i = 0; i < inverted.pixels.size(); ++i)
    inverted.pixels.data()[i] = std::uint8_t(255 - inverted.pixels.data()[i]);
  inverted.photometric = "MONOCHROME1";
  inverted.invertDisplay = true;
  inverted.header.reset();  // no PixelIntensityRelationshipSign: photometric decides
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  auto a = segmentLeak(k.xa(), o);
  auto b = segmentLeak(inverted, o);
  ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.message() : a.message());
  EXPECT_NE(b->polarity.find("MONOCHROME1"), std::string::npos) << b->polarity;
  EXPECT_TRUE(b->warnings.empty() || b->warnings.front().find("polarity") == std::string::npos);
  const auto la = a->frameLabels(a->frames), lb = b->frameLabels(b->frames);
  EXPECT_GE(diceCoefficient(la.data(), lb.data(), la.size(), 2, 2), 0.95);
  EXPECT_EQ(a->leakOnsetFrame, b->leakOnsetFrame);
}

// A header that lies about polarity (inverted data still labelled MONOCHROME2):
// the contrast at the needle tip decides, and the user is told.
TEST(LeakSegmenter, PolarityComesFromTheDataWhenTheHeaderDisagrees) {
  const Cine& k = cine(5, 1.0);
  Series inverted = copySeries(k.xa(), 0, k.xa().sliceCount());
  for (std::size_t i = 0; i < inverted.pixels.size(); ++i)
    inverted.pixels.data()[i] = std::uint8_t(255 - inverted.pixels.data()[i]);
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  auto r = segmentLeak(inverted, o);
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings.front().find("polarity"), std::string::npos);
  const auto mine = r->frameLabels(r->frames);
  const auto truth = phantomLabelMap(k.truth.xa, r->frames);
  EXPECT_GE(diceCoefficient(mine.data(), truth.data(), mine.size(), 2, 2), 0.85);
}

TEST(LeakSegmenter, NoLeakBeforeTheTearOpens) {
  const Cine& k = cine(7, 1.0);
  const int frames = k.truth.xa.leakOnsetFrame - 1;  // frames 1..onset-1 only
  ASSERT_GE(frames, 4);
  Series early = copySeries(k.xa(), 0, std::size_t(frames));
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  auto r = segmentLeak(early, o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_FALSE(r->leakOnsetFrame.has_value());
  EXPECT_TRUE(r->paths.empty());
  EXPECT_LT(r->finalLeakAreaMm2, 0.5);
  EXPECT_GT(r->perFrame.back().intradiscalAreaMm2, 20.0);  // the nucleus did fill
}

TEST(LeakSegmenter, GivenMaskFrameIsUsed) {
  const Cine& k = cine(1, 1.0);
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  o.maskFrame = 1;
  auto r = segmentLeak(k.xa(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->maskFirstFrame, 1);
  EXPECT_EQ(r->maskLastFrame, 1);
  EXPECT_EQ(r->referenceFrame, 1);
}

// ------------------------------------------------------------------ bad input

TEST(LeakSegmenterBadInput, SeedOutsideTheImage) {
  const Cine& k = cine(1, 1.0);
  LeakSegmentationOptions o;
  o.injectionPoint = {300, 20};
  auto r = segmentLeak(k.xa(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("outside the 256 x 256 image"), std::string::npos) << r.message();
  o.injectionPoint = {-3, 100};
  EXPECT_FALSE(segmentLeak(k.xa(), o).ok());
  o.injectionPoint = {std::nan(""), 100};
  EXPECT_FALSE(segmentLeak(k.xa(), o).ok());
}

TEST(LeakSegmenterBadInput, SingleFrameIsNotACine) {
  const Cine& k = cine(1, 1.0);
  Series one = copySeries(k.xa(), 10, 1);
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  auto r = segmentLeak(one, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("at least 2 frames"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("has 1 frame"), std::string::npos) << r.message();
}

TEST(LeakSegmenterBadInput, ColourSeries) {
  Series s;
  s.columns = s.rows = 32;
  s.samplesPerPixel = 3;
  s.photometric = "RGB";
  s.sampleType = SampleType::UInt8;
  s.slices.resize(4);
  s.pixels = PixelBuffer(4 * s.sliceBytes());
  LeakSegmentationOptions o;
  o.injectionPoint = {16, 16};
  auto r = segmentLeak(s, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("colour"), std::string::npos) << r.message();
}

TEST(LeakSegmenterBadInput, EmptyOrDegenerateDiscOutline) {
  const Cine& k = cine(1, 1.0);
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  o.discOutline = {{10, 10}, {20, 20}};
  auto r = segmentLeak(k.xa(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("disc outline is empty"), std::string::npos) << r.message();
  o.discOutline = {{10, 10}, {20, 20}, {30, 30}};  // collinear: no area
  r = segmentLeak(k.xa(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("no area"), std::string::npos) << r.message();
}

TEST(LeakSegmenterBadInput, SeedOutsideTheGivenOutline) {
  const Cine& k = cine(1, 1.0);
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  o.discOutline = {{0, 0}, {20, 0}, {20, 20}, {0, 20}};
  auto r = segmentLeak(k.xa(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("not inside the given disc outline"), std::string::npos) << r.message();
}

TEST(LeakSegmenterBadInput, SeedWhereNoContrastArrives) {
  const Cine& k = cine(1, 1.0);
  LeakSegmentationOptions o;
  o.injectionPoint = {20, 230};  // soft tissue in a corner
  auto r = segmentLeak(k.xa(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("no contrast appears at the injection point"), std::string::npos) << r.message();
}

TEST(LeakSegmenterBadInput, MaskFrameOutOfRange) {
  const Cine& k = cine(1, 1.0);
  LeakSegmentationOptions o;
  o.injectionPoint = k.truth.xa.needleTip;
  o.maskFrame = 99;
  auto r = segmentLeak(k.xa(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("mask frame 99 out of range"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace annulo
