// The teaching case folder of the planted phantom: de-identified DICOM whose
// references resolve, nothing planted anywhere (page included), and a page that
// headless Chromium renders with every tear in its table.

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <cmath>
#include <filesystem>

#include "annulo/annotation/Vocabulary.h"
#include "annulo/teaching/TeachingCase.h"
#include "deid/DeidFixtures.h"
#include "support/TestSupport.h"
#include "teaching/Snapshots.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;
using deidtest::plantedCase;

class TeachingCaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ANNULO_REQUIRE_PLANTED();
    session_ = srtest::sampleSession(plantedCase().phantom);
    session_.observer = "PLANTOBSERVER^DOCUMENT";
    for (auto& t : session_.tears) t.observer = "PLANTREADER^" + t.id;
    session_.tears[0].comment = "Leak at 6 o'clock, seen with Dr PLANTSURNAME";
    options_.deid.key = deidtest::testKey();
    options_.deid.cleanDescriptors = true;  // keep the (cleaned) comment on the page
    auto r = teaching::writeTeachingCase(session_, (dir_ / "case").string(), options_);
    ASSERT_TRUE(r.ok()) << r.message();
    result_ = *r;
  }
  test::TempDir dir_;
  Session session_;
  teaching::TeachingCaseOptions options_;
  teaching::TeachingCase result_;
};

TEST_F(TeachingCaseTest, WritesTheAnnotatedImagesAndReportsDeidentified) {
  EXPECT_TRUE(fs::exists(result_.indexHtml));
  EXPECT_EQ(result_.deid.refused(), 0);
  // 5 MR slices (T4 is on one) + the XA cine + SR + GSPS.
  EXPECT_EQ(result_.deid.written(), 5 + 1 + 2);
  EXPECT_EQ(result_.snapshots, int(session_.tears.size()));  // 3D ones on their MR slice
  // With Clean Descriptors the descriptors stay, cleaned of identifying values:
  // every planted value of an attribute without that option column must be gone,
  // and the identifying ones everywhere.
  std::vector<std::string> secrets = {"PLANTSURNAME",     "PLANTGIVEN",          "PLANTPID77",     "PLANTPRIVATE-TOP",
                                      "PLANTOVERLAYDESC", "PLANTOVERLAYCOMMENT", "PLANTCURVELABEL"};
  const auto& rules = deid::ConfidentialityProfile::standard().rules();
  for (const auto& [index, value] : plantedCase().xaPlanted.byRule)
    if (value.size() >= 4 && !rules[index].options.count(deid::ProfileOption::CleanDescriptors))
      secrets.push_back(value);
  for (const auto& u : plantedCase().originalUids) secrets.push_back(u);
  for (const auto& s : plantedCase().srSecrets) secrets.push_back(s);
  for (const auto& file : deidtest::filesUnder(dir_ / "case")) {
    const std::string bytes = deidtest::readBytes(file);
    for (const auto& s : secrets) EXPECT_EQ(bytes.find(s), std::string::npos) << "'" << s << "' in " << file;
  }
  // The SR in the case resolves against the case's images.
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries(result_.dicomDir, lo);
  ASSERT_TRUE(loaded.ok());
  SrImportOptions io;
  for (const auto& s : loaded->series) io.loaded.push_back(&s);
  auto sr = importSr((fs::path(result_.dicomDir) / "reports/sr.dcm").string(), io);
  ASSERT_TRUE(sr.ok()) << sr.message();
  EXPECT_TRUE(sr->warnings.empty()) << sr->warnings.front();
  EXPECT_EQ(sr->tears.size(), session_.tears.size());
}

// Non-white pixels of an RGB PNG.
long inkPixels(const std::string& png) {
  using Image = itk::Image<itk::RGBPixel<unsigned char>, 2>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetFileName(png);
  reader->Update();
  const Image* img = reader->GetOutput();
  const auto size = img->GetLargestPossibleRegion().GetSize();
  long ink = 0;
  for (unsigned y = 0; y < size[1]; ++y)
    for (unsigned x = 0; x < size[0]; ++x) {
      const auto p = img->GetPixel({{long(x), long(y)}});
      if (p[0] < 200 || p[1] < 200 || p[2] < 200) ++ink;
    }
  return ink;
}

// The snapshot of each 2D tear shows the tear colour at the tear's pixel, at slide
// resolution, with its label and the corner text burned in.
TEST_F(TeachingCaseTest, SnapshotsShowTheTearColourAtTheTearPixel) {
  LoadOptions lo;
  lo.readPixels = false;
  auto source = loadSeries(session_.sourcePath, lo);
  ASSERT_TRUE(source.ok()) << source.message();
  // A 2D tear's image width and point; a 3D tear's on the nearest slice of its volume.
  struct Mark {
    int columns = 0;
    double x = 0, y = 0;
  };
  auto markOf = [&](const TearAnnotation& t) {
    const auto& p = t.geometry.points.front();
    Mark best;
    double nearest = 1e300;
    for (const auto& s : source->series)
      for (const auto& slice : s.slices) {
        if (!t.geometry.is3D()) {
          if (slice.sopInstanceUid == t.geometry.image.sopInstanceUid) return Mark{s.columns, p[0], p[1]};
          continue;
        }
        if (s.series.frameOfReferenceUid != t.geometry.frameOfReferenceUid || s.multiFrame) continue;
        const Vec3 d{p[0] - slice.position[0], p[1] - slice.position[1], p[2] - slice.position[2]};
        auto along = [&](int k) {
          return d[0] * s.direction[k][0] + d[1] * s.direction[k][1] + d[2] * s.direction[k][2];
        };
        if (std::abs(along(2)) < nearest)
          nearest = std::abs(along(2)), best = Mark{s.columns, along(0) / s.spacing[0], along(1) / s.spacing[1]};
      }
    return best;
  };
  using Image = itk::Image<itk::RGBPixel<unsigned char>, 2>;
  int checked = 0;
  for (std::size_t i = 0; i < session_.tears.size(); ++i) {
    const auto& t = session_.tears[i];
    const fs::path png =
        fs::path(result_.dicomDir).parent_path() / ("snapshots/tear-" + std::to_string(i + 1) + ".png");
    ASSERT_TRUE(fs::exists(png)) << png;
    auto reader = itk::ImageFileReader<Image>::New();
    reader->SetFileName(png.string());
    reader->Update();
    // Slide resolution: enlarged by a whole factor to at least 1024 pixels across.
    const Image* img = reader->GetOutput();
    const auto size = img->GetLargestPossibleRegion().GetSize();
    EXPECT_GE(size[0], 1024u) << t.id;
    const Mark m = markOf(t);
    ASSERT_GT(m.columns, 0) << t.id << ": its image is not in the source";
    const int f = teaching::slideScale(m.columns);
    EXPECT_EQ(long(size[0]), long(m.columns) * f) << t.id;
    const std::array<double, 2> p = {m.x, m.y};
    const auto px =
        img->GetPixel({{long(std::lround((p[0] + 0.5) * f - 0.5)), long(std::lround((p[1] + 0.5) * f - 0.5))}});
    EXPECT_EQ(px[0], teaching::kTearColour[0]) << t.id;
    EXPECT_EQ(px[1], teaching::kTearColour[1]) << t.id;
    EXPECT_EQ(px[2], teaching::kTearColour[2]) << t.id;
    // The burned-in corner text ("Frame N  scale bar ..."): white glyphs on a dark box, top left.
    long white = 0, dark = 0;
    const long band = std::max(16L, long(size[1]) / 36);
    for (long y = band / 2; y < band / 2 + band; ++y)
      for (long x = band / 2; x < long(size[0]) / 2; ++x) {
        const auto q = img->GetPixel({{x, y}});
        if (q[0] > 230 && q[1] > 230 && q[2] > 230) ++white;
        if (q[0] < 40 && q[1] < 40 && q[2] < 40) ++dark;
      }
    EXPECT_GT(white, 150) << t.id << ": no corner text";
    EXPECT_GT(dark, 150) << t.id << ": no box behind the corner text";
    // The tear's label in the tear colour, beside the mark (not only the mark itself).
    long labelInk = 0;
    for (long y = 0; y < long(size[1]); ++y)
      for (long x = 0; x < long(size[0]); ++x) {
        const auto q = img->GetPixel({{x, y}});
        const double dx = x - (p[0] + 0.5) * f, dy = y - (p[1] + 0.5) * f;
        if (q[0] == teaching::kTearColour[0] && q[1] == teaching::kTearColour[1] && q[2] == teaching::kTearColour[2] &&
            dy < -double(band) / 2 && std::abs(dx) < 30.0 * band && t.geometry.points.size() == 1)
          ++labelInk;
      }
    if (t.geometry.points.size() == 1) EXPECT_GT(labelInk, 50) << t.id << ": no label beside the tear";
    ++checked;
  }
  EXPECT_EQ(checked, int(session_.tears.size()));
  for (std::size_t i = 0; i < session_.tears.size(); ++i)
    EXPECT_NE(deidtest::readBytes(result_.indexHtml).find("snapshots/tear-" + std::to_string(i + 1) + ".png"),
              std::string::npos);
}

TEST_F(TeachingCaseTest, PageRendersInHeadlessChromiumWithEveryTear) {
  if (!srtest::haveTool("chromium")) ANNULO_SKIP_MISSING("chromium not installed");
  const std::string page = deidtest::readBytes(result_.indexHtml);
  EXPECT_EQ(page.find("http"), std::string::npos) << "the page must not reach the network";
  const std::string shot = (dir_ / "page.png").string();
  const std::string flags =
      "--headless --no-sandbox --disable-gpu --user-data-dir='" + (dir_ / "chrome").string() + "'";
  std::string out;
  ASSERT_EQ(test::runCommand("timeout 120 chromium " + flags + " --window-size=1200,900 --screenshot='" + shot +
                                 "' 'file://" + result_.indexHtml + "' 2>&1",
                             &out),
            0)
      << out;
  ASSERT_TRUE(fs::exists(shot)) << out;
  EXPECT_GT(inkPixels(shot), 20000) << "the screenshot is (nearly) blank";
  std::string dom;
  ASSERT_EQ(test::runCommand(
                "timeout 120 chromium " + flags + " --dump-dom 'file://" + result_.indexHtml + "' 2>/dev/null", &dom),
            0);
  const std::size_t table = dom.find("<table id=\"findings\">");
  ASSERT_NE(table, std::string::npos) << dom;
  int rows = 0;
  for (std::size_t at = dom.find("<tr><td>", table); at != std::string::npos; at = dom.find("<tr><td>", at + 1)) ++rows;
  EXPECT_EQ(rows, int(session_.tears.size()));
  for (const auto& t : session_.tears) {
    const std::string row = "<tr><td>" + t.level + "</td><td>" + token(t.type) + "</td><td>" + std::to_string(t.grade);
    EXPECT_NE(dom.find(row), std::string::npos) << "no row for " << t.id << ": " << row;
  }
  EXPECT_NE(dom.find("Leak at 6 o'clock, seen with Dr ***"), std::string::npos);  // the cleaned comment
  EXPECT_NE(dom.find("Basic Application Confidentiality Profile"), std::string::npos);
}

}  // namespace
}  // namespace annulo
