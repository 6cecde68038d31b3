#version 330 core
// The image quad drawn straight into the UI's framebuffer: corners in NDC,
// in image order top-left, top-right, bottom-right, bottom-left (the view may
// rotate or flip it). Drawn as a 4-vertex triangle strip.
uniform vec2 corners[4];
out vec2 uv;
void main() {
  int i = gl_VertexID;
  vec2 c = (i == 0) ? corners[0] : (i == 1) ? corners[1] : (i == 2) ? corners[3] : corners[2];
  uv = vec2((i == 1 || i == 3) ? 1.0 : 0.0, (i >= 2) ? 1.0 : 0.0);
  gl_Position = vec4(c, 0.0, 1.0);
}
