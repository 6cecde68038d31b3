#pragma once
// Private helper: run body(i) for i in [0, count) on up to `threads` threads
// (0 = hardware concurrency). Work is handed out one index at a time, so frames
// of uneven cost balance themselves. body gets (index, worker) so it can use
// per-worker scratch buffers; it must not throw.

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace annulo::processing_detail {

inline unsigned workerCount(unsigned requested, int count) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const unsigned want = requested == 0 ? hw : requested;
  return std::max(1u, std::min(want, unsigned(std::max(1, count))));
}

inline void parallelFor(int count, unsigned workers, const std::function<void(int, unsigned)>& body) {
  if (workers <= 1 || count <= 1) {
    for (int i = 0; i < count; ++i) body(i, 0);
    return;
  }
  std::atomic<int> next{0};
  auto work = [&](unsigned worker) {
    for (int i = next++; i < count; i = next++) body(i, worker);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (unsigned t = 1; t < workers; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();
}

}  // namespace annulo::processing_detail
