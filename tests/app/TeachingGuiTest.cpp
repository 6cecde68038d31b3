// The viewer's Teach tab under Xvfb, through the script runner: the rectangle tool
// (two clicks on the image) fills the blanking rectangles, "teaching-case" runs the
// one background job type the button starts (writeTeachingCase), and the panel
// shows the run's outcome and its warnings (FileOutcome::warnings: burned-in text).

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/dicom/DisplayImage.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/render/ViewTransform.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;
using RgbImage = itk::Image<itk::RGBPixel<std::uint8_t>, 2>;

struct Picture {
  int rc = -1;
  std::string out;
  RgbImage::Pointer image;
  nlohmann::json side;
  // Window pixels of an image point of the 2D view.
  Vec2 toScreen(Vec2 image) const {
    ViewState s;
    s.zoom = side["zoom"];
    s.panX = side["pan"][0];
    s.panY = side["pan"][1];
    const ViewGeometry g{side["view"]["width"], side["view"]["height"], side["image"]["columns"], side["image"]["rows"],
                         side["image"]["pixel_aspect"]};
    const Vec2 p = imageToScreen(s, g, image);
    return {p[0] + side["view"]["x"].get<double>(), p[1] + side["view"]["y"].get<double>()};
  }
};

class TeachingGui : public ::testing::Test {
 protected:
  void SetUp() override {
    ANNULO_REQUIRE_TOOL("xvfb-run");
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = *t;
  }

  Picture run(const std::string& script) {
    const std::string png = (dir_ / "shot.png").string(), file = (dir_ / "script.txt").string();
    std::ofstream(file) << script << "screenshot " << png << "\n";
    Picture p;
    p.rc = test::runCommand("XDG_DATA_HOME=" + (dir_ / "xdg").string() + " XDG_CONFIG_HOME=" + (dir_ / "cfg").string() +
                                " " + test::xvfbRun() + std::string(ANNULO_VIEWER) + " --size 1400x900 --script " +
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

  std::string opened() const {
    return "open " + (test::sourceDir() / "sample_data").string() + "\nseries " + truth_.xa.seriesInstanceUid +
           "\nframe 16\ntab teach\n";
  }
  std::string reading() const {
    char tear[160];
    std::snprintf(tear, sizeof tear, "tear level=L4-L5 type=radial grade=3 clock=4 frame=16 point=%.1f,%.1f\n",
                  truth_.xa.tears.at(0).exitPoint[0], truth_.xa.tears.at(0).exitPoint[1]);
    return "open " + (test::sourceDir() / "sample_data").string() + "\nseries " + truth_.xa.seriesInstanceUid +
           "\nsegment " + std::to_string(truth_.xa.needleTip[0]) + "," + std::to_string(truth_.xa.needleTip[1]) +
           "\nreader Test^Reader\n" + tear + "frame 16\ntab teach\n";
  }

  test::TempDir dir_;
  PhantomTruth truth_;
};

// Orange-ish warning text of the panel (ImVec4(1, .65, .2)) right of the view.
long warningInk(const Picture& p) {
  const auto size = p.image->GetLargestPossibleRegion().GetSize();
  const long x0 = long(p.side["view"]["x"].get<double>() + p.side["view"]["width"].get<double>());
  long n = 0;
  for (long y = 0; y < long(size[1]); ++y)
    for (long x = x0; x < long(size[0]); ++x) {
      const auto q = p.image->GetPixel({{x, y}});
      if (q[0] > 200 && q[1] > 120 && q[1] < 190 && q[2] < 90) ++n;
    }
  return n;
}

TEST_F(TeachingGui, MakeTeachingCaseShowsTheBurnedInTextWarning) {
  const std::string caseDir = (dir_ / "case").string();
  Picture p = run(reading() + "teaching-case " + caseDir + "\n");
  ASSERT_EQ(p.rc, 0) << p.out;
  const auto& t = p.side["teaching"];
  EXPECT_NE(t["message"].get<std::string>().find("teaching case written"), std::string::npos) << t.dump();
  EXPECT_NE(t["message"].get<std::string>().find("1 cine(s)"), std::string::npos) << t.dump();
  EXPECT_NE(t["message"].get<std::string>().find("leak-area plot"), std::string::npos) << t.dump();
  EXPECT_EQ(t["index"], caseDir + "/index.html");
  ASSERT_FALSE(t["warnings"].empty()) << t.dump();
  EXPECT_NE(t["warnings"][0].get<std::string>().find("Burned In Annotation"), std::string::npos) << t.dump();
  EXPECT_GT(warningInk(p), 150) << "the warning is not on the panel";
  EXPECT_TRUE(p.side["clipped_text"].empty()) << p.side["clipped_text"].dump();
  // The sample's cine, decoded by FFmpeg: as many frames as the source.
  ASSERT_TRUE(fs::exists(caseDir + "/cine/1.webm"));
  if (test::haveTool("ffprobe")) {
    std::string frames;
    ASSERT_EQ(test::runCommand("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                               "stream=nb_read_frames -of csv=p=0 '" +
                                   caseDir + "/cine/1.webm' 2>&1",
                               &frames),
              0)
        << frames;
    EXPECT_EQ(std::stoi(frames), truth_.xa.frames) << frames;
  }
  EXPECT_TRUE(fs::exists(caseDir + "/plots/leak-area.png"));
  EXPECT_TRUE(fs::exists(caseDir + "/dicom/reports/seg.dcm")) << "the segmentation's labels are not in the case";
  // The viewer's key is kept beside its settings, owner-only.
  const fs::path key = dir_ / "cfg/annulo/teaching.key";
  ASSERT_TRUE(fs::exists(key));
  EXPECT_EQ(fs::status(key).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST_F(TeachingGui, TheRectangleToolBlanksEveryFrameOfTheCase) {
  Picture first = run(opened());
  ASSERT_EQ(first.rc, 0) << first.out;
  // Corners of image pixels (20,20) and (160,50): burned-in text sits in such a corner.
  const Vec2 a = first.toScreen({20, 20}), b = first.toScreen({160, 50});
  char clicks[160];
  std::snprintf(clicks, sizeof clicks, "tool blank\nclick %.2f,%.2f\nclick %.2f,%.2f\n", a[0], a[1], b[0], b[1]);
  const std::string caseDir = (dir_ / "case").string();
  Picture p = run(reading() + clicks + "teaching-case " + caseDir + "\n");
  ASSERT_EQ(p.rc, 0) << p.out;
  const auto& blanks = p.side["teaching"]["blanks"];
  ASSERT_EQ(blanks.size(), 1u) << p.side["teaching"].dump();
  EXPECT_EQ(blanks[0], nlohmann::json::array({20, 20, 141, 31}));
  // The rectangle is drawn on the view: dark inside, its red edge.
  const Vec2 mid = p.toScreen({90, 35}), edge = p.toScreen({90, 19.5});
  const auto in = p.image->GetPixel({{long(mid[0]), long(mid[1])}});
  EXPECT_LT(int(in[0]) + in[1] + in[2], 200) << "no blanked box on the view";
  bool red = false;
  for (int dy = -2; dy <= 2; ++dy) {
    const auto q = p.image->GetPixel({{long(edge[0]), long(edge[1]) + dy}});
    red = red || (q[0] > 180 && q[1] < 100 && q[2] < 100);
  }
  EXPECT_TRUE(red) << "no red edge";
  // The case's images: the XA written as a derived series, the rectangle black in every frame.
  LoadOptions lo;
  auto loaded = loadSeries(caseDir + "/dicom", lo);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  const Series* xa = nullptr;
  for (const auto& s : loaded->series)
    if (s.multiFrame) xa = &s;
  ASSERT_NE(xa, nullptr);
  ASSERT_EQ(xa->slices.size(), std::size_t(truth_.xa.frames));
  for (std::size_t f : {std::size_t(0), xa->slices.size() - 1}) {
    const DisplayImage img = renderSlice(*xa, f);
    auto at = [&](int x, int y) { return img.pixels[std::size_t(y * img.width + x) * std::size_t(img.channels)]; };
    EXPECT_EQ(at(20, 20), 0) << "frame " << f + 1;
    EXPECT_EQ(at(160, 50), 0) << "frame " << f + 1;
    EXPECT_GT(at(170, 35), 40) << "frame " << f + 1 << ": blanked outside the rectangle";
    EXPECT_GT(at(90, 60), 40) << "frame " << f + 1 << ": blanked outside the rectangle";
  }
  std::string dump;
  ASSERT_EQ(test::runCommand("dcmdump +P 0008,0008 +P 0008,2111 '" + xa->slices[0].file + "' 2>&1", &dump), 0);
  EXPECT_NE(dump.find("DERIVED"), std::string::npos) << dump;
  EXPECT_NE(dump.find("20,20"), std::string::npos) << dump;  // DerivationDescription names the rectangle
}

// "De-identify study": every file of the open study, through the same kind of job.
TEST_F(TeachingGui, DeidentifyStudyWritesTheWholeStudyAndListsItsNotes) {
  const std::string out = (dir_ / "deid").string();
  Picture p = run(opened() + "deidentify " + out + "\n");
  ASSERT_EQ(p.rc, 0) << p.out;
  const auto& t = p.side["teaching"];
  // sample_data: 15 MR slices and the XA cine written; truth.json is not DICOM.
  EXPECT_NE(t["deid"].get<std::string>().find("16 file(s) written, 1 refused"), std::string::npos) << t.dump();
  ASSERT_FALSE(t["deid_notes"].empty()) << t.dump();
  EXPECT_GT(warningInk(p), 150) << "the notes are not on the panel";
  EXPECT_TRUE(p.side["clipped_text"].empty()) << p.side["clipped_text"].dump();
  int written = 0;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (!e.is_regular_file()) continue;
    ++written;
    std::string dump;
    ASSERT_EQ(test::runCommand("dcmdump +P 0010,0010 +P 0012,0062 '" + e.path().string() + "' 2>&1", &dump), 0);
    EXPECT_EQ(dump.find("PHANTOM"), std::string::npos) << e.path() << dump;
    EXPECT_NE(dump.find("YES"), std::string::npos) << e.path() << dump;  // PatientIdentityRemoved
  }
  EXPECT_EQ(written, 16);
}

}  // namespace
}  // namespace annulo
