#pragma once
// The view area while a study loads (issue 20): the first decoded frame of a cine
// (a volume's middle slice) as soon as it is decoded, then whatever the user asks
// for among the decoded slices; cine playback over the decoded frames; the count
// of decoded frames. Only slices the loader reported final are uploaded, so a
// half-written frame is never shown. When the study arrives, handOver() keeps the
// shown frame and the playback going in the real views.
// Requires a current GL context (it owns a SliceRenderer).

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "AppState.h"
#include "LoadPreview.h"
#include "SliceRenderer.h"

namespace annulo::app {

class ProgressiveView {
 public:
  // Draws into the current ImGui window (w x h); false (nothing drawn) while no slice
  // of the first series is decoded yet.
  bool draw(const LoadPreview& preview, float w, float h, double nowMs);
  bool playing() const { return playing_; }
  // Starts playback from the shown frame (the Play button; a script's 'first-frame OUT.png play').
  void play(double nowMs);
  // Every slice uploaded for this preview, in order (each one decoded when it was).
  const std::vector<std::size_t>& shownSlices() const { return shownLog_; }
  // Whether a decoded slice has been drawn for this preview, and which.
  bool shown() const { return shown_ != kNone; }
  std::size_t shownSlice() const { return shown_; }
  std::size_t decodedWhenFirstShown() const { return decodedAtFirst_; }
  // The shown frame and playback into the views of the study that just loaded.
  void handOver(AppState& state, double nowMs) const;
  // Where the image was drawn (window pixels, the sidecar's "view" / "image" keys).
  nlohmann::json describe(const LoadPreview& preview) const;

 private:
  static constexpr std::size_t kNone = std::size_t(-1);
  void reset(std::uint64_t id);
  std::uint64_t id_ = 0;
  std::unique_ptr<SliceRenderer> renderer_;
  // Copied from the early Series on the first read, so drawing needs no lock.
  bool haveInfo_ = false, multiFrame_ = false;
  int columns_ = 0, rows_ = 0;
  double aspect_ = 1;
  std::vector<double> times_;
  std::string modality_;
  WindowLevel window_;
  std::size_t wanted_ = 0, shown_ = kNone, decodedAtFirst_ = 0;
  std::vector<std::size_t> shownLog_;
  bool playing_ = false;
  double playStartedMs_ = 0, playOffsetMs_ = 0;
  float x_ = 0, y_ = 0, w_ = 0, h_ = 0;
};

}  // namespace annulo::app
