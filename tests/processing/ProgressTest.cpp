// Progress output and cancellation of the long work: leak segmentation, filters, HIZ search.
// Progress is polled from this thread while the work runs on another, as the viewer does.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <future>
#include <thread>
#include <vector>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/FilterParameters.h"
#include "annulo/processing/Filters.h"
#include "annulo/processing/HizDetector.h"
#include "annulo/processing/LeakSegmenter.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

// Runs `work` on another thread, recording every distinct progress value seen until it
// ends, then the final one.
template <typename Work>
auto recordProgress(std::atomic<float>& progress, Work work, std::vector<float>& seen) {
  // The value before the work starts is recorded first: a single fast pass (the MIP)
  // could end before the first poll, and then only its final 1 was seen.
  float last = progress.load(std::memory_order_relaxed);
  seen.push_back(last);
  auto task = std::async(std::launch::async, work);
  while (task.wait_for(std::chrono::microseconds(50)) != std::future_status::ready) {
    const float v = progress.load(std::memory_order_relaxed);
    if (v != last) seen.push_back(last = v);
  }
  seen.push_back(progress.load(std::memory_order_relaxed));
  return task.get();
}

// `minDistinct`: 3 for work that reports as it goes; 2 (0 then 1) only for a
// documented single pass (the maximum projection is one ITK pass, Filters.cpp).
void expectMonotonicToOne(const std::vector<float>& seen, std::size_t minDistinct = 3) {
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_GE(seen[i], 0.0f) << i;
    EXPECT_LE(seen[i], 1.0f) << i;
    if (i > 0) {
      EXPECT_GE(seen[i], seen[i - 1]) << "progress went back at sample " << i;
    }
  }
  EXPECT_EQ(seen.back(), 1.0f);
  // A single final 1.0 would pass the checks above: the bar must be seen moving.
  std::vector<float> distinct;
  for (float v : seen)
    if (distinct.empty() || v > distinct.back()) distinct.push_back(v);
  EXPECT_GE(distinct.size(), minDistinct)
      << "progress must rise through at least " << minDistinct << " distinct values, saw " << distinct.size();
  if (minDistinct >= 3) {
    EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](float v) { return v > 0.0f && v < 1.0f; }))
        << "no value between 0 and 1 was reported";
  }
}

// Sets `cancel` once the work has visibly started (progress above 0).
std::thread cancelWhenStarted(const std::atomic<float>& progress, std::atomic<bool>& cancel) {
  return std::thread([&progress, &cancel] {
    while (progress.load(std::memory_order_relaxed) <= 0.0f) std::this_thread::yield();
    cancel = true;
  });
}

class LeakProgress : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    PhantomOptions o;
    o.seed = 4;
    o.xaSize = 256;
    o.xaFrames = 32;
    o.writeMr = false;
    auto truth = writePhantom(o, dir_->path().string());
    ASSERT_TRUE(truth.ok()) << truth.message();
    tip_ = truth->xa.needleTip;
    auto loaded = loadSeries((*dir_ / "xa").string());
    ASSERT_TRUE(loaded.ok()) << loaded.message();
    series_ = new Series(std::move(loaded->series.at(0)));
  }
  static void TearDownTestSuite() {
    delete series_;
    delete dir_;
  }
  LeakSegmentationOptions options() const {
    LeakSegmentationOptions o;
    o.injectionPoint = tip_;
    return o;
  }
  // Test-suite fixtures: the phantom is written once for all the cases.
  static inline test::TempDir* dir_ = nullptr;
  static inline Series* series_ = nullptr;
  static inline Point2 tip_{};
};

TEST_F(LeakProgress, RisesMonotonicallyToOneAndLeavesTheResultAlone) {
  std::atomic<float> progress{0};
  LeakSegmentationOptions o = options();
  o.progress = &progress;
  std::vector<float> seen;
  auto with = recordProgress(
      progress, [&] { return segmentLeak(*series_, o); }, seen);
  ASSERT_TRUE(with.ok()) << with.message();
  expectMonotonicToOne(seen);
  std::printf("leak segmentation: %zu distinct progress values seen\n", seen.size());
  auto without = segmentLeak(*series_, options());
  ASSERT_TRUE(without.ok()) << without.message();
  EXPECT_EQ(with->roiLabels, without->roiLabels);
  EXPECT_EQ(with->leakOnsetFrame, without->leakOnsetFrame);
  EXPECT_EQ(with->accumulatedLeakPixels, without->accumulatedLeakPixels);
  ASSERT_EQ(with->perFrame.size(), without->perFrame.size());
  for (std::size_t i = 0; i < with->perFrame.size(); ++i)
    EXPECT_EQ(with->perFrame[i].leakPixels, without->perFrame[i].leakPixels) << i;
}

TEST_F(LeakProgress, CancelBeforeOrWhileRunningIsTheCancellationError) {
  std::atomic<bool> cancel{true};
  std::atomic<float> progress{0};
  LeakSegmentationOptions o = options();
  o.cancel = &cancel;
  o.progress = &progress;
  auto before = segmentLeak(*series_, o);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.message(), "leak segmentation cancelled");

  cancel = false;
  std::thread canceller = cancelWhenStarted(progress, cancel);
  auto during = segmentLeak(*series_, o);
  canceller.join();
  ASSERT_FALSE(during.ok()) << "finished before the cancel was seen";
  EXPECT_EQ(during.message(), "leak segmentation cancelled");
  EXPECT_LT(progress.load(), 1.0f);
}

// Frames of smooth texture, large enough that a frame takes a few milliseconds.
Series cine(int frames) {
  Series s;
  s.series.modality = "OT";
  s.photometric = "MONOCHROME2";
  s.columns = s.rows = 160;
  s.bitsAllocated = 16;
  s.bitsStored = 12;
  s.sampleType = SampleType::UInt16;
  s.spacing = {0.5, 0.5, 1};
  s.multiFrame = true;
  s.slices.resize(std::size_t(frames));
  s.pixels = PixelBuffer(std::size_t(frames) * s.sliceBytes());
  auto* p = reinterpret_cast<std::uint16_t*>(s.pixels.data());
  for (std::size_t i = 0; i < std::size_t(frames) * 160 * 160; ++i)
    p[i] = std::uint16_t(1000 + (i * 2654435761u >> 20) % 400);
  return s;
}

TEST(FilterProgress, RisesMonotonicallyToOneAndLeavesTheResultAlone) {
  const Series s = cine(24);
  for (FilterOp op : {FilterOp::Median, FilterOp::Diffusion, FilterOp::Subtract, FilterOp::Projection}) {
    SCOPED_TRACE(filterOpName(op));
    std::atomic<float> progress{0};
    FilterOptions o = defaultFilterOptions(op);
    o.progress = &progress;
    std::vector<float> seen;
    auto with = recordProgress(
        progress, [&] { return applyFilter(s, o); }, seen);
    ASSERT_TRUE(with.ok()) << with.message();
    expectMonotonicToOne(seen, op == FilterOp::Projection ? 2 : 3);
    auto without = applyFilter(s, defaultFilterOptions(op));
    ASSERT_TRUE(without.ok());
    ASSERT_EQ(with->bytes.size(), without->bytes.size());
    EXPECT_EQ(std::memcmp(with->bytes.data(), without->bytes.data(), with->bytes.size()), 0);
    EXPECT_EQ(with->derivationDescription, without->derivationDescription);
  }
}

TEST(FilterProgress, CancelBeforeOrWhileRunningIsTheCancellationError) {
  const Series s = cine(48);
  for (FilterOp op : {FilterOp::Diffusion, FilterOp::Subtract}) {
    SCOPED_TRACE(filterOpName(op));
    std::atomic<bool> cancel{true};
    std::atomic<float> progress{0};
    FilterOptions o = defaultFilterOptions(op);
    o.cancel = &cancel;
    o.progress = &progress;
    o.threads = 1;
    const std::string expected = std::string(filterOpName(op)) + " filter cancelled";
    auto before = applyFilter(s, o);
    ASSERT_FALSE(before.ok());
    EXPECT_EQ(before.message(), expected);

    cancel = false;
    std::thread canceller = cancelWhenStarted(progress, cancel);
    auto during = applyFilter(s, o);
    canceller.join();
    ASSERT_FALSE(during.ok()) << "finished before the cancel was seen";
    EXPECT_EQ(during.message(), expected);
    EXPECT_LT(progress.load(), 1.0f);
  }
}

TEST(HizProgress, RisesToOneLeavesTheResultAloneAndCancels) {
  test::TempDir dir;
  PhantomOptions o;
  o.seed = 3;
  o.writeXa = false;
  auto truth = writePhantom(o, dir.path().string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  auto loaded = loadSeries((dir / "mr").string());
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  const Series& mr = loaded->series.at(0);

  auto plain = detectHiz(mr);
  ASSERT_TRUE(plain.ok()) << plain.message();
  ASSERT_FALSE(plain->empty());
  std::atomic<float> progress{0};
  HizOptions with;
  with.progress = &progress;
  std::vector<float> seen;
  auto r = recordProgress(
      progress, [&] { return detectHiz(mr, with); }, seen);
  ASSERT_TRUE(r.ok()) << r.message();
  expectMonotonicToOne(seen);
  ASSERT_EQ(r->size(), plain->size());
  EXPECT_EQ((*r)[0].slice, (*plain)[0].slice);
  EXPECT_EQ((*r)[0].pixel, (*plain)[0].pixel);

  std::atomic<bool> cancel{true};
  HizOptions cancelled;
  cancelled.cancel = &cancel;
  auto c = detectHiz(mr, cancelled);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.message().find("HIZ search cancelled"), std::string::npos) << c.message();

  // Cancelled while running (once progress shows it started), not only before.
  cancel = false;
  std::atomic<float> during{0};
  cancelled.progress = &during;
  std::thread canceller = cancelWhenStarted(during, cancel);
  auto mid = detectHiz(mr, cancelled);
  canceller.join();
  ASSERT_FALSE(mid.ok()) << "finished before the cancel was seen";
  EXPECT_NE(mid.message().find("HIZ search cancelled"), std::string::npos) << mid.message();
  EXPECT_GT(during.load(), 0.0f);
  EXPECT_LT(during.load(), 1.0f);
}

}  // namespace
}  // namespace annulo
