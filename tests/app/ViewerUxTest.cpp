// What a clinician sees, under Xvfb: tears that stand out from the automatic leak
// paths (also as ghosts on nearby frames), no text cut off at either window size,
// orientation letters, a failed open that keeps the study, a quiet idle loop.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/phantom/Phantom.h"
#include "annulo/render/ViewTransform.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using Rgb = itk::RGBPixel<std::uint8_t>;
using RgbImage = itk::Image<Rgb, 2>;

bool haveXvfb() { return test::runCommand("command -v xvfb-run > /dev/null") == 0; }

struct Picture {
  RgbImage::Pointer image;
  nlohmann::json side;
  int rc = -1;
  std::string out;
  Rgb at(double x, double y) const {
    return image->GetPixel({{itk::IndexValueType(std::lround(x)), itk::IndexValueType(std::lround(y))}});
  }
  Vec2 toScreen(Vec2 p) const {
    ViewState s;
    s.zoom = side["zoom"];
    s.panX = side["pan"][0];
    s.panY = side["pan"][1];
    const ViewGeometry g{side["view"]["width"], side["view"]["height"], side["image"]["columns"], side["image"]["rows"],
                         side["image"]["pixel_aspect"]};
    const Vec2 q = imageToScreen(s, g, p);
    return {q[0] + side["view"]["x"].get<double>(), q[1] + side["view"]["y"].get<double>()};
  }
  // The most frequent non-grey colour within r screen pixels of p (the mark drawn there).
  int colouredPixels(Vec2 p, int r, bool (*pred)(const Rgb&)) const {
    int n = 0;
    for (int dy = -r; dy <= r; ++dy)
      for (int dx = -r; dx <= r; ++dx) n += pred(at(p[0] + dx, p[1] + dy)) ? 1 : 0;
    return n;
  }
};

// The tear palette's colour for L4-L5 (magenta-pink) and the leak paths' amber.
// Full strength: red and blue far above green; a ghost (40 % over grey): clearly above, not far.
bool tearPink(const Rgb& c) { return int(c[0]) - c[1] > 120 && int(c[2]) - c[1] > 100; }
bool faintPink(const Rgb& c) { return int(c[0]) - c[1] > 25 && int(c[2]) - c[1] > 25 && !tearPink(c); }
bool amber(const Rgb& c) { return c[0] > 200 && c[1] > 130 && c[1] < 215 && c[2] < 90; }

class ViewerUx : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveXvfb()) ANNULO_SKIP_MISSING("xvfb-run not installed");
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = *t;
  }

  Picture run(const std::string& script, const std::string& size = "1400x900") {
    const std::string png = (dir_ / "shot.png").string(), file = (dir_ / "script.txt").string();
    std::ofstream(file) << script << "screenshot " << png << "\n";
    Picture p;
    p.rc = test::runCommand("XDG_DATA_HOME=" + (dir_ / "xdg").string() + " XDG_CONFIG_HOME=" + (dir_ / "cfg").string() +
                                " " + test::xvfbRun() + std::string(ANNULO_VIEWER) + " --size " + size + " --script " +
                                file + " 2>&1",
                            &p.out);
    auto reader = itk::ImageFileReader<RgbImage>::New();
    reader->SetFileName(png);
    reader->Update();
    p.image = reader->GetOutput();
    std::ifstream in(png + ".json");
    in >> p.side;
    return p;
  }

  std::string reading(int frame) const {
    return "open " + (test::sourceDir() / "sample_data").string() + "\nseries " + truth_.xa.seriesInstanceUid +
           "\nsegment " + std::to_string(truth_.xa.needleTip[0]) + "," + std::to_string(truth_.xa.needleTip[1]) +
           "\nreader Test^Reader\ntear level=L4-L5 type=radial grade=3 frame=40 point=" + tear() + "\nframe " +
           std::to_string(frame) + "\n";
  }
  // A point between the two leak paths' tips, on anatomy (not on a drawn label).
  std::string tear() const { return "300,300"; }

  PhantomTruth truth_;
  test::TempDir dir_;
};

TEST_F(ViewerUx, ATearDiffersFromTheLeakPathsAndStaysFaintlyOnNearbyFrames) {
  const Picture on = run(reading(40));
  ASSERT_EQ(on.rc, 0) << on.out;
  const Vec2 mark = on.toScreen({300, 300});
  // The point mark is a ring of radius 7 around the tear's pixel: the tear colour there.
  EXPECT_GT(on.colouredPixels(mark, 9, tearPink), 20) << "no tear colour at the tear";
  EXPECT_EQ(on.colouredPixels(mark, 9, amber), 0) << "the tear is drawn in the leak paths' colour";
  // The leak paths are amber where they are, and not pink.
  int amberPixels = 0;
  for (int y = 0; y < int(on.side["view"]["height"]); y += 2)
    for (int x = 0; x < int(on.side["view"]["width"]); x += 2)
      amberPixels += amber(on.at(on.side["view"]["x"].get<double>() + x, on.side["view"]["y"].get<double>() + y));
  EXPECT_GT(amberPixels, 30) << "no leak path drawn";

  const Picture near = run(reading(37));  // 3 frames away: a ghost
  const int ghost = near.colouredPixels(near.toScreen({300, 300}), 9, faintPink);
  EXPECT_GT(ghost, 10) << "no ghost on a nearby frame";
  EXPECT_EQ(near.colouredPixels(near.toScreen({300, 300}), 9, tearPink), 0) << "the ghost is not faint";
  const Picture far = run(reading(25));  // 15 frames away: nothing
  EXPECT_LT(far.colouredPixels(far.toScreen({300, 300}), 9, faintPink), 3);
}

TEST_F(ViewerUx, NoTextIsCutOffInAnyLayoutTabOrWindowSize) {
  const std::string mr = "series " + truth_.mr.seriesInstanceUid + "\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2d segment", reading(40)},
      {"2d tears", reading(40) + "tab tears\n"},
      {"2d measure", reading(40) + "tab measure\n"},
      {"2d report", reading(40) + "tab report\n"},
      {"2d provocation", reading(40) + "provocation level=L4-L5 opening-psi=12 pain-psi=34 peak-psi=60 volume-ml=1.8 "
                                       "pain=8 concordance=concordant\ntab provocation\n"},
      {"mpr", reading(40) + mr + "hiz\nlayout mpr\n"},
      {"3d", reading(40) + "layout 3d\n"},
  };
  for (const std::string size : {"1400x900", "1280x720"})
    for (const auto& [name, script] : cases) {
      const Picture p = run(script, size);
      ASSERT_EQ(p.rc, 0) << name << " " << size << ": " << p.out;
      EXPECT_TRUE(p.side["clipped_text"].empty()) << name << " at " << size << ": " << p.side["clipped_text"].dump();
    }
}

TEST_F(ViewerUx, EveryViewShowsOrientationLetters) {
  const Picture p = run("open " + (test::sourceDir() / "sample_data").string() + "\nseries " +
                        truth_.mr.seriesInstanceUid + "\nlayout mpr\n");
  ASSERT_EQ(p.rc, 0) << p.out;
  // The sample MR is sagittal: anterior left, posterior right, head up.
  EXPECT_EQ(p.side["orientation"][0], nlohmann::json({"A", "P", "H", "F"}));
  for (int v = 1; v <= 2; ++v)
    for (int e = 0; e < 4; ++e) EXPECT_FALSE(p.side["orientation"][v][e].get<std::string>().empty()) << v << " " << e;
  // The XA has no geometry, only Patient Orientation (P\F): posterior right, feet down.
  const Picture xa = run("open " + (test::sourceDir() / "sample_data").string() + "\n");
  EXPECT_EQ(xa.side["orientation"][0], nlohmann::json({"A", "P", "H", "F"}));
}

TEST_F(ViewerUx, AFailedOpenKeepsTheStudyThatIsOpen) {
  std::filesystem::create_directories(dir_ / "nothing");
  std::ofstream(dir_ / "nothing/readme.txt") << "not DICOM";
  const Picture p =
      run("open " + (test::sourceDir() / "sample_data").string() + "\nopen " + (dir_ / "nothing").string() + "\n");
  EXPECT_EQ(p.rc, 1) << p.out;  // the failed step is reported
  EXPECT_EQ(p.side["series_uid"], truth_.xa.seriesInstanceUid) << "the open study was thrown away";
  EXPECT_EQ(p.side["series_count"], 2);
  EXPECT_NE(p.side["load_error"].get<std::string>().find("no usable image series"), std::string::npos);
  std::ifstream recent(dir_ / "xdg/annulo/recent.txt");
  std::string all((std::istreambuf_iterator<char>(recent)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.find("nothing"), std::string::npos) << "a failed open went into Recent: " << all;
  EXPECT_NE(all.find("sample_data"), std::string::npos);
}

// Issue 12: a window destroyed from outside (xdotool windowclose; a session killing the
// window without WM_DELETE_WINDOW) ends the viewer cleanly instead of Xlib's
// "X Error of failed request: BadWindow/BadDrawable" and exit(1).
TEST_F(ViewerUx, AWindowClosedFromOutsideEndsTheViewerCleanly) {
  ANNULO_REQUIRE_TOOL("xdotool");
  const std::string script = (dir_ / "close.sh").string();
  std::ofstream(script) << "XDG_DATA_HOME=" << (dir_ / "xdg").string() << " XDG_CONFIG_HOME=" << (dir_ / "cfg").string()
                        << " " << ANNULO_VIEWER << " " << (test::sourceDir() / "sample_data").string() << " &\n"
                        << "p=$!\n"
                        << "for i in $(seq 200); do w=$(xdotool search --name '[Aa]nnulo' | head -1); "
                           "[ -n \"$w\" ] && break; sleep 0.05; done\n"
                        << "sleep 1\n"  // the study is open and frames are drawn
                        << "xdotool windowclose \"$w\"\n"
                        << "wait $p\n"
                        << "echo \"viewer exit $?\"\n";
  std::string out;
  ASSERT_EQ(test::runCommand(test::xvfbRun() + "sh " + script + " 2>&1", &out), 0) << out;
  EXPECT_NE(out.find("viewer exit 0"), std::string::npos) << out;
  EXPECT_EQ(out.find("X Error"), std::string::npos) << out;
  EXPECT_NE(out.find("closed from outside"), std::string::npos) << out;
}

TEST_F(ViewerUx, IdleCostsLessThanTwoPercentOfACore) {
  std::string out;
  ASSERT_EQ(test::runCommand(test::xvfbRun() + std::string(ANNULO_VIEWER) + " " +
                                 (test::sourceDir() / "sample_data").string() + " --bench idle 2>&1",
                             &out),
            0)
      << out;
  const auto at = out.find("idle (10 s");
  ASSERT_NE(at, std::string::npos) << out;
  const double percent = std::atof(out.c_str() + out.find(": ", at) + 2);
  EXPECT_LT(percent, 2.0) << out;
}

}  // namespace
}  // namespace annulo
