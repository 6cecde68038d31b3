#include "SliceRenderer.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "annulo_shaders.h"

namespace annulo::app {
namespace {

GLuint compile(GLenum type, const char* source) {
  const GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &source, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048];
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    glDeleteShader(s);
    throw std::runtime_error(std::string("shader compile failed: ") + log);
  }
  return s;
}

GLuint link(const char* vs, const char* fs) {
  const GLuint v = compile(GL_VERTEX_SHADER, vs), f = compile(GL_FRAGMENT_SHADER, fs);
  const GLuint p = glCreateProgram();
  glAttachShader(p, v);
  glAttachShader(p, f);
  glLinkProgram(p);
  glDeleteShader(v);
  glDeleteShader(f);
  GLint ok = 0;
  glGetProgramiv(p, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048];
    glGetProgramInfoLog(p, sizeof log, nullptr, log);
    glDeleteProgram(p);
    throw std::runtime_error(std::string("shader link failed: ") + log);
  }
  return p;
}

void nearestClamp() {
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

}  // namespace

SliceRenderer::SliceRenderer() {
  program_ = link(shaders::slice_direct_vert, shaders::slice_frag);
  glGenVertexArrays(1, &vao_);
  glGenTextures(1, &values_);
  glGenTextures(1, &labels_);
}

SliceRenderer::~SliceRenderer() { release(); }

SliceRenderer::SliceRenderer(SliceRenderer&& o) noexcept { *this = std::move(o); }

SliceRenderer& SliceRenderer::operator=(SliceRenderer&& o) noexcept {
  if (this != &o) {
    release();
    program_ = std::exchange(o.program_, 0);
    vao_ = std::exchange(o.vao_, 0);
    values_ = std::exchange(o.values_, 0);
    labels_ = std::exchange(o.labels_, 0);
    width_ = o.width_;
    height_ = o.height_;
    colour_ = o.colour_;
    invert_ = o.invert_;
    hasLabels_ = o.hasLabels_;
    series_ = o.series_;
    index_ = o.index_;
  }
  return *this;
}

void SliceRenderer::release() {
  if (program_) glDeleteProgram(program_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  const GLuint textures[] = {values_, labels_};
  for (GLuint t : textures)
    if (t) glDeleteTextures(1, &t);
  program_ = vao_ = values_ = labels_ = 0;
}

void SliceRenderer::ensureTargets(int w, int h) {
  if (w == width_ && h == height_) return;
  width_ = w;
  height_ = h;
  // A new size invalidates the label texture.
  glBindTexture(GL_TEXTURE_2D, labels_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8UI, w, h, 0, GL_RED_INTEGER, GL_UNSIGNED_BYTE, nullptr);
  nearestClamp();
  hasLabels_ = false;
}

void SliceRenderer::setSlice(const Series& s, std::size_t index) {
  if (&s == series_ && index == index_) return;
  series_ = &s;
  index_ = index;
  ensureTargets(s.columns, s.rows);
  colour_ = s.isColor();
  invert_ = s.invertDisplay;
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glBindTexture(GL_TEXTURE_2D, values_);
  const SliceInfo& slice = s.slices[index];
  scale_ = 1.0f;
  slope_ = float(slice.rescaleSlope);
  intercept_ = float(slice.rescaleIntercept);
  const void* data = s.sliceData(index);
  // 8- and 16-bit data go up as they are (normalised textures); the shader
  // undoes the normalisation and applies the modality LUT. No per-frame copy.
  switch (colour_ ? SampleType::UInt8 : s.sampleType) {
    case SampleType::UInt8:
      if (colour_) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, s.columns, s.rows, 0, GL_RGB, GL_UNSIGNED_BYTE, data);
        slope_ = 1.0f / 255.0f;  // colour: back to 0..1
        intercept_ = 0;
      } else {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, s.columns, s.rows, 0, GL_RED, GL_UNSIGNED_BYTE, data);
      }
      scale_ = 255.0f;
      break;
    case SampleType::UInt16:
      glTexImage2D(GL_TEXTURE_2D, 0, GL_R16, s.columns, s.rows, 0, GL_RED, GL_UNSIGNED_SHORT, data);
      scale_ = 65535.0f;
      break;
    case SampleType::Int16:
      glTexImage2D(GL_TEXTURE_2D, 0, GL_R16_SNORM, s.columns, s.rows, 0, GL_RED, GL_SHORT, data);
      scale_ = 32767.0f;  // -32768 shows as -32767: invisible at any window
      break;
    default: {
      const std::size_t n = s.sliceSamples();
      scratch_.resize(n);
      for (std::size_t i = 0; i < n; ++i) scratch_[i] = float(s.storedValue(index, i));
      glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, s.columns, s.rows, 0, GL_RED, GL_FLOAT, scratch_.data());
    }
  }
  nearestClamp();
  // Shrunk images are averaged (values, before window/level); enlarged ones show their pixels.
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
}

void SliceRenderer::setImage(const std::vector<float>& values, int w, int h, bool invert) {
  series_ = nullptr;
  index_ = std::size_t(-1);
  ensureTargets(w, h);
  colour_ = false;
  invert_ = invert;
  scale_ = 1.0f;
  slope_ = 1.0f;
  intercept_ = 0.0f;
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glBindTexture(GL_TEXTURE_2D, values_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, w, h, 0, GL_RED, GL_FLOAT, values.data());
  nearestClamp();
}

void SliceRenderer::setLabels(const std::uint8_t* labels, int w, int h, std::uint64_t version) {
  const bool has = labels && w == width_ && h == height_;
  // Same buffer and version: already uploaded (each cine frame has its own pointer).
  if (has == hasLabels_ && labels == lastLabels_ && version == labelsVersion_) return;
  hasLabels_ = has;
  lastLabels_ = labels;
  labelsVersion_ = version;
  if (!hasLabels_) return;
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glBindTexture(GL_TEXTURE_2D, labels_);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RED_INTEGER, GL_UNSIGNED_BYTE, labels);
}

void SliceRenderer::setUniforms(GLuint program, WindowLevel w, const OverlayStyle& overlay) {
  glUseProgram(program);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, values_);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, labels_);
  glUniform1i(glGetUniformLocation(program, "values"), 0);
  glUniform1i(glGetUniformLocation(program, "labels"), 1);
  glUniform1i(glGetUniformLocation(program, "isColour"), colour_);
  glUniform1i(glGetUniformLocation(program, "invert"), invert_);
  glUniform1i(glGetUniformLocation(program, "hasLabels"), hasLabels_ && overlay.show);
  glUniform1f(glGetUniformLocation(program, "scale"), scale_);
  glUniform1f(glGetUniformLocation(program, "slope"), slope_);
  glUniform1f(glGetUniformLocation(program, "intercept"), intercept_);
  glUniform1f(glGetUniformLocation(program, "center"), float(w.center));
  glUniform1f(glGetUniformLocation(program, "width"), float(w.width));
  glUniform1f(glGetUniformLocation(program, "labelOpacity"), overlay.opacity);
  glUniform3fv(glGetUniformLocation(program, "intradiscalColour"), 1, overlay.intradiscal);
  glUniform3fv(glGetUniformLocation(program, "leakColour"), 1, overlay.leak);
}

void SliceRenderer::draw(ImDrawList* list, const ImVec2 corners[4], WindowLevel w, const OverlayStyle& overlay) {
  if (width_ == 0) return;
  for (int i = 0; i < 4; ++i) corners_[i] = corners[i];
  drawWindow_ = w;
  drawOverlay_ = overlay;
  list->AddCallback(&SliceRenderer::drawCallback, this);
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);  // hand GL state back to ImGui's backend
}

void SliceRenderer::drawCallback(const ImDrawList*, const ImDrawCmd* cmd) {
  auto* self = static_cast<SliceRenderer*>(cmd->UserCallbackData);
  const ImDrawData* dd = ImGui::GetDrawData();
  const ImVec2 pos = dd->DisplayPos, size = dd->DisplaySize, scale = dd->FramebufferScale;
  const float fbH = size.y * scale.y;
  // Clip to the view, as ImGui clips its own draws.
  const ImVec4 c = cmd->ClipRect;
  glEnable(GL_SCISSOR_TEST);
  glScissor(GLint((c.x - pos.x) * scale.x), GLint(fbH - (c.w - pos.y) * scale.y), GLsizei((c.z - c.x) * scale.x),
            GLsizei((c.w - c.y) * scale.y));
  glDisable(GL_BLEND);
  float ndc[8];
  for (int i = 0; i < 4; ++i) {
    ndc[2 * i] = 2.0f * (self->corners_[i].x - pos.x) / size.x - 1.0f;
    ndc[2 * i + 1] = 1.0f - 2.0f * (self->corners_[i].y - pos.y) / size.y;
  }
  self->setUniforms(self->program_, self->drawWindow_, self->drawOverlay_);
  glUniform2fv(glGetUniformLocation(self->program_, "corners"), 4, ndc);
  glBindVertexArray(self->vao_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glActiveTexture(GL_TEXTURE0);
}

}  // namespace annulo::app
