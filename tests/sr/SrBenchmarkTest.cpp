// Export and import time of a 100-tear report (target < 100 ms each). Not
// timing-asserted: the figures are printed and recorded as test properties.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "SrFixtures.h"
#include "annulo/sr/SrExport.h"

namespace annulo {
namespace {

using Clock = std::chrono::steady_clock;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Session hundredTears(const srtest::PhantomData& p) {
  const Session sample = srtest::sampleSession(p);
  Session s = sample;
  s.tears.clear();
  for (int i = 0; i < 100; ++i) {
    TearAnnotation t = sample.tears[std::size_t(i) % sample.tears.size()];
    t.id = "T" + std::to_string(i + 1);
    t.trackingUid = "2.25." + std::to_string(1000000 + i);
    if (!t.geometry.is3D()) t.geometry.image.frameNumber = 1 + i % p.truth.xa.frames;
    if (t.leakFigures && t.leakFigures->onsetFrame) t.leakFigures->onsetFrame = 1 + i % p.truth.xa.frames;
    s.tears.push_back(std::move(t));
  }
  return s;
}

TEST(SrBenchmark, HundredTearsExportAndImportTimes) {
  ANNULO_REQUIRE_PHANTOM();
  const auto& p = srtest::phantom();
  const Session session = hundredTears(p);
  test::TempDir dir;
  const std::string path = (dir / "report100.dcm").string();
  std::vector<double> exportMs, importMs;
  for (int run = 0; run < 5; ++run) {
    const auto t0 = Clock::now();
    auto out = exportSr(session, srtest::sources(p), path);
    const auto t1 = Clock::now();
    ASSERT_TRUE(out.ok()) << out.message();
    auto in = importSr(path);
    const auto t2 = Clock::now();
    ASSERT_TRUE(in.ok()) << in.message();
    ASSERT_EQ(in->tears.size(), 100u);
    exportMs.push_back(ms(t1 - t0));
    importMs.push_back(ms(t2 - t1));
  }
  const double e = median(exportMs), i = median(importMs);
  std::cout << "[ SR bench ] 100 tears, " << std::filesystem::file_size(path) / 1024 << " KiB: export " << e
            << " ms, import " << i << " ms (median of 5; target < 100 ms each)\n";
  RecordProperty("export_ms", std::to_string(e));
  RecordProperty("import_ms", std::to_string(i));
}

}  // namespace
}  // namespace annulo
