#pragma once
// One small greyscale picture per series for the study browser: the middle
// slice (or first frame) with the series' default window, as a GL texture.

#include <GL/glew.h>

#include <vector>

#include "annulo/dicom/SeriesLoader.h"

namespace annulo::app {

class Thumbnails {
 public:
  static constexpr int kSize = 64;
  Thumbnails() = default;
  ~Thumbnails();
  Thumbnails(const Thumbnails&) = delete;
  Thumbnails& operator=(const Thumbnails&) = delete;

  // Rebuilds for a new study.
  void build(const LoadResult& study);
  GLuint texture(std::size_t series) const { return series < textures_.size() ? textures_[series] : 0; }

 private:
  void release();
  std::vector<GLuint> textures_;
};

// Nearest-neighbour reduction of a rendered slice to kSize x kSize, letterboxed.
std::vector<std::uint8_t> thumbnailPixels(const Series& series, int size);

}  // namespace annulo::app
