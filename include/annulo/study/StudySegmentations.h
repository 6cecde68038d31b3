#pragma once
// DICOM SEG objects that came with a study (the loader sets them aside: they hold
// no image) shown as the label map of the series they segment, like our own leak
// segmentation: 2D, MPR and 3D draw it. One SEG per series is adopted (the first
// found); a series that already has labels (a restored leak segmentation) keeps
// them. Nothing is written: the labels live with the open study only.

#include <string>
#include <vector>

#include "annulo/dicom/Segmentation.h"
#include "annulo/study/Study.h"

namespace annulo {

struct AdoptedSegmentation {
  std::string file;
  std::string seriesInstanceUid;  // the series it is drawn on
  std::string seriesDescription;
  std::vector<SegmentInfo> segments;  // number (the label value) and label
  std::vector<std::string> warnings;
  std::string error;  // not adopted, and why (unreadable, another size, the series has labels)
};

// For every acquired series of `study`, the SEG files that segment it; the first
// that reads becomes its labels. Returns one entry per SEG file looked at.
std::vector<AdoptedSegmentation> adoptSegmentations(Study& study);

}  // namespace annulo
