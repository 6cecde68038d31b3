// The Provocation tab under Xvfb, driven through the script runner: what the session
// file holds after each edit (the record, an edit made by clicking the panel, its
// undo) and what the panel shows (the classification per level, in its colour).

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/annotation/SessionStore.h"
#include "annulo/phantom/Phantom.h"
#include "sr/SrFixtures.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using Rgb = itk::RGBPixel<std::uint8_t>;
using RgbImage = itk::Image<Rgb, 2>;

struct Shot {
  RgbImage::Pointer image;
  nlohmann::json side;
  // Pixels inside a widget's rectangle (from the sidecar) that satisfy pred.
  int count(const std::string& widget, bool (*pred)(const Rgb&)) const {
    const auto& r = side["provocation"]["widgets"][widget];
    int n = 0;
    for (int y = int(r[1].get<double>()); y < int(r[1].get<double>() + r[3].get<double>()); ++y)
      for (int x = int(r[0].get<double>()); x < int(r[0].get<double>() + r[2].get<double>()); ++x)
        n += pred(image->GetPixel({{x, y}})) ? 1 : 0;
    return n;
  }
  std::string shown(const std::string& level, const char* what) const {
    for (const auto& l : side["provocation"]["levels"])
      if (l["level"] == level) return l[what];
    return "(not shown)";
  }
};

// The panel's colours: positive red, negative green.
bool red(const Rgb& c) { return c[0] > 200 && c[1] < 140 && c[2] < 130; }
bool green(const Rgb& c) { return c[1] > 170 && c[0] < 150 && c[2] < 150; }

class ViewerGuiProvocation : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run not installed");
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    xa_ = t->xa.seriesInstanceUid;
  }
  std::string opening() const {
    return "open " + (test::sourceDir() / "sample_data").string() + "\nseries " + xa_ +
           "\nreader Test^Reader\ntab provocation\n";
  }
  // Runs the script (its screenshots named in `shots`) and reads each screenshot back.
  std::vector<Shot> run(const std::string& script, const std::vector<std::string>& shots) {
    const std::string file = (dir_ / "script.txt").string();
    std::ofstream(file) << script;
    std::string out;
    const int rc =
        test::runCommand("XDG_DATA_HOME=" + (dir_ / "xdg").string() + " XDG_CONFIG_HOME=" + (dir_ / "cfg").string() +
                             " xvfb-run -a -s '-screen 0 1600x1000x24' " + std::string(ANNULO_VIEWER) +
                             " --size 1400x900 --script " + file + " 2>&1",
                         &out);
    EXPECT_EQ(rc, 0) << out;
    std::vector<Shot> result;
    for (const auto& name : shots) {
      Shot s;
      auto reader = itk::ImageFileReader<RgbImage>::New();
      reader->SetFileName(png(name));
      reader->Update();
      s.image = reader->GetOutput();
      std::ifstream(png(name) + ".json") >> s.side;
      result.push_back(std::move(s));
    }
    return result;
  }
  std::string png(const std::string& name) const { return (dir_ / (name + ".png")).string(); }
  Session session(const std::string& path) const {
    auto s = loadSession(path);
    EXPECT_TRUE(s.ok()) << s.message();
    return s.ok() ? *s : Session{};
  }
  static const ProvocationLevel* level(const Session& s, const std::string& l) {
    for (const auto& p : s.provocation)
      if (p.level == l) return &p;
    return nullptr;
  }
  static std::string click(const nlohmann::json& r, double fx = 0.5) {
    return "click " + std::to_string(r[0].get<double>() + fx * r[2].get<double>()) + "," +
           std::to_string(r[1].get<double>() + 0.5 * r[3].get<double>()) + "\n";
  }

  std::string xa_;
  test::TempDir dir_;
};

TEST_F(ViewerGuiProvocation, RecordEditByClickAndUndoAreSavedAndShown) {
  const std::string record =
      "provocation level=L3-L4 opening-psi=11 pain-psi=70 volume-ml=2.5 total-ml=3.0 pain=2 concordance=discordant\n"
      "provocation level=L4-L5 opening-psi=12 pain-psi=34 peak-psi=60 volume-ml=1.8 total-ml=3.0 pain=8 "
      "concordance=concordant side=left\n"
      "provocation level=L5-S1 opening-psi=9 pain-psi=85 volume-ml=3.0 pain=0 concordance=none\n"
      "tear level=L4-L5 type=radial grade=3 frame=40 polyline=300,250;330,262;350,280\n";
  // 1. The record through the script: saved, and every level shown with its class.
  const Shot first = run(opening() + record + "screenshot " + png("record") + "\n", {"record"})[0];
  const std::string path = first.side["session"];
  {
    const Session s = session(path);
    ASSERT_EQ(s.provocation.size(), 3u);
    ASSERT_NE(level(s, "L4-L5"), nullptr);
    EXPECT_EQ(level(s, "L4-L5")->painScore, 8);
    EXPECT_EQ(level(s, "L4-L5")->observer, "Test^Reader");
  }
  EXPECT_EQ(first.shown("L4-L5", "final"), "positive");
  EXPECT_EQ(first.shown("L3-L4", "final"), "negative");
  EXPECT_TRUE(first.side["provocation"]["levels"][0]["control"].get<bool>()) << "L3-L4 is the negative control";
  EXPECT_GT(first.count("row:L4-L5", red), 30) << "the positive level is not drawn in red";
  EXPECT_EQ(first.count("row:L4-L5", green), 0);
  EXPECT_GT(first.count("row:L3-L4", green), 30) << "the negative control is not drawn in green";
  EXPECT_EQ(first.count("row:L3-L4", red), 0);
  EXPECT_TRUE(first.side["clipped_text"].empty()) << first.side["clipped_text"].dump();

  // 2. Where L4-L5's form lays out its pain slider once that level is picked.
  const std::string pick = click(first.side["provocation"]["widgets"]["row:L4-L5"]);
  const Shot picked = run(opening() + pick + "screenshot " + png("picked") + "\n", {"picked"})[0];
  const nlohmann::json slider = picked.side["provocation"]["widgets"]["pain"];
  const nlohmann::json undo = picked.side["provocation"]["widgets"]["undo"];
  ASSERT_FALSE(slider.is_null());

  // 3. The pain score set by a click on the slider (range -1 "not scored" .. 10), about
  //    a third of the way along: a score of 2-5 (ImGui rounds by its grab size). Then Undo.
  const double f = 0.37;
  const auto shots = run(opening() + pick + click(slider, f) + "screenshot " + png("edited") + "\n" + click(undo) +
                             "screenshot " + png("undone") + "\n",
                         {"edited", "undone"});
  EXPECT_EQ(shots[0].shown("L4-L5", "final"), "negative") << "pain 2-5/10 is below the 7/10 threshold";
  EXPECT_GT(shots[0].count("row:L4-L5", green), 30);
  EXPECT_EQ(shots[1].shown("L4-L5", "final"), "positive") << "undo did not bring the 8/10 back on screen";
  EXPECT_GT(shots[1].count("row:L4-L5", red), 30);
  const Session now = session(path);
  ASSERT_NE(level(now, "L4-L5"), nullptr);
  EXPECT_EQ(level(now, "L4-L5")->painScore, 8) << "the undo was not saved";
  // The state before the last save (the undo) is the clicked edit: it was saved too.
  const Session before = session(path + ".bak");
  ASSERT_NE(level(before, "L4-L5"), nullptr);
  ASSERT_TRUE(level(before, "L4-L5")->painScore.has_value()) << "the slider's value was not saved";
  EXPECT_GE(*level(before, "L4-L5")->painScore, 2) << "the slider's value was not saved as clicked";
  EXPECT_LE(*level(before, "L4-L5")->painScore, 5) << "the slider's value was not saved as clicked";
  EXPECT_EQ(now.revision, before.revision + 1);

  // 4. Save report: HTML with the tear's key image, PDF and its DICOM object, in the
  //    study's export folder (the viewer waits for the print job when it closes).
  const Shot saved =
      run(opening() + click(first.side["provocation"]["widgets"]["report"]) + "screenshot " + png("saved") + "\n",
          {"saved"})[0];
  const std::filesystem::path exports = dir_ / "xdg/annulo/exports" / now.studyInstanceUid;
  EXPECT_TRUE(std::filesystem::exists(exports / "provocation-report.html")) << exports;
  EXPECT_TRUE(std::filesystem::exists(exports / "provocation-report.pdf"));
  EXPECT_TRUE(std::filesystem::exists(exports / "provocation-report.dcm"));
  EXPECT_TRUE(std::filesystem::exists(exports / "provocation-report-images/snapshots/tear-1.png"))
      << "the tear's key image";
  EXPECT_EQ(srtest::dciodvfyErrors((exports / "provocation-report.dcm").string()).size(), 0u);
}

}  // namespace
}  // namespace annulo
