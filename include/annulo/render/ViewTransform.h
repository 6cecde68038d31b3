#pragma once
// Where an image lies on screen: fit, zoom, pan, flip and 90-degree rotation,
// and the exact inverse. Plain math so tools are tested without a window.

#include <array>

#include "annulo/base/Vec.h"

namespace annulo {

struct ViewState {
  double zoom = 1.0;  // 1 = image fits the view
  double panX = 0.0;  // screen pixels
  double panY = 0.0;
  bool flipH = false;
  bool flipV = false;
  int rotate90 = 0;  // clockwise quarter turns, 0..3
};

struct ViewGeometry {
  double viewWidth = 1, viewHeight = 1;    // screen pixels of the view area
  double imageWidth = 1, imageHeight = 1;  // columns, rows
  double pixelAspect = 1;                  // row spacing / column spacing (tall pixels > 1)
};

// Image coordinates: (column, row), (0,0) the centre of the top-left pixel.
// Screen coordinates: pixels from the view's top-left corner.
Vec2 imageToScreen(const ViewState& s, const ViewGeometry& g, Vec2 image);
Vec2 screenToImage(const ViewState& s, const ViewGeometry& g, Vec2 screen);
// Screen pixels per image column at this zoom.
double screenScale(const ViewState& s, const ViewGeometry& g);
// Zoom about a screen point, keeping the image point under it fixed.
ViewState zoomAbout(const ViewState& s, const ViewGeometry& g, Vec2 screen, double factor);

}  // namespace annulo
