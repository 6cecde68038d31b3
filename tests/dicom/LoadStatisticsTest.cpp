// Statistics computed by the loader's workers as the slices land equal the
// second pass (computeModalityStats) exactly: on the bundled sample (JPEG-LS
// cine + MR), on per-slice rescale, and when a file fails while its pixels are
// decoded (its slices leave the series, so the per-slice figures are dropped
// and the series is summed again).

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>

#include "annulo/dicom/LoadStatistics.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

void expectSame(const ModalityStats& a, const ModalityStats& b) {
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.max, b.max);
  EXPECT_EQ(a.sum, b.sum);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.count, b.count);
}

TEST(LoadStatistics, EqualTheSecondPassOnTheBundledSample) {
  auto r = loadSeriesWithStats((test::sourceDir() / "sample_data").string());
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->load.series.size(), 2u);
  ASSERT_EQ(r->stats.size(), 2u);
  EXPECT_EQ(r->recomputed, 0u);
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(r->load.series[i].series.modality);
    expectSame(r->stats[i], computeModalityStats(r->load.series[i]));
    EXPECT_GT(r->stats[i].max, r->stats[i].min);
  }
}

TEST(LoadStatistics, PerSliceRescaleAndTheCallersCallbacksStillCalled) {
  test::TempDir dir;
  for (int i = 0; i < 6; ++i) {
    test::ImageSpec s;
    s.modality = "CT";
    s.sopClassUid = "1.2.840.10008.5.1.4.1.1.2";
    s.instanceNumber = i + 1;
    s.position = std::array<double, 3>{0, 0, double(i)};
    s.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
    s.writeRescale = true;
    s.slope = 1 + i;  // each slice its own modality LUT
    s.intercept = -100.0 * i;
    s.value = [i](int, int r, int c) { return std::uint32_t(i * 1000 + r * 10 + c); };
    test::writeImage(s, (dir / ("s" + std::to_string(i) + ".dcm")).string());
  }
  LoadOptions o;
  o.threads = 3;
  std::size_t ready = 0;
  std::atomic<std::size_t> frames{0};  // from the loading threads
  o.onSeriesReady = [&](const std::vector<const Series*>& l) { ready += l.size(); };
  o.onFramesDecoded = [&](const FramesDecoded& f) { frames += f.count; };
  auto r = loadSeriesWithStats(dir.path().string(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->load.series.size(), 1u);
  EXPECT_EQ(ready, 1u);
  EXPECT_EQ(frames, 6u);
  EXPECT_EQ(r->recomputed, 0u);
  double lo = 1e300, hi = -1e300, sum = 0;
  for (int i = 0; i < 6; ++i)
    for (int row = 0; row < 8; ++row)
      for (int c = 0; c < 6; ++c) {
        const double v = double(i * 1000 + row * 10 + c) * (1 + i) - 100.0 * i;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
      }
  EXPECT_EQ(r->stats[0].min, lo);
  EXPECT_EQ(r->stats[0].max, hi);
  EXPECT_EQ(r->stats[0].sum, sum);
  EXPECT_EQ(r->stats[0].count, 6u * 48u);
  expectSame(r->stats[0], computeModalityStats(r->load.series[0]));
}

TEST(LoadStatistics, AFileThatFailsWhileDecodingLeavesAndTheRestIsSummedAgain) {
  ANNULO_REQUIRE_TOOL("dcmcjpls");
  test::TempDir dir;
  for (int i = 0; i < 3; ++i) {
    test::ImageSpec s;
    s.instanceNumber = i + 1;
    s.rows = 32;
    s.columns = 32;
    s.position = std::array<double, 3>{0, 0, double(i)};
    s.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
    s.value = [i](int, int r, int c) { return std::uint32_t(i * 500 + r * 3 + c); };
    test::writeImage(s, (dir / ("s" + std::to_string(i) + ".dcm")).string());
  }
  // The middle slice JPEG-LS compressed, then its stream's start-of-image marker
  // broken: the header reads fine, the decoder refuses it.
  const fs::path plain = dir / "s1.dcm", enc = dir / "s1.jls";
  ASSERT_EQ(test::runCommand("dcmcjpls " + plain.string() + " " + enc.string()), 0);
  fs::remove(plain);
  std::string bytes;
  {
    std::ifstream in(enc, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t soi = bytes.find("\xFF\xD8\xFF", 128);
  ASSERT_NE(soi, std::string::npos);
  bytes[soi] = bytes[soi + 1] = bytes[soi + 2] = 0;
  std::ofstream(enc, std::ios::binary | std::ios::trunc) << bytes;

  auto r = loadSeriesWithStats(dir.path().string());
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->load.series.size(), 1u);
  ASSERT_EQ(r->load.rejected.size(), 1u);
  EXPECT_EQ(fs::path(r->load.rejected[0].path).filename(), "s1.jls") << r->load.rejected[0].reason;
  const Series& s = r->load.series[0];
  ASSERT_EQ(s.sliceCount(), 2u);
  EXPECT_EQ(r->recomputed, 1u);
  double sum = 0;
  for (int i : {0, 2})
    for (int row = 0; row < 32; ++row)
      for (int c = 0; c < 32; ++c) sum += i * 500 + row * 3 + c;
  EXPECT_EQ(r->stats[0].sum, sum);
  EXPECT_EQ(r->stats[0].min, 0);
  EXPECT_EQ(r->stats[0].max, 2 * 500 + 31 * 3 + 31);
  expectSame(r->stats[0], computeModalityStats(s));
}

}  // namespace
}  // namespace annulo
