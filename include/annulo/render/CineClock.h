#pragma once
// Which cine frame to show at a given playback time: frame timing from the
// file (FrameTime or FrameTimeVector), a speed factor, looping.

#include <vector>

namespace annulo {

class CineClock {
 public:
  // frameTimesMs[i]: time of frame i from the start (Series::slices[i].timeMs).
  // A series without timing plays at `fallbackFps`.
  explicit CineClock(std::vector<double> frameTimesMs, double fallbackFps = 15.0);

  int frameAt(double elapsedMs, double speed, bool loop) const;
  double durationMs() const { return duration_; }
  int frames() const { return int(times_.size()); }

 private:
  std::vector<double> times_;
  double duration_ = 0;
};

}  // namespace annulo
