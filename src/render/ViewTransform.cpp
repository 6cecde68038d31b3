#include "annulo/render/ViewTransform.h"

#include <algorithm>
#include <cmath>

namespace annulo {
namespace {

bool sideways(const ViewState& s) { return (s.rotate90 & 1) != 0; }

// Displayed extent of the image in "column units" before zoom.
Vec2 displayedSize(const ViewState& s, const ViewGeometry& g) {
  const double w = g.imageWidth, h = g.imageHeight * g.pixelAspect;
  return sideways(s) ? Vec2{h, w} : Vec2{w, h};
}

// Centred image coords (in column units, aspect applied) -> rotated/flipped.
Vec2 orient(const ViewState& s, Vec2 p) {
  for (int i = 0; i < (s.rotate90 & 3); ++i) p = {-p[1], p[0]};  // +90 deg clockwise on screen (y down)
  if (s.flipH) p[0] = -p[0];
  if (s.flipV) p[1] = -p[1];
  return p;
}

Vec2 unorient(const ViewState& s, Vec2 p) {
  if (s.flipV) p[1] = -p[1];
  if (s.flipH) p[0] = -p[0];
  for (int i = 0; i < (s.rotate90 & 3); ++i) p = {p[1], -p[0]};
  return p;
}

}  // namespace

double screenScale(const ViewState& s, const ViewGeometry& g) {
  const Vec2 d = displayedSize(s, g);
  return std::min(g.viewWidth / d[0], g.viewHeight / d[1]) * s.zoom;
}

Vec2 imageToScreen(const ViewState& s, const ViewGeometry& g, Vec2 image) {
  // Pixel centres run from 0 to width-1; the image edge is at -0.5 and width-0.5.
  const Vec2 centred{image[0] + 0.5 - g.imageWidth / 2, (image[1] + 0.5 - g.imageHeight / 2) * g.pixelAspect};
  const Vec2 o = orient(s, centred);
  const double k = screenScale(s, g);
  return {g.viewWidth / 2 + s.panX + o[0] * k, g.viewHeight / 2 + s.panY + o[1] * k};
}

Vec2 screenToImage(const ViewState& s, const ViewGeometry& g, Vec2 screen) {
  const double k = screenScale(s, g);
  const Vec2 o{(screen[0] - g.viewWidth / 2 - s.panX) / k, (screen[1] - g.viewHeight / 2 - s.panY) / k};
  const Vec2 c = unorient(s, o);
  return {c[0] + g.imageWidth / 2 - 0.5, c[1] / g.pixelAspect + g.imageHeight / 2 - 0.5};
}

ViewState zoomAbout(const ViewState& s, const ViewGeometry& g, Vec2 screen, double factor) {
  const Vec2 anchor = screenToImage(s, g, screen);
  ViewState z = s;
  z.zoom = std::clamp(s.zoom * factor, 0.05, 64.0);
  const Vec2 moved = imageToScreen(z, g, anchor);
  z.panX += screen[0] - moved[0];
  z.panY += screen[1] - moved[1];
  return z;
}

}  // namespace annulo
