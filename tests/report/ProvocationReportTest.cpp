// The referring physician's report: rendered by headless Chromium (Debian
// `chromium`), the DOM it builds has every level in the table, every level's
// curve and conclusion; the screenshot is not blank and shows the red of a
// positive level.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageRegionConstIterator.h>
#include <itkPNGImageIO.h>
#include <itkRGBPixel.h>

#include <fstream>

#include "annulo/report/ProvocationReport.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

ProvocationLevel make(const std::string& level, double opening, std::optional<double> painAt, double peak, double vol,
                      int pain, Concordance c) {
  ProvocationLevel p;
  p.level = level;
  p.openingPsi = opening;
  p.painPsi = painAt;
  p.peakPsi = peak;
  p.volumeAtPainMl = painAt ? std::optional<double>(vol) : std::nullopt;
  p.totalVolumeMl = vol + 0.6;
  p.painScore = pain;
  p.concordance = c;
  return p;
}

Session threeLevelStudy() {
  Session s;
  s.observer = "Reader^Anna";
  s.studyInstanceUid = "1.2.3";
  ProvocationLevel target = make("L4-L5", 12, 34, 60, 1.8, 8, Concordance::Concordant);
  target.side = InjectionSide::Left;
  target.log = {{0, 0, 12, std::nullopt}, {10, 0.9, 20, 2}, {20, 1.8, 34, 8}, {30, 2.4, 60, 9}};
  ProvocationLevel control = make("L3-L4", 10, std::nullopt, 110, 2.0, 0, Concordance::None);
  ProvocationLevel third = make("L5-S1", 15, 80, 95, 2.5, 5, Concordance::Discordant);
  third.override_ = ProvocationOverride{ProvocationClass::Indeterminate, "prior fusion <L5-S1> & \"hardware\"", "", ""};
  s.provocation = {target, control, third};
  TearAnnotation tear;
  tear.id = "T1", tear.level = "L4-L5", tear.grade = 4, tear.leak = LeakPattern::Epidural;
  s.tears.push_back(tear);
  return s;
}

ReportContext context() {
  ReportContext c;
  c.patient = {"Doe^Jane", "P-42", "19700101", "F"};
  c.study.description = "Lumbar discography";
  c.study.date = "20261202";
  c.readerName = "Smith^Anna";
  return c;
}

bool haveChromium() { return test::runCommand("command -v chromium >/dev/null 2>&1") == 0; }

std::string chromium(const std::string& args) {
  return "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run " + args + " 2>/dev/null";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ProvocationReport, HtmlHasEveryLevelAndEscapesText) {
  const std::string html = provocationReportHtml(threeLevelStudy(), context());
  for (const char* level : {"L4-L5", "L3-L4", "L5-S1"}) {
    EXPECT_NE(html.find("<tr data-level=\"" + std::string(level) + "\">"), std::string::npos) << level;
    EXPECT_NE(html.find("class=\"pv\" data-level=\"" + std::string(level) + "\""), std::string::npos) << level;
  }
  EXPECT_NE(html.find("L4-L5: positive, concordant 8/10 at 22 psi above opening; controls L3-L4, L5-S1 negative"),
            std::string::npos);
  EXPECT_NE(html.find("prior fusion &lt;L5-S1&gt; &amp; &quot;hardware&quot;"), std::string::npos);
  EXPECT_EQ(html.find("<L5-S1>"), std::string::npos);
  EXPECT_NE(html.find("Smith Anna"), std::string::npos);
  EXPECT_NE(html.find("82.74 kPa"), std::string::npos);  // 12 psi shown in kPa too
}

TEST(ProvocationReport, RendersInHeadlessChromiumWithEveryLevel) {
  if (!haveChromium()) ANNULO_SKIP_MISSING("chromium not installed (tools/setup.sh installs it)");
  test::TempDir dir;
  const std::string html = (dir / "report.html").string();
  {
    std::ofstream out(html);
    out << provocationReportHtml(threeLevelStudy(), context());
  }
  std::string dom;
  ASSERT_EQ(test::runCommand(chromium("--dump-dom file://" + html), &dom), 0);
  // The DOM Chromium built (not our text): one table row, one curve, one conclusion per level.
  EXPECT_EQ(count(dom, "<tr data-level="), 3u) << dom.substr(0, 2000);
  for (const char* level : {"L4-L5", "L3-L4", "L5-S1"}) {
    EXPECT_NE(dom.find("<tr data-level=\"" + std::string(level) + "\"><th>" + level + "</th>"), std::string::npos);
    EXPECT_NE(dom.find("data-level=\"" + std::string(level) + "\" font-size"), std::string::npos) << "curve " << level;
  }
  EXPECT_EQ(count(dom, "<polyline"), 3u);
  EXPECT_EQ(count(dom, "<li class="), 3u);

  const std::string png = (dir / "report.png").string();
  ASSERT_EQ(test::runCommand(chromium("--window-size=900,1270 --screenshot=" + png + " file://" + html)), 0);
  using Image = itk::Image<itk::RGBPixel<unsigned char>, 2>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(itk::PNGImageIO::New());
  reader->SetFileName(png);
  ASSERT_NO_THROW(reader->Update());
  const Image* image = reader->GetOutput();
  std::size_t ink = 0, red = 0, total = 0;
  for (itk::ImageRegionConstIterator<Image> it(image, image->GetLargestPossibleRegion()); !it.IsAtEnd(); ++it) {
    const auto p = it.Get();
    ++total;
    if (p[0] < 200 || p[1] < 200 || p[2] < 200) ++ink;
    if (p[0] > 140 && p[1] < 60 && p[2] < 60) ++red;  // the positive level's bold red
  }
  EXPECT_EQ(image->GetLargestPossibleRegion().GetSize()[0], 900u);
  EXPECT_GT(ink, total / 50) << "screenshot is (nearly) blank";
  EXPECT_GT(red, 50u) << "no red: the positive level is not highlighted";
}

}  // namespace
}  // namespace annulo
