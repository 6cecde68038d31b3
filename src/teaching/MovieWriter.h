#pragma once
// Private: a WebM movie (VP8 through FFmpeg's libavformat/libavcodec and libvpx,
// Debian's libavcodec59) written frame by frame from RGB images, each frame at its
// own time (ms), so a cine keeps the file's frame timing even when it varies.
//
// Why WebM/VP8 through FFmpeg and not VTK's vtkOggTheoraWriter (Debian's VTK 9.1 has
// it): Theora is no longer played by Chromium (the page's browser here is 156), VTK's
// writer takes one integer frame rate, and VP8 in WebM plays in every current
// browser. Rules of use: open, add frames with increasing times, then finish();
// a writer destroyed without finish() leaves a truncated file the caller removes.

#include <memory>
#include <string>

#include "annulo/base/Result.h"
#include "annulo/dicom/DisplayImage.h"

namespace annulo::teaching {

class MovieWriter {
 public:
  // `width` x `height` RGB frames, constant quality.
  static Result<std::unique_ptr<MovieWriter>> open(const std::string& path, int width, int height);
  ~MovieWriter();
  MovieWriter(const MovieWriter&) = delete;
  MovieWriter& operator=(const MovieWriter&) = delete;

  // `rgb` must be width x height x 3. Times are from the first frame, in ms; a time
  // not after the previous frame's is moved 1 ms after it.
  Status add(const DisplayImage& rgb, double timeMs);
  Status finish();
  int frames() const;

 private:
  struct State;
  explicit MovieWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace annulo::teaching
