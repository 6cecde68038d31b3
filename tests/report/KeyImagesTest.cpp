// The provocation report's key images: the frames the tears were marked on, written
// as PNG beside the report with the tear drawn where it was marked, referenced by the
// HTML and visible when Chromium renders it. And a leak pattern "not assessed" is
// never exported as a leak, nor as "contained" (report, JSON, SR).

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "annulo/annotation/ProvocationJson.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/report/ProvocationReport.h"
#include "annulo/sr/SrExport.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using Rgb = itk::RGBPixel<std::uint8_t>;
using RgbImage = itk::Image<Rgb, 2>;
using test::TempDir;

int cli(const std::string& args, std::string* out = nullptr) {
  return test::runCommand(test::cliPath() + " " + args + " 2>&1", out);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

RgbImage::Pointer readRgb(const std::string& path) {
  auto reader = itk::ImageFileReader<RgbImage>::New();
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

Rgb at(const RgbImage::Pointer& img, int x, int y) { return img->GetPixel({{x, y}}); }
bool tearGreen(const Rgb& c) { return c[0] == 46 && c[1] == 204 && c[2] == 64; }
bool nearTearGreen(const Rgb& c) {
  return std::abs(int(c[0]) - 46) < 30 && std::abs(int(c[1]) - 204) < 30 && std::abs(int(c[2]) - 64) < 30;
}

class ReportKeyImages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    PhantomOptions o;
    o.seed = 3;
    o.xaSize = 128;
    o.xaFrames = 8;
    o.mrSize = 48;
    o.mrSlices = 3;
    auto t = writePhantom(o, dir_->path().string());
    ASSERT_TRUE(t.ok()) << t.message();
    xa_ = t->xa.seriesInstanceUid;
  }
  static void TearDownTestSuite() { delete dir_; }
  // A session with one polyline tear (leak pattern not given: not assessed) and a point
  // tear on another frame, and a three-level record.
  std::string session(const TempDir& dir, const std::string& leak = "") const {
    const std::string s = (dir / "s.json").string();
    std::string out;
    EXPECT_EQ(cli("annotate " + s + " --source " + dir_->path().string() + " --add \"series=" + xa_ +
                      " level=L4-L5 type=radial grade=3 frame=4 polyline=30,40;60,50;90,80" + leak + "\"",
                  &out),
              0)
        << out;
    EXPECT_EQ(cli("annotate " + s + " --add \"series=" + xa_ + " level=L5-S1 type=concentric grade=2 frame=6 " +
                      "point=64,100\"",
                  &out),
              0)
        << out;
    EXPECT_EQ(cli("provocation " + s +
                      " --add \"level=L3-L4 opening-psi=11 pain-psi=70 volume-ml=2.5 pain=2 concordance=discordant\""
                      " --add \"level=L4-L5 opening-psi=12 pain-psi=34 volume-ml=1.8 pain=8 concordance=concordant\""
                      " --add \"level=L5-S1 opening-psi=9 pain-psi=85 volume-ml=3 pain=0 concordance=none\"",
                  &out),
              0)
        << out;
    return s;
  }
  static TempDir* dir_;
  static std::string xa_;
};
TempDir* ReportKeyImages::dir_ = nullptr;
std::string ReportKeyImages::xa_;

TEST_F(ReportKeyImages, TearFramesAreDrawnWrittenAndShownInTheReport) {
  TempDir dir;
  const std::string s = session(dir);
  const std::string report = (dir / "report.html").string();
  std::string out;
  ASSERT_EQ(cli("report " + s + " -o " + report, &out), 0) << out;
  EXPECT_NE(out.find("2 key image(s)"), std::string::npos) << out;
  const std::string html = slurp(report);
  // One figure per tear, each with its image file beside the report.
  const std::regex img("<figure data-tear=\"(T[0-9]+)\"><img src=\"([^\"]+)\"");
  std::map<std::string, std::string> files;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), img); it != std::sregex_iterator(); ++it)
    files[(*it)[1]] = (*it)[2];
  ASSERT_EQ(files.size(), 2u) << html;
  for (const auto& [tear, file] : files) EXPECT_TRUE(std::filesystem::exists(dir / file)) << tear << " " << file;
  EXPECT_NE(html.find("frame 4"), std::string::npos) << "the caption names the frame";

  // T1's image: the frame, with the polyline drawn along its segments and nowhere far from it.
  const auto t1 = readRgb((dir / files["T1"]).string());
  ASSERT_EQ(t1->GetLargestPossibleRegion().GetSize()[0], 128u);
  ASSERT_EQ(t1->GetLargestPossibleRegion().GetSize()[1], 128u);
  for (const auto& [x, y] : std::vector<std::pair<int, int>>{{30, 40}, {45, 45}, {60, 50}, {75, 65}, {90, 80}})
    EXPECT_TRUE(tearGreen(at(t1, x, y))) << "no tear line at " << x << "," << y;
  int green = 0;
  for (int y = 0; y < 128; ++y)
    for (int x = 0; x < 128; ++x) green += tearGreen(at(t1, x, y)) ? 1 : 0;
  EXPECT_LT(green, 128 * 128 / 10) << "the whole frame is painted";
  const Rgb far = at(t1, 110, 10);
  EXPECT_TRUE(far[0] == far[1] && far[1] == far[2]) << "image pixels away from the tear are not grey";
  // T2's image is another frame, with the point drawn at (64,100) and not the polyline.
  const auto t2 = readRgb((dir / files["T2"]).string());
  EXPECT_TRUE(tearGreen(at(t2, 64, 100)));
  EXPECT_FALSE(tearGreen(at(t2, 45, 45)));

  // Rendered: the images load (the tear colour is on the page).
  if (test::runCommand("command -v chromium >/dev/null 2>&1") != 0) ANNULO_SKIP_MISSING("chromium not installed");
  const std::string png = (dir / "page.png").string();
  ASSERT_EQ(test::runCommand("chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "
                             "--window-size=900,1600 --screenshot=" +
                             png + " file://" + report + " > /dev/null 2>&1"),
            0);
  const auto page = readRgb(png);
  int shown = 0;
  const auto size = page->GetLargestPossibleRegion().GetSize();
  for (int y = 0; y < int(size[1]); ++y)
    for (int x = 0; x < int(size[0]); ++x) shown += nearTearGreen(at(page, x, y)) ? 1 : 0;
  EXPECT_GT(shown, 40) << "the key images are not visible in the rendered report";
}

TEST_F(ReportKeyImages, NotAssessedLeakIsNeitherLeakNorContained) {
  TempDir dir;
  const std::string s = session(dir);  // L4-L5's only tear: leak pattern not assessed
  auto loaded = loadSession(s);
  ASSERT_TRUE(loaded.ok());
  const ProvocationLevel& l45 = loaded->provocation[1];
  ASSERT_EQ(l45.level, "L4-L5");
  const LevelMorphology m = levelMorphology(l45, loaded->tears);
  EXPECT_FALSE(m.leak);
  EXPECT_FALSE(m.leakAssessed);
  const auto json = nlohmann::json::parse(provocationListJson(*loaded));
  EXPECT_EQ(json["levels"][1]["leak"], "not-assessed");
  const std::string html = provocationReportHtml(*loaded, ReportContext{});
  const auto row = html.find("<tr data-level=\"L4-L5\">");
  ASSERT_NE(row, std::string::npos);
  const std::string cells = html.substr(row, html.find("</tr>", row) - row);
  EXPECT_NE(cells.find("<td>not assessed</td>"), std::string::npos) << cells;
  EXPECT_EQ(cells.find("contained"), std::string::npos) << cells;
  EXPECT_EQ(cells.find(">leak<"), std::string::npos) << cells;
  // The SR claims no containment for that level.
  const std::string sr = (dir / "r.dcm").string();
  std::string out;
  ASSERT_EQ(cli("export-sr " + s + " -o " + sr + " --observer Test^Reader", &out), 0) << out;
  auto imported = importSr(sr);
  ASSERT_TRUE(imported.ok()) << imported.message();
  ASSERT_EQ(imported->provocation.size(), 3u);
  EXPECT_EQ(imported->provocation[1].record.level, "L4-L5");
  EXPECT_FALSE(imported->provocation[1].leak.has_value()) << "not assessed was exported as leak or contained";

  // Assessed: "none" is contained, "epidural" a leak, in the SR as in the model.
  for (const auto& [pattern, leak] : std::vector<std::pair<std::string, bool>>{{"none", false}, {"epidural", true}}) {
    TempDir d;
    const std::string s2 = session(d, " leak=" + pattern);
    const std::string sr2 = (d / "r.dcm").string();
    ASSERT_EQ(cli("export-sr " + s2 + " -o " + sr2 + " --observer Test^Reader", &out), 0) << out;
    auto back = importSr(sr2);
    ASSERT_TRUE(back.ok()) << back.message();
    ASSERT_TRUE(back->provocation[1].leak.has_value()) << pattern;
    EXPECT_EQ(*back->provocation[1].leak, leak) << pattern;
    EXPECT_NE(
        provocationReportHtml(*loadSession(s2), ReportContext{}).find(leak ? "<td>leak</td>" : "<td>contained</td>"),
        std::string::npos)
        << pattern;
  }
}

}  // namespace
}  // namespace annulo
