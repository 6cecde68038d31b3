// Motion estimation, DSA mask subtraction and intensity projection.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/MotionCorrection.h"
#include "annulo/processing/Subtraction.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

// A smooth textured scene sampled at (x - dx, y - dy): known sub-pixel translation.
FloatImage scene(int w, int h, double dx, double dy) {
  FloatImage img(PixelBox{0, 0, w, h});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double u = x - dx, v = y - dy;
      img.at(x, y) = float(std::sin(u * 0.21) * std::cos(v * 0.17) + 0.5 * std::sin((u + 2 * v) * 0.09) +
                           (std::hypot(u - 60, v - 50) < 12 ? 1.0 : 0.0));
    }
  return img;
}

TEST(SubtractMotion, PhaseCorrelationThenRefinementRecoverASubPixelShift) {
  const FloatImage ref = scene(128, 128, 0, 0);
  for (const Shift2 truth : {Shift2{0.37, -0.81}, Shift2{-2.6, 1.25}, Shift2{4.1, 3.3}}) {
    const FloatImage moved = scene(128, 128, truth.dx, truth.dy);
    const ShiftEstimate pc = phaseCorrelate(ref, moved, 64, 64, 64);
    EXPECT_NEAR(pc.shift.dx, truth.dx, 0.5);
    EXPECT_NEAR(pc.shift.dy, truth.dy, 0.5);
    EXPECT_GT(pc.confidence, 0.1);
    const TranslationRefiner refiner(ref, PixelBox{16, 16, 112, 112});
    const ShiftEstimate fine = refiner.refine(moved, pc.shift);
    EXPECT_NEAR(fine.shift.dx, truth.dx, 0.03);
    EXPECT_NEAR(fine.shift.dy, truth.dy, 0.03);
  }
}

TEST(SubtractMotion, RefinementIgnoresNewContrast) {
  const FloatImage ref = scene(128, 128, 0, 0);
  FloatImage moved = scene(128, 128, 0.6, -0.4);
  for (int y = 40; y < 70; ++y)
    for (int x = 30; x < 90; ++x) moved.at(x, y) += 1.3f;  // a contrast blob arrives
  const TranslationRefiner refiner(ref, PixelBox{16, 16, 112, 112});
  const ShiftEstimate e = refiner.refine(moved, Shift2{});
  EXPECT_NEAR(e.shift.dx, 0.6, 0.05);
  EXPECT_NEAR(e.shift.dy, -0.4, 0.05);
}

class SubtractOnPhantom : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    PhantomOptions o;
    o.seed = 21;
    o.xaSize = 256;
    o.xaFrames = 20;
    o.writeMr = false;
    auto t = writePhantom(o, dir_->path().string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = std::make_unique<PhantomTruth>(*t);
    auto l = loadSeries((dir_->path() / "xa").string());
    ASSERT_TRUE(l.ok() && l->series.size() == 1);
    loaded_ = std::make_unique<LoadResult>(std::move(l).value());
  }
  static void TearDownTestSuite() {
    loaded_.reset();
    truth_.reset();
    dir_.reset();
  }
  static const Series& xa() { return loaded_->series.front(); }
  static std::unique_ptr<test::TempDir> dir_;
  static std::unique_ptr<PhantomTruth> truth_;
  static std::unique_ptr<LoadResult> loaded_;
};
std::unique_ptr<test::TempDir> SubtractOnPhantom::dir_;
std::unique_ptr<PhantomTruth> SubtractOnPhantom::truth_;
std::unique_ptr<LoadResult> SubtractOnPhantom::loaded_;

// Statistics of the subtracted last frame's modality values inside and outside the true contrast.
struct Residual {
  double backgroundSpread = 0, contrastMean = 0, backgroundMean = 0;
};
Residual residual(const Series& s, const DerivedImage& d, const XaTruth& t) {
  const auto labels = phantomLabelMap(t, t.frames);
  const auto* p = d.frameData(t.frames - 1);
  double bs = 0, bq = 0, cs = 0;
  int bn = 0, cn = 0;
  for (int y = 20; y < s.rows - 20; ++y)
    for (int x = 20; x < s.columns - 20; ++x) {
      const std::size_t i = std::size_t(y) * s.columns + x;
      const double v = p[i] * d.rescaleSlope.back() + d.rescaleIntercept.back();
      if (labels[i]) {
        cs += v, ++cn;
      } else {
        bs += v, bq += v * v, ++bn;
      }
    }
  Residual r;
  r.backgroundMean = bs / bn;
  r.backgroundSpread = std::sqrt(bq / bn - r.backgroundMean * r.backgroundMean);
  r.contrastMean = cs / cn;
  return r;
}

TEST_F(SubtractOnPhantom, LogSubtractionWithMotionCorrectionLeavesOnlyTheContrast) {
  SubtractionOptions o;
  std::vector<Shift2> shifts;
  auto d = subtractMask(xa(), o, &shifts);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->frames, truth_->xa.frames);
  EXPECT_EQ(d->pixelIntensityRelationship, "LOG");
  ASSERT_EQ(shifts.size(), std::size_t(truth_->xa.frames));
  for (std::size_t f = 0; f < shifts.size(); ++f) {
    EXPECT_NEAR(shifts[f].dx, truth_->xa.motion[f][0], 0.1) << f;
    EXPECT_NEAR(shifts[f].dy, truth_->xa.motion[f][1], 0.1) << f;
  }
  const Residual corrected = residual(xa(), *d, truth_->xa);
  // Modality values are 1000 ln(frame / mask): contrast transmits ~0.26-0.30, ln ~ -1.3.
  EXPECT_LT(corrected.contrastMean, -1000);
  EXPECT_NEAR(corrected.backgroundMean, 0, 20);

  o.motionCorrection = false;
  auto plain = subtractMask(xa(), o);
  ASSERT_TRUE(plain.ok());
  const Residual uncorrected = residual(xa(), *plain, truth_->xa);
  // Motion correction removes the bone-edge and needle residue of the ~1 px drift.
  EXPECT_LT(corrected.backgroundSpread, 0.8 * uncorrected.backgroundSpread)
      << corrected.backgroundSpread << " vs " << uncorrected.backgroundSpread;
}

TEST(SubtractBadInput, AStackOfSlicesIsNotACine) {
  PhantomOptions o;
  o.writeXa = false;
  o.mrSize = 64;
  o.mrSlices = 4;
  test::TempDir dir;
  ASSERT_TRUE(writePhantom(o, dir.path().string()).ok());
  auto l = loadSeries(dir.path().string());
  ASSERT_TRUE(l.ok() && l->series.size() == 1);
  auto r = subtractMask(l->series[0], SubtractionOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("stack of 4 slices"), std::string::npos) << r.message();
}

TEST_F(SubtractOnPhantom, MaskFrameOutOfRangeIsAnError) {
  SubtractionOptions o;
  o.maskFrame = 0;
  EXPECT_FALSE(subtractMask(xa(), o).ok());
  o.maskFrame = 21;
  auto r = subtractMask(xa(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("out of range 1..20"), std::string::npos) << r.message();
}

TEST_F(SubtractOnPhantom, ProjectionKeepsTheContrastWhateverThePolarity) {
  // MONOCHROME2: contrast is dark, so auto = minimum; the result is the darkest value per pixel.
  auto mip = projectFrames(xa(), ProjectionMode::Auto);
  ASSERT_TRUE(mip.ok()) << mip.message();
  EXPECT_NE(mip->derivationDescription.find("Minimum"), std::string::npos);
  const std::size_t n = xa().sliceSamples();
  for (std::size_t i = 0; i < n; i += 97) {
    std::uint8_t lowest = 255;
    for (std::size_t f = 0; f < xa().sliceCount(); ++f) lowest = std::min(lowest, xa().sliceData(f)[i]);
    ASSERT_EQ(mip->bytes[i], lowest);
  }
  // The same pixels stored inverted as MONOCHROME1: auto must switch to maximum.
  Series inverted;
  inverted.series = xa().series;
  inverted.photometric = "MONOCHROME1";
  inverted.invertDisplay = true;
  inverted.columns = xa().columns;
  inverted.rows = xa().rows;
  inverted.bitsStored = 8;
  inverted.sampleType = SampleType::UInt8;
  inverted.slices = xa().slices;
  inverted.pixels = PixelBuffer(xa().pixels.size());
  for (std::size_t i = 0; i < xa().pixels.size(); ++i)
    inverted.pixels.data()[i] = std::uint8_t(255 - xa().pixels.data()[i]);
  auto mip1 = projectFrames(inverted, ProjectionMode::Auto);
  ASSERT_TRUE(mip1.ok()) << mip1.message();
  EXPECT_NE(mip1->derivationDescription.find("Maximum"), std::string::npos);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(mip1->bytes[i], 255 - mip->bytes[i]);

  EXPECT_FALSE(projectFrames(xa(), ProjectionMode::Maximum, 5, 3).ok());
  auto part = projectFrames(xa(), ProjectionMode::Maximum, 2, 4);
  ASSERT_TRUE(part.ok());
  EXPECT_NE(part->derivationDescription.find("frames 2-4"), std::string::npos);
}

}  // namespace
}  // namespace annulo
