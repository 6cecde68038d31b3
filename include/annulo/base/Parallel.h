#pragma once
// The one parallel loop of the core: body(i) (or body(i, worker)) for i in [0, count)
// on up to `workers` threads, the caller's among them. Indices are handed out one at
// a time in increasing order, so frames or files of uneven cost balance themselves;
// `worker` (0..workers-1) lets a body use per-thread scratch buffers. The body must
// not throw.

#include <algorithm>
#include <atomic>
#include <thread>
#include <type_traits>
#include <vector>

namespace annulo {

// Threads to use for `count` items: `requested`, or one per core when 0; never more
// than there are items, never fewer than one.
inline unsigned workerCount(unsigned requested, long long count) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const unsigned want = requested == 0 ? hw : requested;
  return std::max(1u, unsigned(std::min<long long>(want, std::max<long long>(1, count))));
}

template <typename Index, typename Body>
void parallelFor(Index count, unsigned workers, Body body) {
  auto call = [&](Index i, unsigned worker) {
    if constexpr (std::is_invocable_v<Body&, Index, unsigned>)
      body(i, worker);
    else
      body(i);
  };
  if (workers <= 1 || count <= 1) {
    for (Index i = 0; i < count; ++i) call(i, 0);
    return;
  }
  std::atomic<Index> next{0};
  auto work = [&](unsigned worker) {
    for (Index i = next++; i < count; i = next++) call(i, worker);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (unsigned t = 1; t < workers; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();
}

}  // namespace annulo
