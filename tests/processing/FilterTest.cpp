// ITK filters over zero-copy views, and the derived DICOM series they are written as.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/DerivedSeriesWriter.h"
#include "annulo/processing/FilterParameters.h"
#include "annulo/processing/Filters.h"
#include "annulo/processing/ItkView.h"
#include "support/SyntheticSeries.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::makeSeries;

const std::uint16_t* frame(const DerivedImage& d, int f) {
  return reinterpret_cast<const std::uint16_t*>(d.frameData(f));
}

TEST(ItkView, FrameViewSharesTheSeriesBuffer) {
  Series s = makeSeries(40, 30, 3, [](int x, int y, int f) { return x + 100 * y + 1000 * f; });
  auto view = frameView<std::uint16_t>(s, 2);
  ASSERT_TRUE(view.ok()) << view.message();
  EXPECT_EQ(static_cast<const void*>((*view)->GetBufferPointer()), static_cast<const void*>(s.sliceData(2)));
  EXPECT_EQ((*view)->GetLargestPossibleRegion().GetSize()[0], 40u);
  EXPECT_EQ((*view)->GetLargestPossibleRegion().GetSize()[1], 30u);
  EXPECT_DOUBLE_EQ((*view)->GetSpacing()[0], 0.5);
  itk::Image<std::uint16_t, 2>::IndexType index{{5, 7}};
  EXPECT_EQ((*view)->GetPixel(index), 5 + 700 + 2000);
  // The view is released without freeing the series' memory (it does not own it).
  view = frameView<std::uint16_t>(s, 0);
  EXPECT_EQ(reinterpret_cast<const std::uint16_t*>(s.sliceData(2))[7 * 40 + 5], 2705);

  auto volume = seriesView<std::uint16_t>(s);
  ASSERT_TRUE(volume.ok());
  EXPECT_EQ(static_cast<const void*>((*volume)->GetBufferPointer()), static_cast<const void*>(s.pixels.data()));
  EXPECT_EQ((*volume)->GetLargestPossibleRegion().GetSize()[2], 3u);
}

TEST(ItkView, WrongTypeFrameOrColourIsAnError) {
  Series s = makeSeries(8, 8, 2, [](int, int, int) { return 1; });
  auto wrong = frameView<std::uint8_t>(s, 0);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("uint16"), std::string::npos);
  EXPECT_FALSE(frameView<std::uint16_t>(s, 2).ok());
  s.samplesPerPixel = 3;
  EXPECT_FALSE(seriesView<std::uint16_t>(s).ok());
}

TEST(FilterTest, EveryFilterLeavesAUniformImageUniform) {
  Series s = makeSeries(48, 40, 2, [](int, int, int) { return 1000; });
  // Every FilterOp: each output frame is uniform; the smoothing filters and the
  // maximum projection also keep the value (CLAHE remaps intensities and
  // subtraction removes the mask, so only uniformity is theirs to keep).
  for (FilterOp op : {FilterOp::Median, FilterOp::Diffusion, FilterOp::Bilateral, FilterOp::Clahe, FilterOp::Unsharp,
                      FilterOp::Subtract, FilterOp::Projection}) {
    FilterOptions o = defaultFilterOptions(op);
    auto out = applyFilter(s, o);
    ASSERT_TRUE(out.ok()) << filterOpName(op) << ": " << out.message();
    ASSERT_GE(out->frames, 1) << filterOpName(op);
    const bool keepsValue = op != FilterOp::Clahe && op != FilterOp::Subtract;
    for (int f = 0; f < out->frames; ++f) {
      const auto first = frame(*out, f)[0];
      if (keepsValue) ASSERT_EQ(first, 1000) << filterOpName(op) << " frame " << f;
      for (int i = 0; i < 48 * 40; ++i) ASSERT_EQ(frame(*out, f)[i], first) << filterOpName(op) << " pixel " << i;
    }
  }
}

TEST(FilterTest, MedianRemovesImpulsesAndKeepsEdges) {
  Series s = makeSeries(40, 40, 1, [](int x, int y, int) {
    if ((x == 10 && y == 10) || (x == 30 && y == 5)) return 4000;  // salt
    return x < 20 ? 500 : 1500;                                    // a step edge
  });
  FilterOptions o;
  o.op = FilterOp::Median;
  auto out = applyFilter(s, o);
  ASSERT_TRUE(out.ok()) << out.message();
  const std::uint16_t* p = frame(*out, 0);
  EXPECT_EQ(p[10 * 40 + 10], 500);
  EXPECT_EQ(p[5 * 40 + 30], 1500);
  for (int y = 1; y < 39; ++y) {
    EXPECT_EQ(p[y * 40 + 19], 500);
    EXPECT_EQ(p[y * 40 + 20], 1500);
  }
  EXPECT_NE(out->derivationDescription.find("Median"), std::string::npos);
}

TEST(FilterTest, EdgePreservingFiltersCutNoiseButKeepTheStep) {
  // Deterministic pseudo-noise (+-60) on a 1000-unit step.
  auto noisy = [](int x, int y, int) {
    const unsigned h = (unsigned(x) * 73856093u) ^ (unsigned(y) * 19349663u);
    return (x < 32 ? 1000 : 2000) + int(h % 121) - 60;
  };
  Series s = makeSeries(64, 64, 1, noisy);
  auto spread = [](const std::uint16_t* p, int x0, int x1) {
    double sum = 0, sq = 0;
    int n = 0;
    for (int y = 8; y < 56; ++y)
      for (int x = x0; x < x1; ++x) sum += p[y * 64 + x], sq += double(p[y * 64 + x]) * p[y * 64 + x], ++n;
    return std::sqrt(sq / n - (sum / n) * (sum / n));
  };
  const double before = spread(reinterpret_cast<const std::uint16_t*>(s.sliceData(0)), 4, 26);
  for (FilterOp op : {FilterOp::Diffusion, FilterOp::Bilateral}) {
    FilterOptions o;
    o.op = op;
    o.conductance = 1.0;
    auto out = applyFilter(s, o);
    ASSERT_TRUE(out.ok()) << out.message();
    const std::uint16_t* p = frame(*out, 0);
    EXPECT_LT(spread(p, 4, 26), 0.7 * before) << filterOpName(op);
    // The step is still a step: 2 pixels either side keep most of the 1000 jump.
    double left = 0, right = 0;
    for (int y = 8; y < 56; ++y) left += p[y * 64 + 29], right += p[y * 64 + 34];
    EXPECT_GT((right - left) / 48, 800) << filterOpName(op);
  }
}

TEST(FilterTest, UnsharpMaskSteepensAnEdgeAndClahePreservesOrder) {
  Series s = makeSeries(64, 32, 1, [](int x, int, int) { return x < 32 ? 1000 : 1400; });
  FilterOptions o;
  o.op = FilterOp::Unsharp;
  o.sigmaMm = 1.0;
  o.amount = 1.0;
  auto out = applyFilter(s, o);
  ASSERT_TRUE(out.ok()) << out.message();
  const std::uint16_t* p = frame(*out, 0);
  EXPECT_LT(p[16 * 64 + 31], 1000);  // undershoot before the edge
  EXPECT_GT(p[16 * 64 + 32], 1400);  // overshoot after it
  EXPECT_EQ(p[16 * 64 + 5], 1000);   // flat areas untouched

  o = FilterOptions{};
  o.op = FilterOp::Clahe;
  o.radius = 8;
  Series ramp = makeSeries(64, 32, 1, [](int x, int, int) { return 1000 + 10 * x; });
  out = applyFilter(ramp, o);
  ASSERT_TRUE(out.ok()) << out.message();
  p = frame(*out, 0);
  for (int x = 1; x < 64; ++x) EXPECT_GE(p[16 * 64 + x], p[16 * 64 + x - 1]) << x;
  for (int i = 0; i < 64 * 32; ++i) ASSERT_LE(p[i], 4095);  // within BitsStored
}

// Uniformity and order alone let an identity CLAHE or a projection that returns
// one frame pass; these check what each is for.
TEST(FilterTest, ClaheStretchesALowContrastEdge) {
  // A bright block sets the image's range (CLAHE's output stays within the input's
  // range); far from it, a 20-unit edge that a local equalisation must widen.
  Series s = makeSeries(128, 32, 1, [](int x, int, int) { return x < 16 ? 3000 : x < 88 ? 1000 : 1020; });
  FilterOptions o;
  o.op = FilterOp::Clahe;
  o.radius = 12;
  auto out = applyFilter(s, o);
  ASSERT_TRUE(out.ok()) << out.message();
  const std::uint16_t* p = frame(*out, 0);
  const int before = p[16 * 128 + 80], after = p[16 * 128 + 96];
  EXPECT_GE(after - before, 100) << "20 stored units became " << before << " -> " << after;
}

TEST(FilterTest, ProjectionKeepsEachFramesSpot) {
  // Three frames, each with one dark spot (contrast is dark on XA) in its own place.
  const int spotX[] = {8, 24, 40};
  Series s = makeSeries(48, 16, 3, [&](int x, int y, int f) { return x == spotX[f] && y == 8 ? 200 : 1000; });
  s.series.modality = "XA";  // Auto: the minimum, since contrast lowers MONOCHROME2 X-ray values
  for (ProjectionMode mode : {ProjectionMode::Auto, ProjectionMode::Minimum}) {
    FilterOptions o;
    o.op = FilterOp::Projection;
    o.projection = mode;
    auto out = applyFilter(s, o);
    ASSERT_TRUE(out.ok()) << out.message();
    ASSERT_EQ(out->frames, 1);
    const std::uint16_t* p = frame(*out, 0);
    for (int x : spotX) EXPECT_EQ(p[8 * 48 + x], 200) << "spot of the frame at column " << x;
    EXPECT_EQ(p[0], 1000);
  }
  FilterOptions o;
  o.op = FilterOp::Projection;
  o.projection = ProjectionMode::Maximum;
  auto out = applyFilter(s, o);
  ASSERT_TRUE(out.ok()) << out.message();
  for (int x : spotX) EXPECT_EQ(frame(*out, 0)[8 * 48 + x], 1000) << "maximum hides the dark spots";
}

TEST(FilterTest, BadOptionsAndColourAreErrors) {
  Series s = makeSeries(16, 16, 1, [](int, int, int) { return 1; });
  FilterOptions o;
  o.op = FilterOp::Median;
  o.radius = 0;
  auto r = applyFilter(s, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("median radius"), std::string::npos);
  o.op = FilterOp::Diffusion;
  o.timeStep = 0.5;
  EXPECT_FALSE(applyFilter(s, o).ok());
  o = FilterOptions{};
  o.op = FilterOp::Subtract;
  r = applyFilter(s, o);  // one frame
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("at least 2 frames"), std::string::npos) << r.message();
  s.samplesPerPixel = 3;
  s.photometric = "RGB";
  o.op = FilterOp::Median;
  r = applyFilter(s, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("colour"), std::string::npos);
  EXPECT_FALSE(parseFilterOp("sharpen").ok());
  EXPECT_EQ(*parseFilterOp("mip"), FilterOp::Projection);
}

// Filtered phantom cine and MR stack written as derived DICOM and read back.
class DerivedRoundTrip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    PhantomOptions o;
    o.seed = 8;
    o.xaSize = 128;
    o.xaFrames = 10;
    o.mrSize = 64;
    o.mrSlices = 4;
    auto t = writePhantom(o, (dir_->path() / "in").string());
    ASSERT_TRUE(t.ok()) << t.message();
    auto l = loadSeries((dir_->path() / "in").string());
    ASSERT_TRUE(l.ok());
    loaded_ = std::make_unique<LoadResult>(std::move(l).value());
  }
  static void TearDownTestSuite() {
    loaded_.reset();
    dir_.reset();
  }
  static const Series& byModality(const std::string& m) {
    for (const Series& s : loaded_->series)
      if (s.series.modality == m) return s;
    throw AnnuloError("no " + m);
  }
  static std::unique_ptr<test::TempDir> dir_;
  static std::unique_ptr<LoadResult> loaded_;
};
std::unique_ptr<test::TempDir> DerivedRoundTrip::dir_;
std::unique_ptr<LoadResult> DerivedRoundTrip::loaded_;

TEST_F(DerivedRoundTrip, CineStaysOneMultiFrameObjectOfTheSameClassWithNewUids) {
  const Series& xa = byModality("XA");
  FilterOptions o;
  o.op = FilterOp::Median;
  auto image = applyFilter(xa, o);
  ASSERT_TRUE(image.ok()) << image.message();
  auto derived = buildDerivedSeries(xa, *image);
  ASSERT_TRUE(derived.ok()) << derived.message();
  ASSERT_EQ(derived->objects.size(), 1u);
  const auto path = (dir_->path() / "median.dcm").string();
  auto files = saveDerivedSeries(*derived, path);
  ASSERT_TRUE(files.ok()) << files.message();

  auto back = loadSeries(path);
  ASSERT_TRUE(back.ok() && back->series.size() == 1) << (back.ok() ? "" : back.message());
  const Series& d = back->series.front();
  EXPECT_EQ(d.sopClassUid, xa.sopClassUid);
  EXPECT_NE(d.series.instanceUid, xa.series.instanceUid);
  EXPECT_EQ(d.series.instanceUid, derived->seriesInstanceUid);
  EXPECT_NE(d.slices[0].sopInstanceUid, xa.slices[0].sopInstanceUid);
  EXPECT_EQ(d.study.instanceUid, xa.study.instanceUid);
  EXPECT_EQ(d.patient.id, xa.patient.id);
  EXPECT_EQ(d.patient.name, xa.patient.name);
  EXPECT_TRUE(d.multiFrame);
  ASSERT_EQ(d.sliceCount(), xa.sliceCount());
  EXPECT_EQ(d.calibration.kind, xa.calibration.kind);
  EXPECT_NEAR(d.timing.nominalFrameTimeMs, xa.timing.nominalFrameTimeMs, 1e-6);
  ASSERT_EQ(d.sampleType, image->sampleType);
  EXPECT_EQ(std::memcmp(d.pixels.data(), image->bytes.data(), image->bytes.size()), 0);

  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  OFString type, derivation, refUid;
  file.getDataset()->findAndGetOFStringArray(DCM_ImageType, type);
  file.getDataset()->findAndGetOFString(DCM_DerivationDescription, derivation);
  file.getDataset()->findAndGetOFString(DCM_ReferencedSOPInstanceUID, refUid, 0, OFTrue);
  EXPECT_EQ(std::string(type.c_str()).rfind("DERIVED\\SECONDARY", 0), 0u) << type;
  EXPECT_NE(std::string(derivation.c_str()).find("Median"), std::string::npos);
  EXPECT_EQ(std::string(refUid.c_str()), xa.slices[0].sopInstanceUid);
}

TEST_F(DerivedRoundTrip, StackOfSingleFrameImagesStaysOneObjectPerSlice) {
  const Series& mr = byModality("MR");
  FilterOptions o;
  o.op = FilterOp::Unsharp;
  auto image = applyFilter(mr, o);
  ASSERT_TRUE(image.ok()) << image.message();
  auto derived = buildDerivedSeries(mr, *image);
  ASSERT_TRUE(derived.ok()) << derived.message();
  ASSERT_EQ(derived->objects.size(), mr.sliceCount());
  const auto path = (dir_->path() / "mr-unsharp").string();
  auto files = saveDerivedSeries(*derived, path);
  ASSERT_TRUE(files.ok()) << files.message();
  auto back = loadSeries(path);
  ASSERT_TRUE(back.ok() && back->series.size() == 1);
  const Series& d = back->series.front();
  ASSERT_EQ(d.sliceCount(), mr.sliceCount());
  for (std::size_t i = 0; i < d.sliceCount(); ++i) {
    EXPECT_NEAR(d.slices[i].position[0], mr.slices[i].position[0], 1e-4);  // geometry kept per slice
    EXPECT_DOUBLE_EQ(d.slices[i].rescaleSlope, mr.slices[i].rescaleSlope);
  }
  EXPECT_EQ(std::memcmp(d.pixels.data(), image->bytes.data(), image->bytes.size()), 0);
}

TEST_F(DerivedRoundTrip, ProjectionIsOneFrameWithoutCineAttributes) {
  const Series& xa = byModality("XA");
  FilterOptions o;
  o.op = FilterOp::Projection;
  auto image = applyFilter(xa, o);
  ASSERT_TRUE(image.ok()) << image.message();
  EXPECT_EQ(image->frames, 1);
  auto derived = buildDerivedSeries(xa, *image);
  ASSERT_TRUE(derived.ok()) << derived.message();
  const auto path = (dir_->path() / "mip.dcm").string();
  ASSERT_TRUE(saveDerivedSeries(*derived, path).ok());
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  EXPECT_FALSE(file.getDataset()->tagExists(DCM_NumberOfFrames));
  EXPECT_FALSE(file.getDataset()->tagExists(DCM_FrameTime));
  auto back = loadSeries(path);
  ASSERT_TRUE(back.ok() && back->series.size() == 1);
  EXPECT_EQ(back->series[0].sliceCount(), 1u);
}

}  // namespace
}  // namespace annulo
