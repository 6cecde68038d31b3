#pragma once
// Private: PNG snapshots of each annotated frame of a teaching case, drawn from
// the de-identified images at slide resolution (enlarged by a whole factor to at
// least 1024 pixels across, nearest neighbour): the tear's geometry in the tear
// colour with its label burned in ("1 L4-L5 radial, grade 3"), the leak label
// (when a label map is given) blended in orange, and a labelled scale bar whose
// calibration is in the corner text and the caption.

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "teaching/Drawing.h"

namespace annulo::teaching {

struct Snapshot {
  std::string tearId;
  std::string file;     // relative to the case folder
  std::string caption;  // level, type, grade, frame, scale bar length and calibration
  int scale = 1;        // picture pixels per image pixel
};

// The whole factor that brings `width` to at least 1024 pixels.
int slideScale(int width);

// One PNG per tear with a 2D image reference found in `series` (loaded with pixels).
// `lineScale` thickens the tear's lines (the provocation report shows the frames small).
Result<std::vector<Snapshot>> writeSnapshots(const std::vector<TearAnnotation>& tears,
                                             const std::vector<Series>& series, const std::optional<LeakLabels>& leak,
                                             const std::string& caseDir, double lineScale = 1.0);

}  // namespace annulo::teaching
