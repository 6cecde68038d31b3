#include "annulo/report/ReportFiles.h"

#include <filesystem>
#include <fstream>

#include "annulo/report/KeyImages.h"
#include "annulo/report/ReportPdf.h"

namespace annulo {

Result<ReportWritten> writeReportHtml(const Session& session, const std::vector<Series>& series,
                                      const ReportRequest& request, bool pixelsLoaded) {
  ReportWritten w;
  w.studyUid = session.studyInstanceUid;
  const Series* study = nullptr;
  for (const auto& s : series)
    if (s.study.instanceUid == session.studyInstanceUid) {
      study = &s;
      break;
    }
  if (!study && !series.empty()) study = &series.front();
  if (study) w.context = reportContextFrom(*study);
  if (series.empty()) {
    w.context.keyImagesNote = "No key images: the source images are not available.";
  } else if (!session.tears.empty() && pixelsLoaded) {
    auto images = writeKeyImages(session.tears, series, request.htmlPath);
    if (!images) return images.error();
    w.context.keyImages = std::move(*images);
    if (w.context.keyImages.empty())
      w.context.keyImagesNote = "No key images: the tears' frames are not among the loaded images.";
  }
  w.context.readerName = request.readerName;
  w.context.generatedAt = request.generatedAt;
  std::ofstream out(request.htmlPath, std::ios::binary | std::ios::trunc);
  out << provocationReportHtml(session, w.context);
  out.close();
  if (!out) return makeError(request.htmlPath + ": cannot write the report");
  w.files.push_back(request.htmlPath);
  for (const auto& k : w.context.keyImages)
    w.files.push_back((std::filesystem::path(request.htmlPath).parent_path() / k.file).string());
  return w;
}

Status writeReportPdf(ReportWritten& w, const ReportRequest& request) {
  if (request.pdfPath.empty() && request.dicomPath.empty()) return {};
  const std::string pdf = request.pdfPath.empty() ? request.dicomPath + ".pdf" : request.pdfPath;
  if (Status s = printHtmlToPdf(request.htmlPath, pdf); !s) return s;
  if (!request.pdfPath.empty()) w.files.push_back(pdf);
  if (request.dicomPath.empty()) return {};
  auto dicom = writeEncapsulatedPdf(pdf, w.context, w.studyUid, request.dicomPath);
  std::error_code ec;
  if (request.pdfPath.empty()) std::filesystem::remove(pdf, ec);
  if (!dicom) return dicom.error();
  w.dicom = *dicom;
  w.files.push_back(request.dicomPath);
  return {};
}

}  // namespace annulo
