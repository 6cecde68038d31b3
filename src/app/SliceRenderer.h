#pragma once
// Draws one slice or frame (window/level, inversion, label overlay) with the
// GLSL pass in shaders/, straight into the UI framebuffer. Owns GL objects:
// move-only.
// Requires a current GL 3.3+ context with GLEW initialised.

#include <GL/glew.h>
#include <imgui.h>

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
  // columns*rows labels for the current slice, or nullptr for none. Uploaded when the
  // pointer or `version` changes: new contents in the same buffer need a new version.
  void setLabels(const std::uint8_t* labels, int width, int height, std::uint64_t version = 0);
  // Queues the image on `drawList` as a GL callback that shades it straight into
  // the UI framebuffer: one pass over only the visible pixels, which is what
  // keeps cine playback fast on a software renderer. corners: screen positions
  // of the image's top-left, top-right, bottom-right and bottom-left edges.
  void draw(ImDrawList* drawList, const ImVec2 corners[4], WindowLevel window, const OverlayStyle& overlay);
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  void release();
  static void drawCallback(const ImDrawList* list, const ImDrawCmd* cmd);
  void setUniforms(GLuint program, WindowLevel w, const OverlayStyle& overlay);
  void ensureTargets(int w, int h);
  ImVec2 corners_[4];
  WindowLevel drawWindow_;
  OverlayStyle drawOverlay_;
  GLuint program_ = 0, vao_ = 0, values_ = 0, labels_ = 0;
  int width_ = 0, height_ = 0;
  bool colour_ = false, invert_ = false, hasLabels_ = false;
  const Series* series_ = nullptr;
  std::size_t index_ = std::size_t(-1);
  std::vector<float> scratch_;
  float scale_ = 1, slope_ = 1, intercept_ = 0;  // texel -> stored -> modality value
  const std::uint8_t* lastLabels_ = nullptr;
  std::uint64_t labelsVersion_ = 0;
};

}  // namespace annulo::app
