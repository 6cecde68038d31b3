// Geometry, ordering, timing, calibration and value transforms on files whose
// every value the test wrote itself.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "annulo/dicom/DisplayImage.h"
#include "annulo/dicom/SeriesLoader.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::ImageSpec;
using test::TempDir;
using test::writeImage;

const std::array<double, 6> kSagittal{0, 1, 0, 0, 0, -1};

// A sagittal stack: slice k at x = 10 + 4k, written under shuffled file names
// with InstanceNumber in reverse so neither can be relied on.
void writeStack(const TempDir& dir, const std::vector<double>& xs) {
  std::vector<int> order(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) order[i] = int(i);
  std::shuffle(order.begin(), order.end(), std::mt19937(42));
  for (std::size_t n = 0; n < xs.size(); ++n) {
    const int k = order[n];
    ImageSpec s;
    s.instanceNumber = int(xs.size()) - k;
    s.position = std::array<double, 3>{xs[std::size_t(k)], -20, 30};
    s.orientation = kSagittal;
    s.pixelSpacing = std::array<double, 2>{0.5, 0.8};  // row spacing, column spacing
    s.sliceThickness = 9;                              // deliberately not the spacing
    s.value = [k](int, int r, int c) { return std::uint32_t(1000 * k + 10 * r + c); };
    writeImage(s, (dir / ("f" + std::to_string(n) + ".dcm")).string());
  }
}

TEST(SeriesLoader, SortsShuffledSlicesByPositionAlongNormal) {
  TempDir dir;
  writeStack(dir, {10, 14, 18, 22, 26});
  auto r = loadSeries(dir.path().string());
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->series.size(), 1u);
  ASSERT_TRUE(r->rejected.empty());
  const Series& s = r->series[0];
  ASSERT_EQ(s.sliceCount(), 5u);
  // 8 rows of 6 columns (DicomBuilder's default): a rows/columns swap shows here.
  EXPECT_EQ(s.rows, 8);
  EXPECT_EQ(s.columns, 6);
  ASSERT_EQ(s.sliceSamples(), 48u);
  // normal = row x col = (0,1,0) x (0,0,-1) = (-1,0,0): ascending along it means descending x.
  EXPECT_DOUBLE_EQ(s.direction[2][0], -1);
  EXPECT_DOUBLE_EQ(s.slices[0].position[0], 26);
  EXPECT_DOUBLE_EQ(s.slices[4].position[0], 10);
  EXPECT_DOUBLE_EQ(s.origin[0], 26);
  EXPECT_NEAR(s.spacing[2], 4.0, 1e-9) << "spacing from positions, not SliceThickness";
  EXPECT_DOUBLE_EQ(s.spacing[0], 0.8);
  EXPECT_DOUBLE_EQ(s.spacing[1], 0.5);
  EXPECT_EQ(s.calibration.kind, Calibration::PatientPlane);
  // Slice 0 is k = 4 (x = 26): its pixel (row 2, col 3) holds 4000 + 23.
  EXPECT_EQ(s.storedValue(0, 2 * 6 + 3), 4023);
  EXPECT_EQ(s.storedValue(4, 2 * 6 + 3), 23);
  EXPECT_TRUE(s.warnings.empty());
  // Patient coordinates of pixel (col 3, row 2) on slice 0.
  const Vec3 p = s.pixelToPatient(3, 2, 0);
  EXPECT_NEAR(p[0], 26, 1e-9);
  EXPECT_NEAR(p[1], -20 + 3 * 0.8, 1e-9);
  EXPECT_NEAR(p[2], 30 - 2 * 0.5, 1e-9);
  ASSERT_NE(s.header, nullptr);
}

TEST(SeriesLoader, WarnsOnGapsDuplicatesAndUnevenSpacing) {
  {
    TempDir dir;
    writeStack(dir, {0, 4, 8, 16, 20});
    auto r = loadSeries(dir.path().string());
    ASSERT_TRUE(r.ok());
    const auto& w = r->series.at(0).warnings;
    EXPECT_TRUE(std::any_of(w.begin(), w.end(), [](auto& m) { return m.find("gap") != std::string::npos; }));
  }
  {
    TempDir dir;
    writeStack(dir, {0, 4, 4, 8});
    auto r = loadSeries(dir.path().string());
    ASSERT_TRUE(r.ok());
    const auto& w = r->series.at(0).warnings;
    EXPECT_TRUE(std::any_of(w.begin(), w.end(), [](auto& m) { return m.find("duplicates") != std::string::npos; }));
  }
  {
    TempDir dir;
    writeStack(dir, {0, 4, 8.5, 12, 16});
    auto r = loadSeries(dir.path().string());
    ASSERT_TRUE(r.ok());
    const auto& w = r->series.at(0).warnings;
    EXPECT_TRUE(std::any_of(w.begin(), w.end(), [](auto& m) { return m.find("non-uniform") != std::string::npos; }));
  }
}

TEST(SeriesLoader, SplitsStacksByOrientationAndRejectsOddSizes) {
  TempDir dir;
  writeStack(dir, {0, 4, 8});
  ImageSpec axial;
  axial.instanceNumber = 50;
  axial.position = std::array<double, 3>{0, 0, 0};
  axial.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
  writeImage(axial, (dir / "axial.dcm").string());
  ImageSpec odd;
  odd.instanceNumber = 60;
  odd.rows = 4;
  odd.position = std::array<double, 3>{12, -20, 30};
  odd.orientation = kSagittal;
  writeImage(odd, (dir / "odd.dcm").string());
  auto r = loadSeries(dir.path().string());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->series.size(), 2u);
  std::vector<std::size_t> counts{r->series[0].sliceCount(), r->series[1].sliceCount()};
  std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts, (std::vector<std::size_t>{1, 3}));
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_NE(r->rejected[0].path.find("odd.dcm"), std::string::npos);
  EXPECT_NE(r->rejected[0].reason.find("inconsistent size"), std::string::npos);
}

TEST(SeriesLoader, SortsByInstanceNumberWithoutPositions) {
  TempDir dir;
  for (int k : {3, 1, 2}) {
    ImageSpec s;
    s.instanceNumber = k;
    s.value = [k](int, int, int) { return std::uint32_t(k); };
    writeImage(s, (dir / ("i" + std::to_string(k) + ".dcm")).string());
  }
  auto r = loadSeries(dir.path().string());
  ASSERT_TRUE(r.ok());
  const Series& s = r->series.at(0);
  ASSERT_EQ(s.sliceCount(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(s.storedValue(i, 0), double(i + 1));
}

ImageSpec cine() {
  ImageSpec s;
  s.sopClassUid = "1.2.840.10008.5.1.4.1.1.12.1";
  s.modality = "XA";
  s.frames = 5;
  s.bitsAllocated = 8;
  s.bitsStored = 8;
  s.imagerPixelSpacing = std::array<double, 2>{0.3, 0.3};
  return s;
}

TEST(SeriesLoader, MultiFrameTimingFromFrameTime) {
  TempDir dir;
  ImageSpec s = cine();
  s.frameTime = 66.7;
  writeImage(s, (dir / "xa.dcm").string());
  auto r = loadSeries((dir / "xa.dcm").string());
  ASSERT_TRUE(r.ok());
  const Series& x = r->series.at(0);
  EXPECT_TRUE(x.multiFrame);
  ASSERT_EQ(x.sliceCount(), 5u);
  EXPECT_EQ(x.timing.source, "FrameTime");
  EXPECT_NEAR(x.slices[4].timeMs, 4 * 66.7, 1e-9);
  EXPECT_NEAR(x.frameRate(), 1000 / 66.7, 1e-9);
  for (int f = 0; f < 5; ++f) {
    EXPECT_EQ(x.slices[std::size_t(f)].frameNumber, f + 1);
    EXPECT_EQ(x.storedValue(std::size_t(f), 1 * 6 + 2), double(std::uint8_t(f * 100 + 12)));
  }
}

TEST(SeriesLoader, MultiFrameTimingFromFrameTimeVectorAndCineRate) {
  TempDir dir;
  ImageSpec s = cine();
  s.frameTimeVector = {0, 30, 40, 50, 60};
  writeImage(s, (dir / "v.dcm").string());
  auto r = loadSeries((dir / "v.dcm").string());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->series.at(0).timing.source, "FrameTimeVector");
  EXPECT_NEAR(r->series[0].slices[4].timeMs, 180, 1e-9);

  ImageSpec c = cine();
  c.cineRate = 25;
  writeImage(c, (dir / "c.dcm").string());
  auto rc = loadSeries((dir / "c.dcm").string());
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->series.at(0).timing.source, "CineRate");
  EXPECT_NEAR(rc->series[0].slices[2].timeMs, 80, 1e-9);
}

TEST(SeriesLoader, ProjectionSpacingIsDetectorUnlessMagnificationKnown) {
  TempDir dir;
  ImageSpec plain = cine();
  writeImage(plain, (dir / "plain.dcm").string());
  auto a = loadSeries((dir / "plain.dcm").string());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->series.at(0).calibration.kind, Calibration::Detector);
  EXPECT_DOUBLE_EQ(a->series[0].spacing[0], 0.3);

  ImageSpec mag = cine();
  mag.magnification = 1.5;
  writeImage(mag, (dir / "mag.dcm").string());
  auto b = loadSeries((dir / "mag.dcm").string());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->series.at(0).calibration.kind, Calibration::MagnificationCorrected);
  EXPECT_NEAR(b->series[0].spacing[0], 0.2, 1e-12);
  EXPECT_DOUBLE_EQ(b->series[0].calibration.detectorSpacing[0], 0.3);

  ImageSpec geo = cine();
  geo.sid = 1000;
  geo.sod = 800;
  writeImage(geo, (dir / "geo.dcm").string());
  auto c = loadSeries((dir / "geo.dcm").string());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->series.at(0).calibration.kind, Calibration::MagnificationCorrected);
  EXPECT_NEAR(c->series[0].calibration.magnification, 1.25, 1e-12);
  EXPECT_NEAR(c->series[0].spacing[1], 0.24, 1e-12);
  EXPECT_NE(c->series[0].calibration.magnificationSource.find("DistanceSourceToPatient"), std::string::npos);
}

TEST(SeriesLoader, RescaleGivesModalityValues) {
  TempDir dir;
  ImageSpec s;
  s.modality = "CT";
  s.sopClassUid = "1.2.840.10008.5.1.4.1.1.2";
  s.writeRescale = true;
  s.slope = 2;
  s.intercept = -1024;
  s.value = [](int, int r, int c) { return std::uint32_t(r * 100 + c); };
  writeImage(s, (dir / "ct.dcm").string());
  auto r = loadSeries(dir.path().string());
  ASSERT_TRUE(r.ok());
  const Series& x = r->series.at(0);
  EXPECT_DOUBLE_EQ(x.modalityValue(0, 7 * 6 + 5), (705 * 2) - 1024);
  const ModalityStats st = computeModalityStats(x);
  EXPECT_DOUBLE_EQ(st.min, -1024);
  EXPECT_DOUBLE_EQ(st.max, 705 * 2 - 1024);
  double sum = 0;
  for (int rr = 0; rr < 8; ++rr)
    for (int c = 0; c < 6; ++c) sum += (rr * 100 + c) * 2 - 1024;
  EXPECT_DOUBLE_EQ(st.sum, sum);
  EXPECT_DOUBLE_EQ(st.mean, sum / 48);
}

TEST(SeriesLoader, HighBitsBeyondBitsStoredAreMaskedAndSignExtended) {
  TempDir dir;
  ImageSpec u;
  u.bitsStored = 12;
  u.value = [](int, int r, int c) { return std::uint32_t(0xF000 | (r * 100 + c)); };  // overlay bits set
  writeImage(u, (dir / "u.dcm").string());
  auto a = loadSeries((dir / "u.dcm").string());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->series.at(0).storedValue(0, 3 * 6 + 4), 304);

  ImageSpec s;
  s.bitsStored = 12;
  s.pixelRepresentation = 1;
  s.value = [](int, int, int c) { return std::uint32_t(c == 0 ? 0x0FFF : 0x0800); };  // -1 and -2048 in 12 bits
  writeImage(s, (dir / "s.dcm").string());
  auto b = loadSeries((dir / "s.dcm").string());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->series.at(0).sampleType, SampleType::Int16);
  EXPECT_EQ(b->series[0].storedValue(0, 0), -1);
  EXPECT_EQ(b->series[0].storedValue(0, 1), -2048);
}

TEST(SeriesLoader, Monochrome1IsShownInverted) {
  TempDir dir;
  ImageSpec s;
  s.photometric = "MONOCHROME1";
  s.windows = {{50.5, 101}};                                        // PS3.3 C.11.2.1.2.1: exactly 0..100
  s.value = [](int, int, int c) { return std::uint32_t(c * 20); };  // 0, 20, ... 100
  writeImage(s, (dir / "m1.dcm").string());
  auto r = loadSeries(dir.path().string());
  ASSERT_TRUE(r.ok());
  const Series& x = r->series.at(0);
  EXPECT_TRUE(x.invertDisplay);
  const DisplayImage img = renderSlice(x, 0);
  EXPECT_EQ(img.pixels[0], 255) << "lowest value is white on MONOCHROME1";
  EXPECT_EQ(img.pixels[5], 0);
  ASSERT_EQ(x.windows.size(), 1u);
  EXPECT_DOUBLE_EQ(x.windows[0].center, 50.5);
}

TEST(DisplayImage, LinearWindowFollowsPs3_3) {
  // C.11.2.1.2.1: centre 2048, width 4096 maps 0 -> 0 and 4095 -> 255.
  EXPECT_EQ(applyWindow(0, 2048, 4096), 0);
  EXPECT_EQ(applyWindow(4095, 2048, 4096), 255);
  EXPECT_EQ(applyWindow(-160, 40, 400), 0);
  EXPECT_EQ(applyWindow(-100, 40, 400), 38);  // ((-100 - 39.5) / 399 + 0.5) * 255
  EXPECT_EQ(applyWindow(300, 40, 400), 255);
  EXPECT_NEAR(applyWindow(40, 40, 400), 128, 1);
}

TEST(SeriesLoader, ReportsProgressAndHonoursCancel) {
  TempDir dir;
  writeStack(dir, {0, 4, 8, 12});
  LoadOptions o;
  double last = 0;
  o.progress = [&](double f) { last = std::max(last, f); };
  auto r = loadSeries(dir.path().string(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(last, 1.0);
  std::atomic<bool> cancel{true};
  LoadOptions c;
  c.cancel = &cancel;
  auto rc = loadSeries(dir.path().string(), c);
  ASSERT_FALSE(rc.ok());
  EXPECT_NE(rc.message().find("cancelled"), std::string::npos);
}

TEST(SeriesLoader, HeaderOnlyLoadKeepsGeometryWithoutPixels) {
  TempDir dir;
  writeStack(dir, {0, 4, 8});
  LoadOptions o;
  o.readPixels = false;
  auto r = loadSeries(dir.path().string(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->series.at(0).sliceCount(), 3u);
  EXPECT_TRUE(r->series[0].pixels.empty());
  EXPECT_NEAR(r->series[0].spacing[2], 4, 1e-9);
}

}  // namespace
}  // namespace annulo

namespace annulo {
namespace {

// Enhanced MR: position, orientation and spacing come from the per-frame and
// shared functional groups (PS3.3 C.7.6.16), not from top-level attributes.
TEST(SeriesLoader, EnhancedMrUsesPerFrameFunctionalGroups) {
  const auto p = test::sample("gh-cornerstone3D/cine-test.dcm");
  ANNULO_REQUIRE_SAMPLE(p);
  auto r = loadSeries(p.string());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->series.size(), 1u);
  const Series& s = r->series[0];
  ASSERT_EQ(s.sliceCount(), 8u);
  EXPECT_TRUE(s.hasPatientGeometry);
  EXPECT_NEAR(s.spacing[2], 1.3, 1e-4);
  // Frames are stored at x = -14.7551 + 1.3 k; ordered along the normal, with
  // each slice keeping its own frame number for references.
  for (std::size_t i = 0; i < 8; ++i) {
    const SliceInfo& si = s.slices[i];
    EXPECT_NEAR(si.position[0], -14.7551 + 1.3 * (si.frameNumber - 1), 1e-3) << "slice " << i;
    EXPECT_NEAR(si.position[1], -133.9286, 1e-4);
    if (i > 0) {
      const double step = (si.position[0] - s.slices[i - 1].position[0]) * s.direction[2][0];
      EXPECT_NEAR(step, 1.3, 1e-3);
    }
  }
  EXPECT_EQ(s.origin, s.slices[0].position);
}

}  // namespace
}  // namespace annulo
