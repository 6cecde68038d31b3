#include "Thumbnails.h"

#include <algorithm>

#include "annulo/dicom/DisplayImage.h"
#include "annulo/render/WindowLevel.h"

namespace annulo::app {

std::vector<std::uint8_t> thumbnailPixels(const Series& s, int size) {
  std::vector<std::uint8_t> out(std::size_t(size) * std::size_t(size), 0);
  if (s.sliceCount() == 0 || s.pixels.empty()) return out;
  const std::size_t slice = s.multiFrame ? 0 : s.sliceCount() / 2;
  const WindowLevel w = defaultWindow(s);
  const DisplayImage img = renderSlice(s, slice, WindowPreset{w.center, w.width, ""});
  const double scale = double(size) / std::max(img.width, img.height);
  const int dw = int(img.width * scale), dh = int(img.height * scale);
  const int ox = (size - dw) / 2, oy = (size - dh) / 2;
  for (int y = 0; y < dh; ++y)
    for (int x = 0; x < dw; ++x) {
      const int sx = std::min(img.width - 1, int(x / scale)), sy = std::min(img.height - 1, int(y / scale));
      out[std::size_t(oy + y) * std::size_t(size) + std::size_t(ox + x)] =
          img.pixels[(std::size_t(sy) * std::size_t(img.width) + std::size_t(sx)) * std::size_t(img.channels)];
    }
  return out;
}

Thumbnails::~Thumbnails() { release(); }

void Thumbnails::release() {
  if (!textures_.empty()) glDeleteTextures(GLsizei(textures_.size()), textures_.data());
  textures_.clear();
}

void Thumbnails::build(const LoadResult& study) {
  release();
  textures_.resize(study.series.size());
  if (textures_.empty()) return;
  glGenTextures(GLsizei(textures_.size()), textures_.data());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  for (std::size_t i = 0; i < study.series.size(); ++i) {
    const auto px = thumbnailPixels(study.series[i], kSize);
    glBindTexture(GL_TEXTURE_2D, textures_[i]);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, kSize, kSize, 0, GL_RED, GL_UNSIGNED_BYTE, px.data());
    // Grey from the red channel: ImGui samples RGBA.
    const GLint swizzle[4] = {GL_RED, GL_RED, GL_RED, GL_ONE};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  }
}

}  // namespace annulo::app
