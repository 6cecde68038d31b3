#pragma once
// A HIZ candidate turned into a tear finding of the MR series: the disc level the
// detector counted, an MR point (SCOORD3D, patient LPS) at the focus and comment
// "HIZ", so the annulogram's and the MRI's findings of that disc link by level.

#include <string>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/HizDetector.h"

namespace annulo {

// `observer`: the reader who confirmed it. The level is the candidate's (empty when
// the disc walk failed; the reader then sets it in the tear's fields).
TearAnnotation hizTear(const HizCandidate& candidate, const Series& mr, const std::string& observer);

}  // namespace annulo
