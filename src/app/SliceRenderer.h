#pragma once
// Draws one slice or frame (window/level, inversion, label overlay) into an
// RGBA texture with the GLSL pass in shaders/. Owns GL objects: move-only.
// Requires a current GL 3.3+ context with GLEW initialised.

#include <GL/glew.h>

#include <cstdint>
#include <vector>

#include "annulo/dicom/Series.h"
#include "annulo/render/WindowLevel.h"

namespace annulo::app {

struct OverlayStyle {
  bool show = true;
  float opacity = 0.55f;
  float intradiscal[3] = {0.2f, 0.6f, 1.0f};
  float leak[3] = {1.0f, 0.55f, 0.0f};
};

class SliceRenderer {
 public:
  SliceRenderer();
  ~SliceRenderer();
  SliceRenderer(const SliceRenderer&) = delete;
  SliceRenderer& operator=(const SliceRenderer&) = delete;
  SliceRenderer(SliceRenderer&& other) noexcept;
  SliceRenderer& operator=(SliceRenderer&& other) noexcept;

  // Uploads slice `index` of `series` (modality values) when it changed.
  void setSlice(const Series& series, std::size_t index);
  // A 2D image that is not a series slice (an MPR reformat), modality values.
  void setImage(const std::vector<float>& values, int width, int height, bool invert);
  // columns*rows labels for the current slice, or nullptr for none.
  void setLabels(const std::uint8_t* labels, int width, int height);
  // Renders into the output texture; returns its GL name.
  GLuint render(WindowLevel window, const OverlayStyle& overlay);
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  void release();
  void ensureTargets(int w, int h);
  GLuint program_ = 0, vao_ = 0, values_ = 0, labels_ = 0, output_ = 0, fbo_ = 0;
  int width_ = 0, height_ = 0;
  bool colour_ = false, invert_ = false, hasLabels_ = false;
  const Series* series_ = nullptr;
  std::size_t index_ = std::size_t(-1);
  std::vector<float> scratch_;
  bool dirty_ = true;
  WindowLevel lastWindow_;
  OverlayStyle lastOverlay_;
  const std::uint8_t* lastLabels_ = nullptr;
};

}  // namespace annulo::app
