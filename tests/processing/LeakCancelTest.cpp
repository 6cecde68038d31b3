#include <gtest/gtest.h>

#include <atomic>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/LeakSegmenter.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

TEST(LeakSegmenter, StopsWhenCancelled) {
  test::TempDir dir;
  PhantomOptions o;
  o.seed = 4;
  o.xaSize = 128;
  o.xaFrames = 16;
  o.writeMr = false;
  auto truth = writePhantom(o, dir.path().string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  auto loaded = loadSeries((dir / "xa").string());
  ASSERT_TRUE(loaded.ok());
  const Series& s = loaded->series.at(0);
  LeakSegmentationOptions opts;
  opts.injectionPoint = truth->xa.needleTip;
  std::atomic<bool> cancel{true};
  opts.cancel = &cancel;
  auto r = segmentLeak(s, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cancelled"), std::string::npos);
  cancel = false;
  EXPECT_TRUE(segmentLeak(s, opts).ok()) << "the same call runs to the end when not cancelled";
}

}  // namespace
}  // namespace annulo
