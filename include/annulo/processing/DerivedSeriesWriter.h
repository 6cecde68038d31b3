#pragma once
// Writes a DerivedImage as a new DICOM series derived from its source: same SOP
// class (a cine stays one multi-frame object; a stack of single-frame images stays
// one object per frame), patient, study, equipment and acquisition attributes copied
// from the source header, new Series and SOP Instance UIDs, ImageType DERIVED\SECONDARY,
// DerivationDescription (0008,2111) and a Source Image Sequence (PS3.3 C.7.6.1.1.3)
// pointing at the source instances. Built in memory first, saved separately.

#include <memory>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/DerivedImage.h"

class DcmFileFormat;

namespace annulo {

struct DerivedObject {
  std::shared_ptr<DcmFileFormat> file;
  std::string sopInstanceUid;
};

struct DerivedSeries {
  std::string seriesInstanceUid;
  std::vector<DerivedObject> objects;
};

// Errors: a source without a header, colour or 32-bit pixels, an enhanced multi-frame
// source whose frame count would change, a DCMTK failure (named).
Result<DerivedSeries> buildDerivedSeries(const Series& source, const DerivedImage& image);

// One object: written to `path` itself. Several: `path` is created as a folder holding
// IM0001.dcm, IM0002.dcm, ... Returns the files written.
Result<std::vector<std::string>> saveDerivedSeries(const DerivedSeries& series, const std::string& path);

}  // namespace annulo
