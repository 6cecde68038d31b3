#pragma once
// The report PDF as a DICOM Encapsulated PDF object (PS3.3 A.45.1) in the study it
// reports on, so a PACS files it with the images: Patient and General Study from the
// source images, a new series (Modality DOC), SC Equipment (Conversion Type WSD),
// Encapsulated Document with the PDF's bytes unchanged (one NUL pads an odd length,
// Encapsulated Document Length gives the real one, PS3.3 C.24.2).

#include <string>

#include "annulo/base/Result.h"
#include "annulo/report/ProvocationReport.h"

namespace annulo {

struct EncapsulatedPdfResult {
  std::string sopInstanceUid, seriesInstanceUid;
  std::size_t pdfBytes = 0;
};

// `context` names the patient and study (reportContextFrom); `studyUid` overrides
// its Study Instance UID when not empty (the session's study).
Result<EncapsulatedPdfResult> writeEncapsulatedPdf(const std::string& pdfPath, const ReportContext& context,
                                                   const std::string& studyUid, const std::string& outPath);

}  // namespace annulo
