#pragma once
// The provocation report's files, as the CLI (annulo-cli report) and the viewer's
// Provocation tab write them: REPORT.html with its key images beside it
// (REPORT-images/), and on request the PDF and the DICOM Encapsulated PDF.
// Two steps, so a viewer can draw the key images on its thread (they need the
// loaded pixels) and print in a background job (chromium takes seconds):
//   auto html = writeReportHtml(session, series, request);  // HTML + key images
//   auto pdf  = writeReportPdf(*html, request);             // PDF (+ DICOM)

#include <optional>
#include <string>
#include <vector>

#include "annulo/report/EncapsulatedPdf.h"
#include "annulo/report/ProvocationReport.h"

namespace annulo {

struct ReportRequest {
  std::string htmlPath;
  std::string pdfPath;    // empty: no PDF kept (one is still made for the DICOM object)
  std::string dicomPath;  // empty: no Encapsulated PDF
  std::string readerName;
  std::string generatedAt;  // ISO 8601
};

struct ReportWritten {
  ReportContext context;  // patient, study, key images as written
  std::string studyUid;   // the session's study
  std::vector<std::string> files;
  std::optional<EncapsulatedPdfResult> dicom;
};

// `series`: the session's study (pixels loaded: key images; headers only or
// none: no key images, the report says why). Patient and study from the series
// of the session's study, else the first.
Result<ReportWritten> writeReportHtml(const Session& session, const std::vector<Series>& series,
                                      const ReportRequest& request, bool pixelsLoaded);
// Prints the HTML to PDF and encapsulates it when the request asks for either.
Status writeReportPdf(ReportWritten& written, const ReportRequest& request);

}  // namespace annulo
