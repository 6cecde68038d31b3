// annulo-cli report: the one-page provocation report of a session as HTML.

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/report/EncapsulatedPdf.h"
#include "annulo/report/KeyImages.h"
#include "annulo/report/ProvocationReport.h"
#include "annulo/report/ReportPdf.h"

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

// The series of the session's study (else the first): its header names the patient.
const Series* studySeries(const LoadResult& loaded, const Session& s) {
  for (const auto& series : loaded.series)
    if (series.study.instanceUid == s.studyInstanceUid) return &series;
  return loaded.series.empty() ? nullptr : &loaded.series.front();
}

}  // namespace

int runReport(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {"-o", "--reader", "--pdf", "--dicom"}, {});
  if (!args) return fail(args.message(), kExitUsage);
  if (args->positional.size() != 1) return fail("expects one SESSION file", kExitUsage);
  if (!args->value("-o")) return fail("-o REPORT.html is required", kExitUsage);
  auto session = loadSession(args->positional[0]);
  if (!session) return fail(session.message());
  ReportContext context;
  const std::string path = *args->value("-o");
  std::vector<KeyImage> keyImages;
  std::string keyNote;
  if (session->sourcePath.empty()) {
    std::cerr << "warning: the session names no source images; patient and study are left blank\n";
    keyNote = "No key images: the session names no source images.";
  } else {
    // Pixels only when there are tears to show on their frames.
    LoadOptions options;
    options.readPixels = !session->tears.empty();
    auto loaded = loadSeries(session->sourcePath, options);
    if (!loaded) return fail(loaded.message());
    if (const Series* s = studySeries(*loaded, *session)) context = reportContextFrom(*s);
    if (options.readPixels) {
      auto written = writeKeyImages(session->tears, loaded->series, path);
      if (!written) return fail(written.message());
      keyImages = std::move(*written);
      if (keyImages.empty()) keyNote = "No key images: the tears' frames are not in " + session->sourcePath + ".";
    }
  }
  context.keyImages = std::move(keyImages);
  context.keyImagesNote = keyNote;
  context.readerName = args->value("--reader").value_or("");  // default: the session's (see ProvocationReport.h)
  context.generatedAt = nowIso();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << provocationReportHtml(*session, context);
  out.close();
  if (!out) return fail(path + ": cannot write the report");
  std::cout << "wrote " << path << " (" << session->provocation.size() << " level(s), " << context.keyImages.size()
            << " key image(s))\n";
  const auto dicom = args->value("--dicom");
  if (!args->value("--pdf") && !dicom) return kExitOk;
  const std::string pdf = args->value("--pdf").value_or(*dicom + ".pdf");
  if (Status s = printHtmlToPdf(path, pdf); !s) return fail(s.message());
  if (args->value("--pdf")) std::cout << "wrote " << pdf << "\n";
  if (dicom) {
    auto written = writeEncapsulatedPdf(pdf, context, session->studyInstanceUid, *dicom);
    if (!args->value("--pdf")) std::filesystem::remove(pdf);
    if (!written) return fail(written.message());
    std::cout << "wrote " << *dicom << " (Encapsulated PDF, " << written->pdfBytes << " bytes, SOP Instance "
              << written->sopInstanceUid << ")\n";
  }
  return kExitOk;
}

}  // namespace annulo::cli
