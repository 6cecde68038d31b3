// The MR phantom's variety (MrVariation, issue 11): a flip, a reversed slice order and a
// rescale change how the same anatomy is stored, not what the loader reconstructs.

#include <gtest/gtest.h>

#include <cmath>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

struct Loaded {
  PhantomTruth truth;
  LoadResult result;
  const Series& series() const { return result.series.front(); }
};

Loaded make(const PhantomOptions& o, const test::TempDir& dir, const std::string& name) {
  auto t = writePhantom(o, (dir.path() / name).string());
  if (!t) throw AnnuloError(t.message());
  auto l = loadSeries((dir.path() / name / "mr").string());
  if (!l || l->series.size() != 1) throw AnnuloError("phantom MR did not load");
  return {*t, std::move(l).value()};
}

PhantomOptions base() {
  PhantomOptions o;
  o.seed = 7;
  o.writeXa = false;
  o.mrSize = 128;
  o.mrSlices = 12;
  o.noiseScale = 0;  // the noise stream follows the instance number, which the reversal changes
  return o;
}

TEST(MrVariation, FlipReverseAndRescaleStoreTheSameAnatomy) {
  test::TempDir dir;
  const Loaded plain = make(base(), dir, "plain");
  PhantomOptions o = base();
  o.mr.anteriorRight = true;
  o.mr.reverseSliceOrder = true;
  o.mr.valueScale = 4.0;
  o.mr.rescaleSlope = 2.0;
  o.mr.rescaleIntercept = -1024;
  const Loaded varied = make(o, dir, "varied");
  const Series& a = plain.series();
  const Series& b = varied.series();
  ASSERT_EQ(a.sliceCount(), b.sliceCount());
  // The same place in the patient, through each series' own geometry.
  const MrTruth& ta = plain.truth.mr;
  const MrTruth& tb = varied.truth.mr;
  // The middle instance holds the HIZ; with 12 slices it sits half a slice off the
  // midline, on the other side when the order is reversed.
  EXPECT_NEAR(ta.hizPositionMm[0], -tb.hizPositionMm[0], 1e-9);
  for (int k = 1; k < 3; ++k) EXPECT_NEAR(ta.hizPositionMm[k], tb.hizPositionMm[k], 1e-9);
  const Vec3 pb = b.pixelToPatient(tb.hizPixel[0], tb.hizPixel[1], std::size_t(tb.hizSlice - 1));
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(pb[k], tb.hizPositionMm[k], 1e-6);
  EXPECT_NEAR(tb.hizPixel[0], a.columns - 1 - ta.hizPixel[0], 1e-9);  // anterior on the right
  // Same values at the same patient point: modality value = 4 x the template's (rounding).
  int compared = 0;
  for (std::size_t k = 0; k < a.sliceCount(); ++k) {
    const Vec3 pa = a.pixelToPatient(0, 0, k);
    // The slice of b at the same x (the loader sorts both along their own normal).
    std::size_t kb = 0;
    double best = 1e9;
    for (std::size_t j = 0; j < b.sliceCount(); ++j) {
      const double d = std::abs(b.pixelToPatient(0, 0, j)[0] - pa[0]);
      if (d < best) best = d, kb = j;
    }
    ASSERT_LT(best, 1e-6);
    for (int r = 0; r < a.rows; r += 9)
      for (int c = 0; c < a.columns; c += 7) {
        const double va = a.modalityValue(k, std::size_t(r * a.columns + c));
        const double vb = b.modalityValue(kb, std::size_t(r * a.columns + (a.columns - 1 - c)));
        if (va >= 4095) continue;  // the template clips at 12 bits
        ASSERT_NEAR(vb, 4 * va, 4 * 0.5 + 2 * 0.5 + 1e-6) << "slice " << k << " (" << c << ", " << r << ")";
        ++compared;
      }
  }
  EXPECT_GT(compared, 1000);
}

TEST(MrVariation, NegativeHasNoFocusAndTheFieldShiftDropsTheSacrum) {
  test::TempDir dir;
  PhantomOptions o = base();
  o.mr.hiz = false;
  o.mr.hizLevel = "L4-L5";
  const Loaded negative = make(o, dir, "negative");
  o.mr.hiz = true;
  const Loaded positive = make(o, dir, "positive");
  const MrTruth& t = positive.truth.mr;
  EXPECT_TRUE(t.hasHiz);
  EXPECT_FALSE(negative.truth.mr.hasHiz);
  EXPECT_EQ(t.hizLevel, "L4-L5");
  const auto at = [&](const Loaded& l) {
    return l.series().modalityValue(std::size_t(t.hizSlice - 1),
                                    std::size_t(std::lround(t.hizPixel[1]) * t.columns + std::lround(t.hizPixel[0])));
  };
  EXPECT_GT(at(positive), at(negative) + 600);  // HIZ 0.95 against annulus 0.2 (x3000)
  EXPECT_TRUE(t.sacrumInView);
  o.mr.fieldShiftMm = 140;  // the field moves up the spine: the sacrum leaves it
  EXPECT_FALSE(phantomTruth(o).mr.sacrumInView);
  o.mr.anatomy = 2;  // another rendering: the HIZ disc keeps its level, not its place
  const PhantomTruth other = phantomTruth(o);
  EXPECT_EQ(other.mr.hizLevel, "L4-L5");
  EXPECT_GT(std::abs(other.mr.hizPositionMm[2] - phantomTruth(base()).mr.hizPositionMm[2]) +
                std::abs(other.mr.hizPositionMm[1] - phantomTruth(base()).mr.hizPositionMm[1]),
            0.5);
}

}  // namespace
}  // namespace annulo
