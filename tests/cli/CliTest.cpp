// annulo-cli as scripts use it: exit codes, JSON shapes and the files it writes.

#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmimgle/dipixel.h>
#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <itkPNGImageIO.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::runCommand;
using test::TempDir;

std::string cli() { return test::cliPath(); }

int run(const std::string& args, std::string* out = nullptr) { return runCommand(cli() + " " + args + " 2>&1", out); }

class CliOnPhantom : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    PhantomOptions o;
    o.seed = 11;
    o.xaSize = 128;
    o.xaFrames = 12;
    o.mrSize = 64;
    o.mrSlices = 5;
    auto t = writePhantom(o, dir_->path().string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = new PhantomTruth(*t);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete truth_;
  }
  static std::string path() { return dir_->path().string(); }
  static TempDir* dir_;
  static PhantomTruth* truth_;
};
TempDir* CliOnPhantom::dir_ = nullptr;
PhantomTruth* CliOnPhantom::truth_ = nullptr;

TEST_F(CliOnPhantom, InfoJsonListsBothSeriesAndTheirGeometry) {
  std::string out;
  ASSERT_EQ(runCommand(cli() + " info " + path() + " --json", &out), 0) << out;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["series"].size(), 2u);
  bool sawXa = false, sawMr = false;
  for (const auto& s : j["series"]) {
    if (s["modality"] == "XA") {
      sawXa = true;
      EXPECT_EQ(s["series_uid"], truth_->xa.seriesInstanceUid);
      EXPECT_EQ(s["dims"], nlohmann::json({128, 128, 12}));
      EXPECT_EQ(s["calibration"]["kind"], "magnification-corrected");
      EXPECT_NEAR(s["frame_time_ms"].get<double>(), truth_->xa.frameTimeMs, 1e-6);
    } else {
      sawMr = true;
      EXPECT_EQ(s["dims"], nlohmann::json({64, 64, 5}));
      EXPECT_NEAR(s["spacing"][2].get<double>(), truth_->mr.sliceSpacingMm, 1e-6);
    }
  }
  EXPECT_TRUE(sawXa && sawMr);
  // truth.json sits beside the images and is reported, not silently skipped.
  ASSERT_EQ(j["rejected"].size(), 1u);
  EXPECT_NE(j["rejected"][0]["reason"].get<std::string>().find("not a DICOM file"), std::string::npos);
}

// Modality values of every frame of one file as plain DCMTK decodes them
// (DicomImage applies the Modality LUT itself): an oracle independent of our loader.
struct DcmtkStats {
  double sum = 0, min = INFINITY, max = -INFINITY;
  std::size_t count = 0;
};
DcmtkStats dcmtkStats(const std::string& file) {
  DcmtkStats st;
  DicomImage all(file.c_str());
  EXPECT_EQ(all.getStatus(), EIS_Normal) << file;
  for (unsigned long f = 0; f < all.getFrameCount(); ++f) {
    DicomImage frame(file.c_str(), CIF_UsePartialAccessToPixelData, f, 1);
    const DiPixel* px = frame.getInterData();
    if (!px) {
      ADD_FAILURE() << "DCMTK did not decode frame " << f + 1 << " of " << file;
      return st;
    }
    for (unsigned long i = 0; i < px->getCount(); ++i) {
      double v = 0;
      switch (px->getRepresentation()) {
        case EPR_Uint8:
          v = static_cast<const Uint8*>(px->getData())[i];
          break;
        case EPR_Sint8:
          v = static_cast<const Sint8*>(px->getData())[i];
          break;
        case EPR_Uint16:
          v = static_cast<const Uint16*>(px->getData())[i];
          break;
        case EPR_Sint16:
          v = static_cast<const Sint16*>(px->getData())[i];
          break;
        case EPR_Uint32:
          v = static_cast<const Uint32*>(px->getData())[i];
          break;
        case EPR_Sint32:
          v = static_cast<const Sint32*>(px->getData())[i];
          break;
      }
      st.sum += v;
      st.min = std::min(st.min, v);
      st.max = std::max(st.max, v);
      ++st.count;
    }
  }
  return st;
}

TEST_F(CliOnPhantom, StatsJsonMatchesThePixelsDcmtkDecodes) {
  std::string out;
  ASSERT_EQ(runCommand(cli() + " stats " + path() + "/xa --json", &out), 0) << out;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["series"].size(), 1u);
  const DcmtkStats st = dcmtkStats(path() + "/xa/annulogram.dcm");
  ASSERT_EQ(st.count, 128u * 128 * 12);
  const auto& s = j["series"][0];
  EXPECT_EQ(s["series_uid"], truth_->xa.seriesInstanceUid);
  EXPECT_DOUBLE_EQ(s["sum"].get<double>(), st.sum);
  EXPECT_DOUBLE_EQ(s["min"].get<double>(), st.min);
  EXPECT_DOUBLE_EQ(s["max"].get<double>(), st.max);
  EXPECT_NEAR(s["mean"].get<double>(), st.sum / (128.0 * 128 * 12), 1e-9);
  EXPECT_GE(s["load_ms"].get<double>(), 0);
  for (const char* key : {"modality", "dims", "spacing", "origin"}) EXPECT_TRUE(s.contains(key)) << key;
}

TEST_F(CliOnPhantom, ExportPngWritesTheRequestedFrame) {
  TempDir out;
  const std::string png = (out / "f.png").string();
  std::string text;
  ASSERT_EQ(run("export-png " + path() + "/xa --frame 12 --window 128,256 -o " + png, &text), 0) << text;
  ASSERT_TRUE(std::filesystem::exists(png));
  // Decoded by ITK's PNG reader, compared with frame 12 windowed by DCMTK
  // (DicomImage::setWindow, PS3.3 C.11.2.1.2) from the DICOM file itself.
  using Png = itk::Image<std::uint8_t, 2>;
  auto reader = itk::ImageFileReader<Png>::New();
  reader->SetImageIO(itk::PNGImageIO::New());
  reader->SetFileName(png);
  ASSERT_NO_THROW(reader->Update());
  const Png* decoded = reader->GetOutput();
  ASSERT_EQ(decoded->GetLargestPossibleRegion().GetSize()[0], 128u);
  ASSERT_EQ(decoded->GetLargestPossibleRegion().GetSize()[1], 128u);
  auto windowed = [&](unsigned long frame) {
    DicomImage img((path() + "/xa/annulogram.dcm").c_str(), CIF_UsePartialAccessToPixelData, frame, 1);
    EXPECT_EQ(img.getStatus(), EIS_Normal);
    img.setWindow(128, 256);
    const auto* px = static_cast<const Uint8*>(img.getOutputData(8));
    return std::vector<std::uint8_t>(px, px + 128 * 128);
  };
  auto mismatches = [&](const std::vector<std::uint8_t>& want) {
    int bad = 0;
    for (std::size_t i = 0; i < want.size(); ++i)
      if (std::abs(int(decoded->GetBufferPointer()[i]) - int(want[i])) > 1) ++bad;  // rounding of the ramp
    return bad;
  };
  EXPECT_EQ(mismatches(windowed(11)), 0) << "the PNG is frame 12 under window 128/256";
  EXPECT_GT(mismatches(windowed(0)), 100) << "frame 1 must differ, or the test cannot tell frames apart";
  EXPECT_EQ(run("export-png " + path() + "/xa --frame 13 -o " + png, &text), 1) << "frame out of range";
  EXPECT_NE(text.find("out of range"), std::string::npos);
  EXPECT_EQ(run("export-png " + path() + "/xa --window 1 -o " + png), 2);
}

TEST(Cli, ExitCodesFollowTheContract) {
  TempDir dir;
  std::ofstream(dir / "junk.txt") << "not dicom at all, but long enough to look at\n";
  std::string out;
  EXPECT_EQ(run("info " + dir.path().string(), &out), 1) << out;
  EXPECT_NE(out.find("not a DICOM file"), std::string::npos);
  EXPECT_EQ(run("info"), 2);
  EXPECT_EQ(run("info a b"), 2);
  EXPECT_EQ(run("info " + dir.path().string() + " --bogus"), 2);
  EXPECT_EQ(run("nosuchcommand"), 2);
  EXPECT_EQ(run("info /nonexistent/path"), 1);
  test::ImageSpec s;
  test::writeImage(s, (dir / "ok.dcm").string());
  EXPECT_EQ(run("info " + dir.path().string()), 0);
}

TEST_F(CliOnPhantom, AnnotateCreatesListsAndRejectsUnknownValues) {
  TempDir dir;
  const std::string session = (dir / "s.json").string();
  const std::string xa = truth_->xa.seriesInstanceUid;
  std::string out;
  ASSERT_EQ(run("annotate " + session + " --source " + path() +
                    " --add \"level=L4-L5 type=radial grade=3 clock=6 "
                    "zone=central frame=7 point=64,50 series=" +
                    xa + "\"",
                &out),
            0)
      << out;
  EXPECT_EQ(run("annotate " + session + " --add \"level=L4-L5 type=spiral frame=1 point=1,1 series=" + xa + "\"", &out),
            2);
  EXPECT_NE(out.find("radial, concentric, transverse, complex"), std::string::npos) << out;
  EXPECT_EQ(run("annotate " + session + " --add \"level=L4-L5 colour=red point=1,1 series=" + xa + "\"", &out), 2);
  EXPECT_NE(out.find("unknown key 'colour'"), std::string::npos) << out;
  EXPECT_EQ(run("annotate " + session + " --add \"level=L4-L5 frame=7 point=500,500 series=" + xa + "\"", &out), 1);
  EXPECT_NE(out.find("outside"), std::string::npos) << out;
  ASSERT_EQ(runCommand(cli() + " annotate " + session + " --list --json", &out), 0);
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["tears"].size(), 1u);
  const auto& t = j["tears"][0];
  EXPECT_EQ(t["level"], "L4-L5");
  EXPECT_EQ(t["grade"], 3);
  EXPECT_EQ(t["geometry"]["image"]["sop_instance_uid"], truth_->xa.sopInstanceUid);
  EXPECT_EQ(t["geometry"]["image"]["frame"], 7);
  EXPECT_EQ(t["geometry"]["points"][0][0], 64.0);
  ASSERT_EQ(run("annotate " + session + " --remove T1"), 0);
  ASSERT_EQ(runCommand(cli() + " annotate " + session + " --list --json", &out), 0);
  EXPECT_TRUE(nlohmann::json::parse(out)["tears"].empty());
}

TEST_F(CliOnPhantom, AnnotateTakesSeveralTearsAtOnceOrNone) {
  TempDir dir;
  const std::string session = (dir / "s.json").string();
  const std::string xa = truth_->xa.seriesInstanceUid;
  auto add = [&](const std::string& fields) { return " --add \"series=" + xa + " " + fields + "\""; };
  std::string out;
  ASSERT_EQ(run("annotate " + session + " --source " + path() + add("level=L4-L5 frame=7 point=64,50") +
                    add("level=L5-S1 type=concentric frame=8 point=70,52"),
                &out),
            0)
      << out;
  ASSERT_EQ(runCommand(cli() + " annotate " + session + " --list --json", &out), 0);
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["tears"].size(), 2u) << "both --add tears are saved";
  EXPECT_EQ(j["tears"][1]["level"], "L5-S1");
  // One bad --add among good ones: nothing is added.
  EXPECT_EQ(
      run("annotate " + session + add("level=L3-L4 frame=7 point=60,50") + add("level=L3-L4 colour=red point=1,1"),
          &out),
      2);
  ASSERT_EQ(runCommand(cli() + " annotate " + session + " --list --json", &out), 0);
  EXPECT_EQ(nlohmann::json::parse(out)["tears"].size(), 2u);
  // Other options may not be repeated: the first value would be silently lost.
  EXPECT_EQ(run("annotate " + session + " --remove T1 --remove T2", &out), 2);
  EXPECT_NE(out.find("given more than once"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
