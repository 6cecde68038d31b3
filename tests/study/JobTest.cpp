// The one background job type: progress that never goes back, cancel mid-way with a
// clear "cancelled", results taken once, shutdown with work running.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "annulo/study/Job.h"
#include "annulo/study/Study.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until `done` holds.
template <typename Pred>
bool eventually(Pred done, std::chrono::milliseconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(Job, ProgressNeverGoesBackAndTheResultIsTakenOnce) {
  std::atomic<int> stage{0};
  Job<int> job;
  job.start("count", [&](JobControl& c) -> Result<int> {
    for (float f : {0.2f, 0.6f, 0.4f, 0.1f, 0.9f}) {
      c.progress(f);
      ++stage;
      while (stage.load() % 2 == 1) std::this_thread::sleep_for(1ms);  // the test samples between steps
    }
    return 42;
  });
  std::vector<float> seen;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(eventually([&] { return stage.load() == 2 * i + 1; }));
    seen.push_back(job.progress());
    ++stage;
  }
  EXPECT_EQ(seen, (std::vector<float>{0.2f, 0.6f, 0.6f, 0.6f, 0.9f}));
  std::optional<Result<int>> r;
  ASSERT_TRUE(eventually([&] { return bool(r = job.take()); }));
  ASSERT_TRUE(r->ok());
  EXPECT_EQ(**r, 42);
  EXPECT_FALSE(job.running());
  EXPECT_FALSE(job.take().has_value());  // once
}

TEST(Job, CancelMidWayGivesACancelledError) {
  Job<int> job;
  std::atomic<int> steps{0};
  job.start("long work", [&](JobControl& c) -> Result<int> {
    for (int i = 0; i < 100000; ++i) {
      if (c.cancelled()) return cancelledError("long work");
      c.progress(float(i) / 100000.0f);
      ++steps;
      std::this_thread::sleep_for(100us);
    }
    return 1;
  });
  ASSERT_TRUE(eventually([&] { return steps.load() > 20; }));
  job.cancel();
  EXPECT_TRUE(job.cancelRequested());
  auto r = job.wait();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "long work cancelled");
  EXPECT_LT(steps.load(), 100000);
}

TEST(Job, AnExceptionInTheWorkBecomesAnError) {
  Job<int> job;
  job.start("throws", [](JobControl&) -> Result<int> { throw std::runtime_error("boom"); });
  auto r = job.wait();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "unexpected error: boom");
}

TEST(Job, DestroyingAJobStopsItsWorkAndWaits) {
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  const auto begin = std::chrono::steady_clock::now();
  {
    Job<int> job;
    job.start("until cancelled", [stopped](JobControl& c) -> Result<int> {
      while (!c.cancelled()) std::this_thread::sleep_for(1ms);
      *stopped = true;
      return cancelledError("until cancelled");
    });
    std::this_thread::sleep_for(20ms);
  }  // shutdown with the job running
  EXPECT_TRUE(stopped->load()) << "the worker outlived its job";
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
}

TEST(Job, OpeningTheSampleStudyReportsRisingProgressAndCanBeCancelled) {
  const std::string sample = (test::sourceDir() / "sample_data").string();
  Job<std::unique_ptr<Study>> job;
  std::vector<float> seen;
  job.start("open", [&](JobControl& c) -> Result<std::unique_ptr<Study>> {
    StudyOptions o;
    o.load.progress = [&c](double f) { c.progress(float(f)); };
    o.load.cancel = c.cancelFlag();
    return Study::open(sample, o);
  });
  std::optional<Result<std::unique_ptr<Study>>> r;
  while (!(r = job.take())) seen.push_back(job.progress());
  ASSERT_TRUE(r->ok()) << r->message();
  EXPECT_EQ((**r)->series().size(), 2u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  job.start("open", [&](JobControl& c) -> Result<std::unique_ptr<Study>> {
    c.cancel();  // as a user pressing Cancel before the first file
    StudyOptions o;
    o.load.cancel = c.cancelFlag();
    return Study::open(sample, o);
  });
  auto cancelled = job.wait();
  ASSERT_FALSE(cancelled.ok());
  EXPECT_NE(cancelled.message().find("cancel"), std::string::npos) << cancelled.message();
}

}  // namespace
}  // namespace annulo
