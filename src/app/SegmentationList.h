#pragma once
// The DICOM SEG objects that came with the open study (StudySegmentations.h): on
// which series each is drawn, its segments by number and label, and why one is
// not shown.

#include <imgui.h>

#include "AppState.h"

namespace annulo::app {

void drawLoadedSegmentations(const AppState& state);
// The SEG drawn on the series shown, if any.
const AdoptedSegmentation* shownSegmentation(const AppState& state);
// The overlay colour of a label value (as shaders/slice.frag draws it).
ImU32 segmentColour(int number);

}  // namespace annulo::app
