#pragma once
// Private: what the teaching pictures burn into an RGB image: the tear in the tear
// colour, the leak label blended in orange, a scale bar, and text (FreeType through
// VTK's text renderer: no GL, no display needed).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/dicom/DisplayImage.h"

namespace annulo::teaching {

using Rgb = std::array<std::uint8_t, 3>;
constexpr Rgb kTearColour = {46, 204, 64};
constexpr Rgb kLeakColour = {255, 140, 0};

struct LeakLabels {
  int columns = 0, rows = 0, frames = 0;
  const std::vector<std::uint8_t>* labels = nullptr;  // columns x rows x frames, 2 = leak
};

DisplayImage toRgb(const DisplayImage& grey);
// Nearest-neighbour enlargement by an integer factor (pixels stay honest).
DisplayImage enlarge(const DisplayImage& rgb, int factor);
// `g`'s points are image pixels; `scale` = output pixels per image pixel.
// `scale`: picture pixels per image pixel; `widthScale` thickens the lines (pictures
// shown small, e.g. the provocation report's key images).
void drawTear(DisplayImage& img, const TearGeometry& g, double scale, double widthScale = 1.0);
// Blends the leak (label 2) of `frame` (1-based), enlarged by `scale` (integer).
void blendLeak(DisplayImage& img, const LeakLabels& leak, int frame, int scale = 1);
// A `mm` long bar bottom left at `mmPerPixel` (output pixels), labelled "`mm` mm".
void scaleBar(DisplayImage& img, double mmPerPixel, double mm);
// Text with its top left at (x, y) (moved inside the picture when it would be cut
// off), on a dark box, `pixels` high; returns the box height (0 when the text
// renderer is not available).
int drawText(DisplayImage& img, int x, int y, const std::string& text, int pixels, Rgb colour = {255, 255, 255});

}  // namespace annulo::teaching
