// Every fuzz target over its regression inputs (tests/data/fuzz/<target>/:
// the seeds and every input a fuzzer ever crashed, hung or leaked on), through
// the same entry function libFuzzer drives. In the normal build this proves the
// fixes stay fixed; under tools/sanitize.sh it is a sanitizer run of each input.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "annulo/dicom/SeriesLoader.h"
#include "fuzz/FuzzTargets.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputsOf(const std::string& target) {
  std::vector<fs::path> out;
  const fs::path dir = test::sourceDir() / "tests" / "data" / "fuzz" / target;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

class FuzzRegression : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzRegression, EveryInputReturnsQuickly) {
  const fuzz::Target* target = fuzz::findTarget(GetParam());
  ASSERT_NE(target, nullptr);
  const auto inputs = inputsOf(GetParam());
  ASSERT_FALSE(inputs.empty()) << "no regression inputs for " << GetParam();
  for (const auto& p : inputs) {
    SCOPED_TRACE(p.string());
    std::ifstream in(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(target->run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 5.0) << "a hang, by the fuzzers' measure";
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegression,
                         ::testing::Values("file", "folder", "sr", "session", "labelmap", "deid"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace annulo

namespace annulo {
namespace {

// The seeds must reach the deep end (pixels decoded), or the regression run of
// the file target would only ever test the header probe.
TEST(FuzzSeeds, FileSeedsDecodeToPixels) {
  const auto inputs = inputsOf("file");
  int seeds = 0;
  for (const auto& p : inputs) {
    if (p.filename().string().rfind("seed-", 0) != 0) continue;
    ++seeds;
    auto r = loadSeries(p.string());
    ASSERT_TRUE(r.ok()) << p;
    ASSERT_EQ(r->series.size(), 1u) << p << (r->rejected.empty() ? "" : ": " + r->rejected[0].reason);
    EXPECT_FALSE(r->series[0].pixels.empty()) << p;
  }
  EXPECT_GE(seeds, 5);
}

}  // namespace
}  // namespace annulo
