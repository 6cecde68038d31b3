#pragma once
// Private: Clean Pixel Data (PS3.15 E.3.1) by blanking rectangles in every frame,
// for burned-in text. Compressed pixel data are decoded first (DCMTK codecs);
// the result is written uncompressed.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include <vector>

#include "annulo/base/Result.h"
#include "annulo/deid/Deidentify.h"

namespace annulo::deid {

// Blanks `rects` (clipped to the image) in all frames: black for the photometric
// interpretation (0, the maximum for MONOCHROME1, Y=0 Cb=Cr=mid for YBR_FULL).
// Errors: pixel data missing or undecodable, bit depth other than 8/16, a
// rectangle entirely outside the image.
Status blankRectangles(DcmDataset& dataset, const std::vector<BlankRect>& rects);

// The modalities whose frames may carry burned-in patient text (issue: XA, RF, US, SC; OT too).
bool mayHaveBurnedInText(const std::string& modality, const std::string& sopClassUid);

}  // namespace annulo::deid
