#pragma once
// Private: small DCMTK adapters for the SR/SEG/GSPS code. Every OFCondition
// that leaves DCMTK becomes an Error naming what was being done.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <string>

#include "annulo/dicom/Result.h"

namespace annulo::sr {

Error dcmError(const std::string& doing, const OFCondition& condition);

// Copies `tag` from `source` into `target` when present (replacing any value).
void copyElement(const DcmItem& source, DcmItem& target, const DcmTagKey& tag);

// String value of `tag` (all values, backslash separated), empty when absent.
std::string getString(DcmItem& item, const DcmTagKey& tag);

// DS text for a double (at most 16 characters, PS3.5 6.2).
std::string decimalDs(double value);

// Writes the file (explicit VR little endian, meta header from the dataset).
Status saveDicom(DcmFileFormat& file, const std::string& path);

}  // namespace annulo::sr
