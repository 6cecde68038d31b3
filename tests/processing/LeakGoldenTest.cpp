// Byte-identical guard for refactors of the leak pipeline (issue 9, part 5): the label
// maps, ROI, outline and leak paths of fixed phantom seeds are hashed and compared with
// the values recorded from the code before it was split into stages. A change to the
// segmentation's output (intended or not) changes the hash; an intended one must
// update kGolden in the same commit and say why.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/LeakSegmenter.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

struct Fnv {
  std::uint64_t h = 0xCBF29CE484222325ull;
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 0x100000001B3ull;
    }
  }
  void integer(long long v) { bytes(&v, sizeof v); }
  // Rounded to 1e-6 pixel: the exact double is the same on one build, but the guard
  // should survive a compiler's last-bit reassociation of an unchanged formula.
  void real(double v) { integer(std::llround(v * 1e6)); }
};

std::uint64_t segmentationHash(const LeakSegmentation& r) {
  Fnv f;
  f.integer(r.roi.x0), f.integer(r.roi.y0), f.integer(r.roi.x1), f.integer(r.roi.y1);
  f.bytes(r.roiLabels.data(), r.roiLabels.size());
  // The outline enters by its area to the pixel: its vertices moved in the last bits
  // with the thread schedule before the background sums were made exact (below).
  f.integer(std::llround(polygonArea(r.discOutline)));
  for (const LeakFrame& lf : r.perFrame) f.real(lf.motion.dx), f.real(lf.motion.dy);
  f.integer(r.leakOnsetFrame.value_or(-1));
  f.integer(static_cast<long long>(r.accumulatedLeakPixels));
  for (const LeakPath& p : r.paths) {
    f.real(p.directionDeg), f.real(p.exitPoint[0]), f.real(p.exitPoint[1]);
    f.integer(static_cast<long long>(p.pixels));
  }
  return f.h;
}

struct GoldenCase {
  std::uint32_t seed;
  double noise;
  int size, frames, bits;
  std::uint64_t hash;         // recorded from the unsplit code (commit de69eab, labels/ROI/motion/paths)
  std::uint64_t outlineHash;  // recorded at commit ca43c24 (exact background sums, before the split)
};

class LeakGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(LeakGolden, LabelMapsAreByteIdenticalToTheRecordedRun) {
  const GoldenCase c = GetParam();
  test::TempDir dir;
  PhantomOptions o;
  o.seed = c.seed;
  o.noiseScale = c.noise;
  o.xaSize = c.size;
  o.xaFrames = c.frames;
  o.xaBitsAllocated = c.bits;
  o.writeMr = false;
  auto t = writePhantom(o, dir.path().string());
  ASSERT_TRUE(t.ok()) << t.message();
  auto l = loadSeries((dir.path() / "xa").string());
  ASSERT_TRUE(l.ok() && l->series.size() == 1);
  LeakSegmentationOptions so;
  so.injectionPoint = t->xa.needleTip;
  so.threads = 2;
  auto r = segmentLeak(l->series[0], so);
  ASSERT_TRUE(r.ok()) << r.message();
  const std::uint64_t h = segmentationHash(*r);
  Fnv outline;  // every vertex to the bit
  for (const Point2& q : r->discOutline) outline.bytes(q.data(), sizeof(double) * 2);
  EXPECT_EQ(outline.h, c.outlineHash) << "seed " << c.seed << ": outline hash now " << std::hex << outline.h;
  char text[32];
  std::snprintf(text, sizeof text, "0x%016llxull", static_cast<unsigned long long>(h));
  EXPECT_EQ(h, c.hash) << "seed " << c.seed << ": hash now " << text;
  // Same input, other thread count: the result must not depend on scheduling.
  so.threads = 1;
  auto single = segmentLeak(l->series[0], so);
  ASSERT_TRUE(single.ok()) << single.message();
  EXPECT_EQ(segmentationHash(*single), h);
  ASSERT_EQ(single->discOutline.size(), r->discOutline.size());
  for (std::size_t i = 0; i < r->discOutline.size(); ++i) {
    EXPECT_EQ(single->discOutline[i][0], r->discOutline[i][0]) << "vertex " << i;
    EXPECT_EQ(single->discOutline[i][1], r->discOutline[i][1]) << "vertex " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, LeakGolden,
                         ::testing::Values(GoldenCase{1, 0.5, 256, 24, 8, 0xcd08deb6473b5b0aull, 0xe61d2956b9eac755ull},
                                           GoldenCase{3, 2.0, 256, 24, 8, 0x9457140d05ad0904ull, 0xbbcb38aaff835eb2ull},
                                           GoldenCase{6, 2.0, 256, 24, 8, 0xcdd5d4e5fa657014ull, 0xd307331f30718d9full},
                                           GoldenCase{4, 1.0, 384, 36, 16, 0x9772e3deaeded719ull,
                                                      0xebbbebc24624f5a4ull}),
                         [](const auto& info) { return "seed" + std::to_string(info.param.seed); });

}  // namespace
}  // namespace annulo
