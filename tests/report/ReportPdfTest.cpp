// The report as PDF (headless Chromium) and as a DICOM Encapsulated PDF in the
// study: one A4 page, dciodvfy finds no error, dcmdump shows the PDF's bytes
// unchanged in Encapsulated Document, the study and patient are the source's.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "annulo/annotation/SessionStore.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/report/EncapsulatedPdf.h"
#include "annulo/report/ReportPdf.h"
#include "sr/SrFixtures.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::TempDir;

int cli(const std::string& args, std::string* out = nullptr) {
  return test::runCommand(test::cliPath() + " " + args + " 2>&1", out);
}

std::vector<unsigned char> bytesOf(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<unsigned char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The value of one element as dcmdump prints it in full (+L), hex bytes split by '\'.
std::vector<unsigned char> dumpedBytes(const std::string& dcm, const std::string& tag) {
  std::string out;
  EXPECT_EQ(test::runCommand("dcmdump +L +P " + tag + " '" + dcm + "' 2>&1", &out), 0) << out;
  std::vector<unsigned char> bytes;
  const auto ob = out.find(" OB ");
  if (ob == std::string::npos) return bytes;
  std::istringstream hex(out.substr(ob + 4, out.find(' ', ob + 4) - ob - 4));
  std::string byte;
  while (std::getline(hex, byte, '\\')) bytes.push_back((unsigned char)std::stoul(byte, nullptr, 16));
  return bytes;
}

std::string dumped(const std::string& dcm, const std::string& tag) {
  std::string out;
  test::runCommand("dcmdump -Un +P " + tag + " '" + dcm + "' 2>&1", &out);
  const auto a = out.find('['), b = out.find(']');
  return a == std::string::npos || b == std::string::npos ? out : out.substr(a + 1, b - a - 1);
}

TEST(ReportPdf, EncapsulatedPdfInTheStudyValidatesAndHoldsThePdfBytes) {
  if (test::runCommand("command -v chromium >/dev/null 2>&1") != 0) ANNULO_SKIP_MISSING("chromium not installed");
  ANNULO_REQUIRE_TOOL("dciodvfy");
  ANNULO_REQUIRE_TOOL("dcmdump");
  TempDir dir;
  PhantomOptions o;
  o.seed = 4;
  o.xaSize = 128;
  o.xaFrames = 8;
  o.mrSize = 48;
  o.mrSlices = 3;
  auto truth = writePhantom(o, (dir / "phantom").string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  const std::string s = (dir / "s.json").string();
  std::string out;
  ASSERT_EQ(cli("annotate " + s + " --source " + (dir / "phantom").string() + " --add \"series=" +
                    truth->xa.seriesInstanceUid + " level=L4-L5 type=radial grade=3 frame=4 polyline=30,40;60,50\"",
                &out),
            0)
      << out;
  ASSERT_EQ(cli("provocation " + s +
                    " --add \"level=L3-L4 opening-psi=11 pain-psi=70 volume-ml=2.5 pain=2 concordance=discordant\""
                    " --add \"level=L4-L5 opening-psi=12 pain-psi=34 volume-ml=1.8 pain=8 concordance=concordant\"",
                &out),
            0)
      << out;
  const std::string html = (dir / "r.html").string(), pdf = (dir / "r.pdf").string(), dcm = (dir / "r.dcm").string();
  ASSERT_EQ(cli("report " + s + " -o " + html + " --reader Test^Reader --pdf " + pdf + " --dicom " + dcm, &out), 0)
      << out;

  // The PDF: one A4 page (595 x 842 pt) with the report and its key image.
  const auto pdfBytes = bytesOf(pdf);
  const std::string pdfText(pdfBytes.begin(), pdfBytes.end());
  ASSERT_EQ(pdfText.rfind("%PDF-", 0), 0u);
  std::smatch pages;
  ASSERT_TRUE(std::regex_search(pdfText, pages, std::regex("/Count (\\d+)")));
  EXPECT_EQ(pages[1], "1") << "the report is meant to fit one page";
  EXPECT_TRUE(std::regex_search(pdfText, std::regex("/MediaBox \\[0 0 59[45](\\.\\d+)? 84[12](\\.\\d+)?\\]")))
      << "not A4";

  // The DICOM object: valid, in the source's study, the PDF unchanged inside.
  std::string all;
  EXPECT_TRUE(srtest::dciodvfyErrors(dcm, &all).empty()) << all;
  EXPECT_NE(all.find("EncapsulatedPDF"), std::string::npos) << all;
  std::vector<unsigned char> inside = dumpedBytes(dcm, "0042,0011");
  ASSERT_GE(inside.size(), pdfBytes.size());
  EXPECT_LE(inside.size(), pdfBytes.size() + 1) << "only one pad byte is allowed";
  if (inside.size() > pdfBytes.size()) EXPECT_EQ(inside.back(), 0) << "the pad is a NUL";
  inside.resize(pdfBytes.size());
  EXPECT_TRUE(inside == pdfBytes) << "the encapsulated bytes differ from the PDF file's";
  EXPECT_NE(dumped(dcm, "0042,0015").find(" UL " + std::to_string(pdfBytes.size()) + " "), std::string::npos)
      << "Encapsulated Document Length: " << dumped(dcm, "0042,0015");
  EXPECT_EQ(dumped(dcm, "0042,0012"), "application/pdf");
  EXPECT_EQ(dumped(dcm, "0008,0016"), "1.2.840.10008.5.1.4.1.1.104.1") << dumped(dcm, "0008,0016");
  EXPECT_EQ(dumped(dcm, "0020,000d"), truth->studyInstanceUid) << "not filed with the study";
  EXPECT_EQ(dumped(dcm, "0010,0010"), "PHANTOM^ANNULOGRAM") << "not the source's patient";
  EXPECT_EQ(dumped(dcm, "0008,0060"), "DOC");
  // Without --pdf the PDF is an intermediate file and is not left behind.
  const std::string dcm2 = (dir / "only.dcm").string();
  ASSERT_EQ(cli("report " + s + " -o " + html + " --dicom " + dcm2, &out), 0) << out;
  EXPECT_TRUE(srtest::dciodvfyErrors(dcm2).empty());
  EXPECT_FALSE(std::filesystem::exists(dcm2 + ".pdf"));
}

TEST(ReportPdf, NotAPdfOrMissingHtmlIsAnErrorNamingTheFile) {
  TempDir dir;
  std::ofstream(dir / "fake.pdf") << "<html>not a pdf</html>";
  ReportContext c;
  c.study.instanceUid = "1.2.3";
  auto r = writeEncapsulatedPdf((dir / "fake.pdf").string(), c, "", (dir / "x.dcm").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("fake.pdf"), std::string::npos) << r.message();
  EXPECT_FALSE(std::filesystem::exists(dir / "x.dcm"));
  Status s = printHtmlToPdf((dir / "none.html").string(), (dir / "none.pdf").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("none.html"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace annulo
