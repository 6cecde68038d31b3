#version 330 core
// Window/level (PS3.3 C.11.2.1.2.1), MONOCHROME1 inversion and the leak label
// overlay in one pass, so cine playback costs one texture upload per frame.
in vec2 uv;
out vec4 colour;
uniform sampler2D values;      // stored values (normalised 8/16-bit or float) or RGB colour
uniform float scale;           // texel -> stored value (255, 65535, 32767 or 1)
uniform float slope;           // Modality LUT: stored -> modality value
uniform float intercept;
uniform usampler2D labels;     // 0 background, 1 intradiscal, 2 leak, 3+ other segments
uniform bool isColour;
uniform bool invert;
uniform bool hasLabels;
uniform float center;
uniform float width;
uniform float labelOpacity;
uniform vec3 intradiscalColour;
uniform vec3 leakColour;

void main() {
  vec3 rgb;
  if (isColour) {
    rgb = texture(values, uv).rgb * scale * slope;
  } else {
    float v = texture(values, uv).r * scale * slope + intercept;
    float w = max(width, 1.0);
    float g = clamp((v - (center - 0.5)) / (w - 1.0) + 0.5, 0.0, 1.0);
    if (invert) g = 1.0 - g;
    rgb = vec3(g);
  }
  if (hasLabels) {
    uint l = texture(labels, uv).r;
    if (l == 1u) rgb = mix(rgb, intradiscalColour, labelOpacity);
    if (l == 2u) rgb = mix(rgb, leakColour, labelOpacity);
    // Segments 3 and up (a DICOM SEG read with the study): a hue per segment
    // number, 0.618 turns apart so neighbouring numbers differ.
    if (l >= 3u) {
      float h = fract(float(l) * 0.618034);
      vec3 hue = clamp(abs(fract(h + vec3(0.0, 2.0 / 3.0, 1.0 / 3.0)) * 6.0 - 3.0) - 1.0, 0.0, 1.0);
      rgb = mix(rgb, mix(vec3(1.0), hue, 0.85), labelOpacity);
    }
  }
  colour = vec4(rgb, 1.0);
}
