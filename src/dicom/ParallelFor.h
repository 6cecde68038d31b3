#pragma once
// Private: runs job(i) for i in [0, count) on `threads` threads (the caller's
// among them), handing out indices in increasing order.

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace annulo::dicom_detail {

template <typename Job>
void parallelFor(std::size_t count, unsigned threads, Job job) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) job(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace annulo::dicom_detail
