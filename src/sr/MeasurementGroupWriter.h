#pragma once
// Private: one tear as a TID 1500 "Measurement Group" (row 6 -> TID 1501/1410
// style content), written with the generic document tree because DCMTK's
// template classes stop at TID 1501/1411.

#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"
#include "sr/ContentBuilder.h"
#include "sr/ImageIndex.h"

namespace annulo::sr {

struct SegmentationReference {
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
  std::string studyInstanceUid;
  std::string sourceSeriesInstanceUid;  // the series segmented (empty: not known)
  int leakSegmentNumber = 2;            // "contrast leak"
};

struct GroupContext {
  const ImageIndex* index = nullptr;
  SegmentationReference seg;  // empty sopInstanceUid: none written
  std::vector<std::string>* warnings = nullptr;
};

// Completes the tear's image reference from the loaded sources (SOP class,
// series, study) and checks everything the group will reference: the image
// must be loaded, a multi-frame image needs a valid frame number, 3D geometry
// needs a frame of reference, catheter plan and leak onset need an image.
// A leak or catheter calibration left empty is taken from the image's series
// (Series::calibration); one that differs from it gets a warning.
Result<TearAnnotation> resolveTear(const TearAnnotation& tear, const ImageIndex& index,
                                   std::vector<std::string>* warnings = nullptr);

// Adds the measurement group below the builder's current parent (the
// "Imaging Measurements" container). `tear` must come from resolveTear().
Status writeMeasurementGroup(ContentBuilder& builder, const TearAnnotation& tear, const GroupContext& context);

}  // namespace annulo::sr
