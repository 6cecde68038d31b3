// annulo-cli segment / filter / hiz as scripts use them: files written, JSON shapes,
// exit codes and messages for bad input.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkNrrdImageIO.h>

#include <array>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "annulo/phantom/Phantom.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::runCommand;

class SegmentCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    PhantomOptions o;
    o.seed = 13;
    o.xaSize = 192;
    o.xaFrames = 20;
    o.mrSize = 256;
    o.mrSlices = 9;
    auto t = writePhantom(o, (dir_->path() / "in").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = std::make_unique<PhantomTruth>(*t);
  }
  static void TearDownTestSuite() {
    truth_.reset();
    dir_.reset();
  }
  static std::string in() { return (dir_->path() / "in").string(); }
  static std::string out(const std::string& name) { return (dir_->path() / name).string(); }
  static int run(const std::string& args, std::string* output) {
    return runCommand(test::cliPath() + " " + args + " 2>&1", output);
  }
  static std::string seed() {
    std::ostringstream s;
    s << truth_->xa.needleTip[0] << "," << truth_->xa.needleTip[1];
    return s.str();
  }
  static std::unique_ptr<test::TempDir> dir_;
  static std::unique_ptr<PhantomTruth> truth_;
};
std::unique_ptr<test::TempDir> SegmentCli::dir_;
std::unique_ptr<PhantomTruth> SegmentCli::truth_;

TEST_F(SegmentCli, WritesLabelMapAndMeasurements) {
  std::string text;
  ASSERT_EQ(run("segment " + in() + " --seed " + seed() + " -o " + out("seg/result"), &text), 0) << text;
  EXPECT_NE(text.find("leak onset: frame"), std::string::npos) << text;

  std::ifstream f(out("seg/result.json"));
  ASSERT_TRUE(f.good());
  const auto j = nlohmann::json::parse(f);
  for (const char* key : {"leak_onset_frame", "leak_onset_ms", "final_leak_area_mm2", "leak_paths",
                          "disc_outline_estimated", "per_frame", "calibration"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["disc_outline_estimated"], true);
  EXPECT_EQ(j["calibration"]["kind"], "magnification-corrected");
  ASSERT_TRUE(j["leak_onset_frame"].is_number_integer());
  EXPECT_LE(std::abs(j["leak_onset_frame"].get<int>() - truth_->xa.leakOnsetFrame), 1);
  EXPECT_NEAR(j["leak_onset_ms"].get<double>(), (j["leak_onset_frame"].get<int>() - 1) * truth_->xa.frameTimeMs, 1e-6);
  ASSERT_EQ(j["per_frame"].size(), std::size_t(truth_->xa.frames));
  EXPECT_EQ(j["per_frame"][0]["frame"], 1);
  EXPECT_EQ(j["per_frame"].back()["leak_area_mm2"], j["final_leak_area_mm2"]);
  ASSERT_GE(j["leak_paths"].size(), 1u);
  for (const auto& p : j["leak_paths"]) {
    ASSERT_EQ(p["exit_point"].size(), 2u);
    EXPECT_GE(p["clock"].get<int>(), 1);
    EXPECT_LE(p["clock"].get<int>(), 12);
    EXPECT_GE(p["direction_deg"].get<double>(), 0.0);
    EXPECT_LT(p["direction_deg"].get<double>(), 360.0);
  }

  using Image = itk::Image<std::uint8_t, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(itk::NrrdImageIO::New());
  reader->SetFileName(out("seg/result.nrrd"));
  ASSERT_NO_THROW(reader->Update());
  EXPECT_EQ(reader->GetImageIO()->GetComponentType(), itk::IOComponentEnum::UCHAR);
  const auto size = reader->GetOutput()->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size[0], 192u);
  EXPECT_EQ(size[1], 192u);
  EXPECT_EQ(size[2], 20u);
  EXPECT_NEAR(reader->GetOutput()->GetSpacing()[0], truth_->xa.imagerPixelSpacingMm / truth_->xa.magnification, 1e-6);
  // Same leak pixels in the label map as in the JSON's last frame.
  const std::uint8_t* labels = reader->GetOutput()->GetBufferPointer();
  std::size_t leak = 0;
  for (std::size_t i = 0; i < 192u * 192u; ++i) leak += labels[19u * 192u * 192u + i] == 2;
  EXPECT_EQ(leak, j["final_leak_pixels"].get<std::size_t>());
}

TEST_F(SegmentCli, GivenOutlineIsUsedAndReported) {
  std::ostringstream disc;
  const XaTruth& t = truth_->xa;
  std::vector<std::array<double, 2>> given;
  for (int i = 0; i < 36; ++i) {
    const double a = i * 3.14159265358979 / 18;
    // Two decimals on the command line, so the comparison below is exact up to
    // the report's rounding to 3 decimals.
    const double x = std::round(100 * (t.discCenter[0] + t.discRadiusX * std::sin(a))) / 100;
    const double y = std::round(100 * (t.discCenter[1] - t.discRadiusY * std::cos(a))) / 100;
    given.push_back({x, y});
    disc << (i ? ";" : "") << x << "," << y;
  }
  std::string text;
  ASSERT_EQ(
      run("segment " + in() + " --seed " + seed() + " --disc '" + disc.str() + "' --json -o " + out("given"), &text), 0)
      << text;
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["disc_outline_estimated"], false);
  ASSERT_EQ(j["disc_outline"].size(), 36u);
  // The outline used is the one given, vertex by vertex, in order.
  for (std::size_t i = 0; i < 36; ++i) {
    EXPECT_NEAR(j["disc_outline"][i][0].get<double>(), given[i][0], 1e-9) << "vertex " << i;
    EXPECT_NEAR(j["disc_outline"][i][1].get<double>(), given[i][1], 1e-9) << "vertex " << i;
  }
}

TEST_F(SegmentCli, BadInputGivesAClearErrorAndNoCrash) {
  std::string text;
  EXPECT_EQ(run("segment " + in() + " -o " + out("x"), &text), 2);  // no --seed
  EXPECT_NE(text.find("--seed"), std::string::npos);
  EXPECT_EQ(run("segment " + in() + " --seed 12 -o " + out("x"), &text), 2);
  EXPECT_EQ(run("segment " + in() + " --seed 900,50 -o " + out("x"), &text), 1);
  EXPECT_NE(text.find("outside the 192 x 192 image"), std::string::npos) << text;
  EXPECT_EQ(run("segment " + in() + " --seed " + seed() + " --disc '1,1;2,2' -o " + out("x"), &text), 1);
  EXPECT_NE(text.find("disc outline is empty"), std::string::npos) << text;
  EXPECT_EQ(run("segment " + in() + " --seed " + seed() + " --disc ';' -o " + out("x"), &text), 2);
  EXPECT_EQ(run("segment " + in() + "/mr --seed 100,100 -o " + out("x"), &text), 1);  // an MR stack is no cine
  EXPECT_NE(text.find("needs an X-ray cine"), std::string::npos) << text;
}

TEST_F(SegmentCli, SingleFrameSeriesIsRefused) {
  std::string text;
  // A one-frame derived object: the projection of the cine.
  ASSERT_EQ(run("filter " + in() + "/xa --op mip -o " + out("mip.dcm"), &text), 0) << text;
  EXPECT_EQ(run("segment " + out("mip.dcm") + " --seed " + seed() + " -o " + out("x"), &text), 1);
  EXPECT_NE(text.find("at least 2 frames"), std::string::npos) << text;
}

TEST_F(SegmentCli, FilterWritesADerivedSeriesThatInfoLoads) {
  std::string text;
  ASSERT_EQ(run("filter " + in() + "/xa --op subtract --mask-frame 1 -o " + out("dsa.dcm"), &text), 0) << text;
  ASSERT_EQ(run("info " + out("dsa.dcm") + " --json", &text), 0) << text;
  const auto j = nlohmann::json::parse(text);
  ASSERT_EQ(j["series"].size(), 1u);
  EXPECT_EQ(j["series"][0]["modality"], "XA");
  EXPECT_EQ(j["series"][0]["dims"], nlohmann::json({192, 192, 20}));
  EXPECT_EQ(j["series"][0]["study_uid"], truth_->studyInstanceUid);
  EXPECT_NE(j["series"][0]["series_uid"], truth_->xa.seriesInstanceUid);
  EXPECT_EQ(run("filter " + in() + "/xa --op sharpen -o " + out("x.dcm"), &text), 2);
  EXPECT_EQ(run("filter " + in() + "/xa --op median --radius 40 -o " + out("x.dcm"), &text), 1);
  EXPECT_NE(text.find("median radius"), std::string::npos) << text;
}

TEST_F(SegmentCli, HizJsonListsTheCandidateBestFirst) {
  std::string text;
  ASSERT_EQ(run("hiz " + in() + " --json", &text), 0) << text;
  const auto j = nlohmann::json::parse(text);
  ASSERT_GE(j["candidates"].size(), 1u);
  const auto& c = j["candidates"][0];
  EXPECT_EQ(c["slice"], truth_->mr.hizSlice);
  const auto& q = truth_->mr.hizPositionMm;
  const auto p = c["position_mm"].get<std::vector<double>>();
  EXPECT_LE(std::hypot(p[0] - q[0], std::hypot(p[1] - q[1], p[2] - q[2])), 3.0);
  EXPECT_EQ(c["pixel"].size(), 2u);
  EXPECT_TRUE(c["score"].is_number());
  // Issue 11 fields: level with its count method, size, contrast ratios, slices.
  EXPECT_TRUE(c["level"].is_string());
  EXPECT_FALSE(c["level_method"].get<std::string>().empty());
  EXPECT_TRUE(c["level_certain"].is_boolean());
  EXPECT_NEAR(c["size_mm"].get<double>(), 2 * c["radius_mm"].get<double>(), 1e-9);
  EXPECT_NEAR(c["size_mm"].get<double>(), 2 * truth_->mr.hizRadiusMm, 2.0);
  EXPECT_NEAR(c["ratio_to_nucleus"].get<double>(), c["focus"].get<double>() / c["nucleus"].get<double>(), 1e-6);
  EXPECT_GT(c["ratio_to_csf"].get<double>(), 0.5);
  EXPECT_GE(c["slices_seen"].get<int>(), 1);
  EXPECT_TRUE(c["warnings"].is_array());
  EXPECT_EQ(run("hiz " + in() + "/xa", &text), 1);
  EXPECT_NE(text.find("sagittal T2 MR"), std::string::npos) << text;
}

TEST_F(SegmentCli, ReportRunsOneCase) {
  std::string text;
  ASSERT_EQ(run("segment-report --seeds 1 --first-seed 3 --noise 1 --json", &text), 0) << text;
  const auto j = nlohmann::json::parse(text);
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["misses"], 0);
  EXPECT_GE(j["cases"][0]["leak_dice"].get<double>(), 0.9);
  EXPECT_TRUE(j["cases"][0]["hiz_distance_mm"].is_number());
}

}  // namespace
}  // namespace annulo
