#include "teaching/Drawing.h"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkStdString.h>
#include <vtkTextProperty.h>
#include <vtkTextRenderer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace annulo::teaching {
namespace {

void put(DisplayImage& img, long x, long y, const Rgb& c) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  std::uint8_t* p = &img.pixels[std::size_t((y * img.width + x) * 3)];
  p[0] = c[0], p[1] = c[1], p[2] = c[2];
}

void disc(DisplayImage& img, double cx, double cy, double r, const Rgb& c) {
  for (long y = long(std::floor(cy - r)); y <= long(std::ceil(cy + r)); ++y)
    for (long x = long(std::floor(cx - r)); x <= long(std::ceil(cx + r)); ++x)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) put(img, x, y, c);
}

void line(DisplayImage& img, double ax, double ay, double bx, double by, double width, const Rgb& c) {
  const double len = std::hypot(bx - ax, by - ay);
  const int steps = std::max(1, int(std::ceil(len * 2)));
  for (int i = 0; i <= steps; ++i) {
    const double t = double(i) / steps;
    disc(img, ax + t * (bx - ax), ay + t * (by - ay), width / 2, c);
  }
}

}  // namespace

DisplayImage toRgb(const DisplayImage& in) {
  if (in.channels == 3) return in;
  DisplayImage out{in.width, in.height, 3, {}};
  out.pixels.reserve(in.pixels.size() * 3);
  for (std::uint8_t v : in.pixels) out.pixels.insert(out.pixels.end(), {v, v, v});
  return out;
}

DisplayImage enlarge(const DisplayImage& in, int f) {
  if (f <= 1) return in;
  DisplayImage out{in.width * f, in.height * f, 3, {}};
  out.pixels.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      const std::uint8_t* s = &in.pixels[(std::size_t(y / f) * std::size_t(in.width) + std::size_t(x / f)) * 3];
      std::uint8_t* d = &out.pixels[(std::size_t(y) * std::size_t(out.width) + std::size_t(x)) * 3];
      d[0] = s[0], d[1] = s[1], d[2] = s[2];
    }
  return out;
}

void drawTear(DisplayImage& img, const TearGeometry& g, double scale, double widthScale) {
  // Image pixel centres sit at (i + 0.5) * scale in the enlarged picture.
  auto at = [&](double v) { return (v + 0.5) * scale - 0.5; };
  const double w = std::max(2.0, std::max(1.0, img.width / 512.0) * 2.0) * std::max(1.0, widthScale);
  if (g.points.size() == 1) disc(img, at(g.points[0][0]), at(g.points[0][1]), std::max(3.0, w * 2), kTearColour);
  for (std::size_t i = 1; i < g.points.size(); ++i)
    line(img, at(g.points[i - 1][0]), at(g.points[i - 1][1]), at(g.points[i][0]), at(g.points[i][1]), w, kTearColour);
  if (g.kind == GeometryKind::Polygon && g.points.size() > 2)
    line(img, at(g.points.back()[0]), at(g.points.back()[1]), at(g.points.front()[0]), at(g.points.front()[1]), w,
         kTearColour);
}

void blendLeak(DisplayImage& img, const LeakLabels& leak, int frame, int f) {
  f = std::max(1, f);
  if (leak.columns * f != img.width || leak.rows * f != img.height || frame < 1 || frame > leak.frames) return;
  const std::size_t base = std::size_t(frame - 1) * std::size_t(leak.columns) * std::size_t(leak.rows);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      if ((*leak.labels)[base + std::size_t(y / f) * std::size_t(leak.columns) + std::size_t(x / f)] != 2) continue;
      std::uint8_t* p = &img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
      // Two thirds orange: the leak is dark contrast, and half of black would read brown.
      for (std::size_t k = 0; k < 3; ++k) p[k] = std::uint8_t((p[k] + 2 * kLeakColour[k]) / 3);
    }
}

void scaleBar(DisplayImage& img, double mmPerPixel, double mm) {
  const long length = long(std::lround(mm / mmPerPixel)), thick = std::max(3L, long(img.height / 100));
  const long x0 = img.width / 20, y0 = img.height - img.height / 20 - thick;
  for (long y = y0 - 1; y <= y0 + thick; ++y)
    for (long x = x0 - 1; x <= x0 + length; ++x) put(img, x, y, {0, 0, 0});
  for (long y = y0; y < y0 + thick; ++y)
    for (long x = x0; x < x0 + length; ++x) put(img, x, y, {255, 255, 255});
  char text[32];
  std::snprintf(text, sizeof text, "%.0f mm", mm);
  const int pixels = std::max(14, img.height / 40);
  drawText(img, int(x0), int(y0 - thick - pixels * 3 / 2), text, pixels);
}

int drawText(DisplayImage& img, int x, int y, const std::string& text, int pixels, Rgb colour) {
  vtkTextRenderer* renderer = vtkTextRenderer::GetInstance();
  if (!renderer || text.empty()) return 0;
  vtkNew<vtkTextProperty> prop;
  prop->SetFontFamilyToArial();
  prop->SetBold(true);
  prop->SetFontSize(pixels);
  prop->SetColor(colour[0] / 255.0, colour[1] / 255.0, colour[2] / 255.0);
  prop->SetBackgroundColor(0, 0, 0);
  prop->SetBackgroundOpacity(0.65);
  prop->SetJustificationToLeft();
  prop->SetVerticalJustificationToBottom();
  vtkNew<vtkImageData> rendered;
  int dims[2] = {0, 0};
  if (!renderer->RenderString(prop.GetPointer(), vtkStdString(text), rendered.GetPointer(), dims, 72) ||
      rendered->GetNumberOfScalarComponents() != 4)
    return 0;
  int ext[6];
  rendered->GetExtent(ext);
  const int w = ext[1] - ext[0] + 1, h = ext[3] - ext[2] + 1;
  // Kept inside the picture: moved left / up rather than cut off.
  x = std::max(0, std::min(x, img.width - w - 2));
  y = std::max(0, std::min(y, img.height - h - 2));
  // vtkImageData rows go up; the picture's go down.
  for (int row = 0; row < h; ++row)
    for (int col = 0; col < w; ++col) {
      const auto* s = static_cast<const std::uint8_t*>(rendered->GetScalarPointer(ext[0] + col, ext[3] - row, 0));
      const long px = x + col, py = y + row;
      if (px < 0 || py < 0 || px >= img.width || py >= img.height) continue;
      std::uint8_t* d = &img.pixels[(std::size_t(py) * std::size_t(img.width) + std::size_t(px)) * 3];
      const int a = s[3];
      for (int k = 0; k < 3; ++k) d[k] = std::uint8_t((s[k] * a + d[k] * (255 - a)) / 255);
    }
  return h;
}

}  // namespace annulo::teaching
