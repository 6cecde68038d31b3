#pragma once
// A filtered view of a series, shown after the acquired ones: pixels from the filter,
// identity and references (series, SOP instances, frame numbers) from the source
// frames, so a tear drawn on a filtered frame references the acquired image. Such a
// series is never exported itself (a SEG must reference images a PACS holds).

#include "annulo/dicom/Series.h"
#include "annulo/processing/DerivedImage.h"

namespace annulo {

Series derivedSeries(const Series& source, DerivedImage image);

}  // namespace annulo
