// The bundled sample_data/ is exactly what the phantom generator makes with the
// options in tools/make-sample-data.sh: regenerate and compare.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

PhantomOptions sampleOptions() {
  PhantomOptions o;  // keep in step with tools/make-sample-data.sh
  o.seed = 1;
  o.xaFrames = 40;
  o.noiseScale = 0.5;
  o.syntax = PhantomSyntax::JpegLs;
  return o;
}

TEST(SampleData, RegeneratesIdentically) {
  const auto bundled = test::sourceDir() / "sample_data";
  ASSERT_TRUE(std::filesystem::exists(bundled / "truth.json"));
  test::TempDir dir;
  auto truth = writePhantom(sampleOptions(), dir.path().string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  auto bundledTruth = readPhantomTruth((bundled / "truth.json").string());
  ASSERT_TRUE(bundledTruth.ok()) << bundledTruth.message();
  EXPECT_EQ(toJson(*truth), toJson(*bundledTruth));

  auto a = loadSeries(bundled.string());
  auto b = loadSeries(dir.path().string());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->series.size(), 2u);
  ASSERT_EQ(b->series.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const Series& x = a->series[i];
    const Series& y = b->series[i];
    EXPECT_EQ(x.series.instanceUid, y.series.instanceUid);
    EXPECT_EQ(x.transferSyntaxUid, "1.2.840.10008.1.2.4.80");
    ASSERT_EQ(x.pixels.size(), y.pixels.size());
    EXPECT_EQ(std::memcmp(x.pixels.data(), y.pixels.data(), x.pixels.size()), 0) << x.series.modality;
    for (std::size_t s = 0; s < x.sliceCount(); ++s) EXPECT_EQ(x.slices[s].sopInstanceUid, y.slices[s].sopInstanceUid);
  }
}

TEST(SampleData, MatchesItsGroundTruth) {
  const auto bundled = test::sourceDir() / "sample_data";
  auto truth = readPhantomTruth((bundled / "truth.json").string());
  ASSERT_TRUE(truth.ok());
  auto xa = loadSeries((bundled / "xa").string());
  ASSERT_TRUE(xa.ok());
  const Series& s = xa->series.at(0);
  EXPECT_EQ(s.series.instanceUid, truth->xa.seriesInstanceUid);
  EXPECT_EQ(int(s.sliceCount()), truth->xa.frames);
  EXPECT_NEAR(s.timing.nominalFrameTimeMs, truth->xa.frameTimeMs, 1e-9);
  EXPECT_EQ(s.calibration.kind, Calibration::MagnificationCorrected);
  EXPECT_NEAR(s.calibration.magnification, truth->xa.magnification, 1e-6);
  EXPECT_NEAR(s.spacing[0], truth->xa.imagerPixelSpacingMm / truth->xa.magnification, 1e-9);
  // Where the truth puts leak on the last frame, the image is darker than the disc.
  const auto labels = phantomLabelMap(truth->xa, truth->xa.frames);
  double leak = 0, disc = 0;
  std::size_t nLeak = 0, nDisc = 0;
  const auto last = s.sliceCount() - 1;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == 2) leak += s.storedValue(last, i), ++nLeak;
    if (labels[i] == 1) disc += s.storedValue(last, i), ++nDisc;
  }
  ASSERT_GT(nLeak, 100u);
  ASSERT_GT(nDisc, 100u);
  double all = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) all += s.storedValue(last, i);
  const double frameMean = all / double(labels.size());
  EXPECT_LT(leak / double(nLeak), frameMean - 30) << "contrast leak is dark on fluoroscopy";
  EXPECT_LT(disc / double(nDisc), frameMean - 30) << "intradiscal contrast is dark on fluoroscopy";
  const auto firstLabels = phantomLabelMap(truth->xa, 1);
  EXPECT_EQ(std::count(firstLabels.begin(), firstLabels.end(), 2), 0) << "no leak on frame 1";
}

}  // namespace
}  // namespace annulo
