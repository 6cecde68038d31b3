#pragma once
// Private: PNG snapshots of each annotated frame of a teaching case, drawn from
// the de-identified images: the tear's geometry in the tear colour, the leak
// label (when a label map is given) blended in orange, and a 10 mm scale bar
// whose calibration goes into the caption. No text is burned in (the core has no
// font rasterizer; the caption carries the labels).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo::teaching {

constexpr std::array<std::uint8_t, 3> kTearColour = {46, 204, 64};
constexpr std::array<std::uint8_t, 3> kLeakColour = {255, 140, 0};

struct Snapshot {
  std::string tearId;
  std::string file;     // relative to the case folder
  std::string caption;  // level, type, grade, frame, scale bar length and calibration
};

struct LeakLabels {
  int columns = 0, rows = 0, frames = 0;
  const std::vector<std::uint8_t>* labels = nullptr;  // columns x rows x frames, 2 = leak
};

// One PNG per tear with a 2D image reference found in `series` (loaded with pixels).
// `lineScale` thickens the tear's lines (the provocation report shows the frames small).
Result<std::vector<Snapshot>> writeSnapshots(const std::vector<TearAnnotation>& tears,
                                             const std::vector<Series>& series, const std::optional<LeakLabels>& leak,
                                             const std::string& caseDir, double lineScale = 1.0);

}  // namespace annulo::teaching
