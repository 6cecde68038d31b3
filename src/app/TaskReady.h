#pragma once
// Worker results polled once per UI frame: never blocks. A deferred task (as the
// screenshot mode uses) reports "deferred", not ready: it runs when get() is called.

#include <chrono>
#include <future>

namespace annulo::app {

template <typename T>
bool taskReady(const std::future<T>& f) {
  return f.valid() && f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace annulo::app
