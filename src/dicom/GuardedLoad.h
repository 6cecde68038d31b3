#pragma once
// Private: DCMTK's loadFile behind the guards every reader of user files needs.
// - The probe first (FileProbe.h): not DICOM, sequences nested deep enough to
//   overflow DCMTK's recursive parser, deflated values claiming more than the
//   data holds (DCMTK would allocate them).
// - DCMTK 3.6.7 throws std::out_of_range from DcmByteString::verify on some
//   malformed directory records (found by fuzzing: tests/data/fuzz/file/
//   crash-dcmtk-directory-record-*.dcm); uncaught in a loader thread that
//   would end the program, so it is caught and becomes the file's error.

#include <dcmtk/dcmdata/dcfilefo.h>

#include <string>

#include "annulo/base/Result.h"

namespace annulo {

// The DCMTK condition of the load when it ran; an Error (the reason, without
// the path) when the probe refused the file or DCMTK threw.
Result<OFCondition> guardedLoad(DcmFileFormat& file, const std::string& path, Uint32 maxReadLength = DCM_MaxReadLength,
                                E_FileReadMode mode = ERM_autoDetect, bool probe = true);

}  // namespace annulo
