#include "annulo/render/CineClock.h"

#include <algorithm>
#include <cmath>

namespace annulo {

CineClock::CineClock(std::vector<double> frameTimesMs, double fallbackFps) : times_(std::move(frameTimesMs)) {
  const bool timed = times_.size() > 1 && times_.back() > 0;
  if (!timed)
    for (std::size_t i = 0; i < times_.size(); ++i) times_[i] = double(i) * 1000.0 / fallbackFps;
  // The last frame is shown for one (average) interval before the loop restarts.
  const double interval = times_.size() > 1 ? times_.back() / double(times_.size() - 1) : 1000.0 / fallbackFps;
  duration_ = times_.empty() ? 0 : times_.back() + interval;
}

int CineClock::frameAt(double elapsedMs, double speed, bool loop) const {
  if (times_.empty()) return 0;
  double t = std::max(0.0, elapsedMs * speed);
  if (loop && duration_ > 0) t = std::fmod(t, duration_);
  const auto it = std::upper_bound(times_.begin(), times_.end(), t);
  return std::max(0, int(it - times_.begin()) - 1);
}

}  // namespace annulo
