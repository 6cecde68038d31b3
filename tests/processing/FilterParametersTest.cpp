// The filter parameter table (FilterParameters.h): sane ranges, values set through it
// reach applyFilter and move its output the expected way, bad values are refused.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>

#include "annulo/processing/FilterParameters.h"
#include "annulo/processing/Filters.h"
#include "support/SyntheticSeries.h"

namespace annulo {
namespace {

using test::makeSeries;

const std::uint16_t* pixels(const DerivedImage& d, int f = 0) {
  return reinterpret_cast<const std::uint16_t*>(d.frameData(f));
}

const FilterParameter& parameter(FilterOp op, const std::string& name) {
  const FilterParameter* p = findFilterParameter(op, name);
  if (!p) throw std::runtime_error("no parameter " + name);
  return *p;
}

FilterOptions with(FilterOp op, const std::string& name, double value) {
  FilterOptions o = defaultFilterOptions(op);
  const Status st = setFilterParameter(o, parameter(op, name), value);
  EXPECT_TRUE(st.ok()) << st.message();
  return o;
}

TEST(FilterParameters, EveryParameterHasASaneRangeAndDefault) {
  std::size_t count = 0;
  for (FilterOp op : allFilterOps()) {
    std::set<std::string> names;
    for (const FilterParameter& p : filterParameters(op)) {
      ++count;
      SCOPED_TRACE(std::string(filterOpName(op)) + " " + p.name);
      EXPECT_EQ(p.op, op);
      EXPECT_TRUE(names.insert(p.name).second) << "duplicate name";
      EXPECT_FALSE(p.label.empty());
      EXPECT_FALSE(p.help.empty());
      EXPECT_EQ(p.name.find("--"), std::string::npos);
      EXPECT_LE(p.min, p.defaultValue);
      EXPECT_LE(p.defaultValue, p.max);
      EXPECT_LT(p.min, p.max);
      if (p.integer) {
        EXPECT_EQ(p.defaultValue, std::floor(p.defaultValue));
      }
      ASSERT_TRUE(p.get && p.set);
      EXPECT_EQ(p.get(defaultFilterOptions(op)), p.defaultValue);
    }
    const Status st = checkFilterParameters(defaultFilterOptions(op));
    EXPECT_TRUE(st.ok()) << st.message();
  }
  EXPECT_GE(count, 12u);
  EXPECT_TRUE(filterParameters(FilterOp::Projection).empty());  // mode and frames are not on a scale
  // The CLI's --sigma: the bilateral's domain sigma, the unsharp mask's blur.
  EXPECT_EQ(with(FilterOp::Bilateral, "sigma", 2).domainSigmaMm, 2);
  EXPECT_EQ(with(FilterOp::Unsharp, "sigma", 2).sigmaMm, 2);
}

TEST(FilterParameters, OutOfRangeValuesAreRefusedNamingTheParameter) {
  for (FilterOp op : allFilterOps()) {
    for (const FilterParameter& p : filterParameters(op)) {
      SCOPED_TRACE(std::string(filterOpName(op)) + " " + p.name);
      const double span = p.max - p.min;
      for (double bad : {p.max + std::max(1.0, span), p.min - std::max(1.0, span), std::nan("")}) {
        FilterOptions o = defaultFilterOptions(op);
        const Status st = setFilterParameter(o, p, bad);
        ASSERT_FALSE(st.ok()) << bad;
        EXPECT_NE(st.message().find(p.label), std::string::npos) << st.message();
        EXPECT_NE(st.message().find(filterOpName(op)), std::string::npos) << st.message();
        EXPECT_EQ(p.get(o), p.defaultValue) << "a refused value leaves the option alone";
      }
      if (p.integer) {
        FilterOptions o = defaultFilterOptions(op);
        EXPECT_FALSE(setFilterParameter(o, p, p.min + 0.5).ok());
      }
    }
  }
  // applyFilter makes the same check, whichever way the value came.
  Series s = makeSeries(16, 16, 1, [](int, int, int) { return 100; });
  FilterOptions o = defaultFilterOptions(FilterOp::Median);
  o.radius = 40;
  auto r = applyFilter(s, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("median radius"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("1..15"), std::string::npos) << r.message();
  o = defaultFilterOptions(FilterOp::Unsharp);
  o.amount = -1;
  r = applyFilter(s, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("unsharp amount"), std::string::npos) << r.message();
}

// Salt-and-pepper noise (a fraction of pixels set to 0 or 4095) on a flat 1000.
Series impulseNoise(double fraction, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  return makeSeries(128, 128, 2, [&](int, int, int) {
    const double r = u(rng);
    return r < fraction / 2 ? 0 : r < fraction ? 4095 : 1000;
  });
}

std::size_t outliers(const DerivedImage& d) {
  std::size_t n = 0;
  for (int f = 0; f < d.frames; ++f)
    for (int i = 0; i < d.columns * d.rows; ++i) n += std::abs(int(pixels(d, f)[i]) - 1000) > 100;
  return n;
}

TEST(FilterParameters, MedianRadiusTwoRemovesMoreImpulseNoiseThanRadiusOne) {
  const Series s = impulseNoise(0.35, 7);
  std::size_t before = 0;
  const auto* in = reinterpret_cast<const std::uint16_t*>(s.pixels.data());
  for (std::size_t i = 0; i < 2u * 128 * 128; ++i) before += std::abs(int(in[i]) - 1000) > 100;
  auto r1 = applyFilter(s, with(FilterOp::Median, "radius", 1));
  auto r2 = applyFilter(s, with(FilterOp::Median, "radius", 2));
  ASSERT_TRUE(r1.ok() && r2.ok());
  const std::size_t left1 = outliers(*r1), left2 = outliers(*r2);
  std::printf("impulse noise 35%%: %zu outlier pixels; median r1 leaves %zu, r2 leaves %zu\n", before, left1, left2);
  EXPECT_LT(left1, before / 2);
  EXPECT_LT(left2, left1 / 4);
  EXPECT_NE(r2->derivationDescription.find("radius 2"), std::string::npos) << r2->derivationDescription;
}

// A ramp with a texture of random detail: something for the sharpening to act on.
Series texture() {
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0, 40);
  return makeSeries(96, 80, 2, [&](int x, int y, int) { return int(std::lround(1500 + 8 * x + 3 * y + n(rng))); });
}

// Mean absolute difference of horizontal neighbours: detail contrast.
double detail(const std::uint16_t* p, int w, int h) {
  double sum = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 1; x < w; ++x) sum += std::abs(int(p[y * w + x]) - int(p[y * w + x - 1]));
  return sum / (double(w - 1) * h);
}

TEST(FilterParameters, UnsharpAmountZeroLeavesPixelsUnchangedAndMoreSharpensMore) {
  const Series s = texture();
  auto none = applyFilter(s, with(FilterOp::Unsharp, "amount", 0));
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_EQ(std::memcmp(none->bytes.data(), s.pixels.data(), none->bytes.size()), 0);
  auto some = applyFilter(s, with(FilterOp::Unsharp, "amount", 0.7));
  auto more = applyFilter(s, with(FilterOp::Unsharp, "amount", 2));
  ASSERT_TRUE(some.ok() && more.ok());
  const double d0 = detail(pixels(*none), 96, 80), d1 = detail(pixels(*some), 96, 80),
               d2 = detail(pixels(*more), 96, 80);
  std::printf("unsharp detail contrast: amount 0 %.1f, 0.7 %.1f, 2 %.1f\n", d0, d1, d2);
  EXPECT_GT(d1, 1.2 * d0);
  EXPECT_GT(d2, 1.2 * d1);
}

TEST(FilterParameters, MoreDiffusionIterationsSmoothMore) {
  const Series s = texture();
  auto few = applyFilter(s, with(FilterOp::Diffusion, "iterations", 1));
  auto many = applyFilter(s, with(FilterOp::Diffusion, "iterations", 10));
  ASSERT_TRUE(few.ok() && many.ok());
  const auto* in = reinterpret_cast<const std::uint16_t*>(s.pixels.data());
  const double d = detail(in, 96, 80), d1 = detail(pixels(*few), 96, 80), d10 = detail(pixels(*many), 96, 80);
  std::printf("diffusion detail contrast: input %.1f, 1 iteration %.1f, 10 iterations %.1f\n", d, d1, d10);
  EXPECT_LT(d1, d);
  EXPECT_LT(d10, 0.8 * d1);
}

TEST(FilterParameters, DescriptionNamesTheParametersAsSet) {
  EXPECT_EQ(describeFilterParameters(with(FilterOp::Median, "radius", 2)), "median, radius 2 px");
  EXPECT_EQ(describeFilterParameters(defaultFilterOptions(FilterOp::Bilateral)),
            "bilateral, domain sigma auto, range sigma auto");
  EXPECT_EQ(describeFilterParameters(defaultFilterOptions(FilterOp::Diffusion)),
            "diffusion, iterations 5, conductance 3, time step 0.0625");
  FilterOptions o = defaultFilterOptions(FilterOp::Subtract);
  o.motionCorrection = false;
  EXPECT_EQ(describeFilterParameters(o), "subtract, mask frame 1, no motion correction");
  o = defaultFilterOptions(FilterOp::Projection);
  o.firstFrame = 3;
  o.lastFrame = 9;
  EXPECT_EQ(describeFilterParameters(o), "mip, auto, frames 3-9");
}

}  // namespace
}  // namespace annulo
