// annulo-cli report: the one-page provocation report of a session as HTML.

#include <ctime>
#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/report/ReportFiles.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli report SESSION -o REPORT.html [--reader NAME] [--pdf REPORT.pdf] [--dicom REPORT-pdf.dcm]\n"
    "  --pdf: printed by headless chromium; --dicom: that PDF as a DICOM Encapsulated PDF in the study\n"
    "  patient and study come from the session's source images (headers only);\n"
    "  the reader defaults to the session's observer\n";

int fail(const std::string& why, int code = kExitFailure) {
  std::cerr << "annulo-cli report: " << why << "\n";
  if (code == kExitUsage) std::cerr << kUsage;
  return code;
}

std::string nowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::localtime(&t));
  return buf;
}

}  // namespace

int runReport(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {"-o", "--reader", "--pdf", "--dicom"}, {});
  if (!args) return fail(args.message(), kExitUsage);
  if (args->positional.size() != 1) return fail("expects one SESSION file", kExitUsage);
  if (!args->value("-o")) return fail("-o REPORT.html is required", kExitUsage);
  auto session = loadSession(args->positional[0]);
  if (!session) return fail(session.message());
  ReportRequest request;
  request.htmlPath = *args->value("-o");
  request.pdfPath = args->value("--pdf").value_or("");
  request.dicomPath = args->value("--dicom").value_or("");
  request.readerName = args->value("--reader").value_or("");  // default: the session's (see ProvocationReport.h)
  request.generatedAt = nowIso();
  LoadResult loaded;
  // Pixels only when there are tears to show on their frames.
  LoadOptions options;
  options.readPixels = !session->tears.empty();
  if (session->sourcePath.empty()) {
    std::cerr << "warning: the session names no source images; patient and study are left blank\n";
  } else {
    auto r = loadSeries(session->sourcePath, options);
    if (!r) return fail(r.message());
    loaded = std::move(*r);
  }
  auto written = writeReportHtml(*session, loaded.series, request, options.readPixels);
  if (!written) return fail(written.message());
  std::cout << "wrote " << request.htmlPath << " (" << session->provocation.size() << " level(s), "
            << written->context.keyImages.size() << " key image(s))\n";
  if (Status s = writeReportPdf(*written, request); !s) return fail(s.message());
  if (!request.pdfPath.empty()) std::cout << "wrote " << request.pdfPath << "\n";
  if (written->dicom)
    std::cout << "wrote " << request.dicomPath << " (Encapsulated PDF, " << written->dicom->pdfBytes
              << " bytes, SOP Instance " << written->dicom->sopInstanceUid << ")\n";
  return kExitOk;
}

}  // namespace annulo::cli
