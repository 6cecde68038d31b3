// The disc-plane layout under Xvfb on the bundled sample's sagittal T2: two clicks
// at the L4-L5 margins lay the plane, the oblique view shows the HIZ at 6 o'clock,
// a click there places a tear proposed as 6 o'clock, central, at the HIZ in the
// patient, and the plane comes back from the session in the next viewer.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/annotation/SessionStore.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/HizDetector.h"
#include "annulo/render/ViewTransform.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using Rgb = itk::RGBPixel<std::uint8_t>;
using RgbImage = itk::Image<Rgb, 2>;

struct Shot {
  RgbImage::Pointer image;
  nlohmann::json side;
  double grey(double x, double y) const {
    const Rgb p = image->GetPixel({{itk::IndexValueType(x), itk::IndexValueType(y)}});
    return (p.GetRed() + p.GetGreen() + p.GetBlue()) / 3.0;
  }
  // Image pixel of the native (sagittal) view to window pixels.
  Vec2 native(Vec2 pixel) const {
    const auto& v = side["disc_plane"]["native"];
    const ViewGeometry g{v["width"], v["height"], v["columns"], v["rows"], v["pixel_aspect"]};
    const Vec2 p = imageToScreen(ViewState{}, g, pixel);
    return {p[0] + v["x"].get<double>(), p[1] + v["y"].get<double>()};
  }
};

class DiscPlaneGui : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run");
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = *t;
  }
  Shot run(const std::string& name, const std::string& steps, const std::string& layout = "disc") {
    const std::string png = (dir_.path() / (name + ".png")).string();
    const std::string script = (dir_.path() / (name + ".txt")).string();
    std::ofstream(script) << "open " << (test::sourceDir() / "sample_data").string() << "\nseries "
                          << truth_.mr.seriesInstanceUid << "\nframe " << truth_.mr.hizSlice
                          << "\nsize 1400x900\nlayout " << layout << "\n"
                          << steps << "screenshot " << png << "\n";
    std::string out;
    const int rc =
        test::runCommand("ANNULO_SESSION_DIR=" + sessions() + " XDG_DATA_HOME=" + (dir_.path() / "xdg").string() +
                             " XDG_CACHE_HOME=" + (dir_.path() / "cache").string() + " " + test::xvfbRun() +
                             std::string(ANNULO_VIEWER) + " --script " + script + " 2>&1",
                         &out);
    EXPECT_EQ(rc, 0) << out;
    Shot s;
    auto reader = itk::ImageFileReader<RgbImage>::New();
    reader->SetFileName(png);
    reader->Update();
    s.image = reader->GetOutput();
    std::ifstream in(png + ".json");
    s.side = nlohmann::json::parse(in);
    return s;
  }
  std::string sessions() const { return (dir_.path() / "sessions").string(); }

  test::TempDir dir_;
  PhantomTruth truth_;
};

TEST_F(DiscPlaneGui, TwoClicksLayThePlaneTheHizSitsAtSixAndThePlaneIsRestored) {
  const MrTruth& mr = truth_.mr;
  const Shot empty = run("empty", "");
  ASSERT_TRUE(empty.side.contains("disc_plane"));
  EXPECT_FALSE(empty.side["disc_plane"].contains("normal")) << "no plane before the clicks";

  // Anterior margin 33 mm in front of the HIZ along the disc, posterior margin at the HIZ.
  const Vec2 posterior{mr.hizPixel[0], mr.hizPixel[1]};
  const Vec2 anterior{mr.hizPixel[0] - 30, mr.hizPixel[1] + 6.5};
  const Vec2 a = empty.native(anterior), p = empty.native(posterior);
  char clicks[128];
  std::snprintf(clicks, sizeof clicks, "click %.1f,%.1f\nclick %.1f,%.1f\n", a[0], a[1], p[0], p[1]);
  const Shot laid = run("laid", clicks);
  const auto& d = laid.side["disc_plane"];
  ASSERT_TRUE(d.contains("normal")) << laid.side.dump();
  // The plane holds the clicked line: its tilt is that line's angle against the table.
  const double want = std::atan2(6.5 * mr.pixelSpacingMm, 30 * mr.pixelSpacingMm) * 180 / 3.14159265358979;
  EXPECT_NEAR(d["tilt_deg"].get<double>(), want, 1.5);
  EXPECT_NEAR(d["normal"][0].get<double>(), 0, 1e-6) << "the plane contains the sagittal's normal";
  // The HIZ (bright on T2) sits at 6 o'clock on the clock face, the annulus beside it is dark.
  const double sx = d["clock_six"][0], sy = d["clock_six"][1];
  const double hiz = laid.grey(sx + 4, sy), beside = std::max(laid.grey(sx - 40, sy), laid.grey(sx + 40, sy));
  EXPECT_GT(hiz, beside + 60) << "HIZ " << hiz << " beside " << beside;
  // A spot, not the disc reaching the edge: the annulus just inside it is dark, and
  // nothing as bright lies at 3 or 9 o'clock on the same circle.
  const double cx = d["clock_centre"][0], cy = d["clock_centre"][1];
  const double r = sy - cy;
  EXPECT_GT(hiz, laid.grey(sx + 4, cy + 0.8 * r) + 60) << "annulus inside the HIZ";
  EXPECT_GT(hiz, laid.grey(cx + r - 4, cy + 4) + 60) << "3 o'clock";
  EXPECT_GT(hiz, laid.grey(cx - r + 4, cy + 4) + 60) << "9 o'clock";
  // The clock face is drawn: its colour on the circle at 3 o'clock.
  int cyan = 0;
  for (int dx = -3; dx <= 3; ++dx) {
    const Rgb q = laid.image->GetPixel({{itk::IndexValueType(cx + r + dx), itk::IndexValueType(cy + 10)}});
    cyan += q.GetBlue() > 200 && q.GetGreen() > 170 && q.GetRed() < 140;
  }
  EXPECT_GE(cyan, 1) << "clock circle at 3 o'clock";

  // The next viewer restores the plane from the session; a click at 6 o'clock marks the tear.
  char mark[96];
  std::snprintf(mark, sizeof mark, "disc-mark on\nclick %.1f,%.1f\n", sx, sy);
  const Shot marked = run("marked", mark);
  EXPECT_EQ(marked.side["disc_plane"]["normal"], d["normal"]);
  EXPECT_EQ(marked.side["disc_plane"]["centre"], d["centre"]);
  std::string sessionFile;
  for (const auto& e : std::filesystem::directory_iterator(sessions()))
    if (e.path().extension() == ".json") sessionFile = e.path().string();
  auto session = loadSession(sessionFile);
  ASSERT_TRUE(session.ok()) << session.message();
  ASSERT_EQ(session->discPlanes.size(), 1u);
  ASSERT_EQ(session->tears.size(), 1u);
  const TearAnnotation& t = session->tears[0];
  EXPECT_EQ(t.level, "L4-L5");
  EXPECT_EQ(t.clock, 6);
  EXPECT_EQ(t.zone, SpinalZone::Central);
  ASSERT_EQ(t.geometry.kind, GeometryKind::Point3D);
  const auto& q = t.geometry.points.at(0);
  EXPECT_LT(std::hypot(q[0] - mr.hizPositionMm[0], q[1] - mr.hizPositionMm[1], q[2] - mr.hizPositionMm[2]), 1.5)
      << "the tear lies at the HIZ in the patient";
}

TEST_F(DiscPlaneGui, HizCandidateIsDrawnOnThePlaneAtItsClockHour) {
  // The HIZ search, then the plane laid through the HIZ at the posterior margin: the
  // candidate lies on the plane, at 6 o'clock, and is drawn there (a yellow ring).
  const MrTruth& mr = truth_.mr;
  const Shot empty = run("hiz-empty", "hiz\n");
  const Vec2 a = empty.native({mr.hizPixel[0] - 30, mr.hizPixel[1] + 6.5});
  const Vec2 p = empty.native({mr.hizPixel[0], mr.hizPixel[1]});
  char steps[160];
  std::snprintf(steps, sizeof steps, "hiz\nclick %.1f,%.1f\nclick %.1f,%.1f\n", a[0], a[1], p[0], p[1]);
  const Shot laid = run("hiz-laid", steps);
  const auto& d = laid.side["disc_plane"];
  ASSERT_TRUE(d.contains("hiz")) << d.dump();
  ASSERT_GE(d["hiz"].size(), 1u) << "the true HIZ lies on its plane";
  // The candidate nearest the 6 o'clock mark: at 6 o'clock, a few pixels from the mark.
  const double sx = d["clock_six"][0], sy = d["clock_six"][1];
  const nlohmann::json* best = nullptr;
  for (const auto& h : d["hiz"])
    if (!best || std::hypot(h["x"].get<double>() - sx, h["y"].get<double>() - sy) <
                     std::hypot((*best)["x"].get<double>() - sx, (*best)["y"].get<double>() - sy))
      best = &h;
  EXPECT_EQ((*best)["clock"], 6);
  EXPECT_LT(std::fabs((*best)["distance_mm"].get<double>()), 3.0);
  const double hx = (*best)["x"], hy = (*best)["y"];
  EXPECT_LT(std::hypot(hx - sx, hy - sy), 12) << "drawn where the HIZ is on the clock face";
  // The ring is drawn: yellow pixels around the candidate, none there without the search.
  auto yellowAround = [&](const Shot& s) {
    int n = 0;
    for (int dy = -20; dy <= 20; ++dy)
      for (int dx = -20; dx <= 20; ++dx) {
        const auto q = s.image->GetPixel({{itk::IndexValueType(hx + dx), itk::IndexValueType(hy + dy)}});
        n += q.GetRed() > 200 && q.GetGreen() > 200 && q.GetBlue() < 90;
      }
    return n;
  };
  std::snprintf(steps, sizeof steps, "click %.1f,%.1f\nclick %.1f,%.1f\n", a[0], a[1], p[0], p[1]);
  const Shot plain = run("hiz-plain", steps);
  EXPECT_GE(yellowAround(laid), 20);
  EXPECT_LT(yellowAround(plain), 5);
  EXPECT_TRUE(laid.side["clipped_text"].empty()) << laid.side["clipped_text"].dump();
}

// Issue 11: the HIZ list's one click (the script's hiz-tear) records the best candidate
// as a tear of its level with an MR point at the focus and comment "HIZ".
TEST_F(DiscPlaneGui, HizCandidateBecomesATearOfItsLevel) {
  auto loaded = loadSeries((test::sourceDir() / "sample_data" / "mr").string());
  ASSERT_TRUE(loaded.ok() && loaded->series.size() == 1);
  auto found = detectHiz(loaded->series.front());
  ASSERT_TRUE(found.ok() && !found->empty());
  const HizCandidate& best = found->front();
  const Shot none = run("hiz-list", "hiz\ntab segment\n", "2d");
  EXPECT_EQ(none.side["tears"], 0);
  const Shot s = run("hiz-tear", "hiz\nhiz-tear 1\ntab segment\n", "2d");
  ASSERT_EQ(s.side["tears"], 1) << s.side.dump();
  const auto& t = s.side["tear_list"][0];
  EXPECT_EQ(t["comment"], "HIZ");
  EXPECT_EQ(t["level"], best.level);
  EXPECT_FALSE(best.level.empty());
  ASSERT_EQ(t["point3d"].size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(t["point3d"][k].get<double>(), best.positionMm[k], 1e-6);
}

}  // namespace
}  // namespace annulo
