// annulo-cli export-sr / show-sr as scripts use them: exit codes, the files
// written, and the JSON shape of show-sr.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileWriter.h>

#include <nlohmann/json.hpp>

#include "SrFixtures.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/sr/LabelMap.h"

namespace annulo {
namespace {

using srtest::phantom;

int cli(const std::string& args, std::string* out = nullptr) {
  return test::runCommand(test::cliPath() + " " + args + " 2>&1", out);
}

std::string shellArg(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// The label map a `segment` run writes: uint8 NRRD, columns x rows x frames.
void writeLabels(const std::string& path, const XaTruth& xa) {
  using Image = itk::Image<std::uint8_t, 3>;
  auto image = Image::New();
  Image::SizeType size{{std::size_t(xa.columns), std::size_t(xa.rows), std::size_t(xa.frames)}};
  image->SetRegions(size);
  image->Allocate();
  std::uint8_t* out = image->GetBufferPointer();
  for (int f = 1; f <= xa.frames; ++f) {
    const auto frame = phantomLabelMap(xa, f);
    std::copy(frame.begin(), frame.end(), out + std::size_t(f - 1) * frame.size());
  }
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetFileName(path);
  writer->SetInput(image);
  writer->Update();
}

std::string sopInstanceUid(const std::string& path) {
  DcmFileFormat file;
  OFString uid;
  if (file.loadFile(path.c_str()).good()) file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  return uid.c_str();
}

class SrCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ANNULO_REQUIRE_PHANTOM();
    session_ = (dir_ / "session.json").string();
    ASSERT_TRUE(saveSession(srtest::sampleSession(phantom()), session_).ok());
  }
  test::TempDir dir_;
  std::string session_;
};

TEST_F(SrCli, ExportsReportSegmentationAndPresentationState) {
  const auto labels = dir_ / "labels.nrrd";
  writeLabels(labels.string(), phantom().truth.xa);
  std::string out;
  ASSERT_EQ(
      cli("export-sr " + shellArg(session_) + " -o " + shellArg(dir_ / "r.dcm") + " --seg " +
              shellArg(dir_ / "seg.dcm") + " --labels " + shellArg(labels) + " --gsps " + shellArg(dir_ / "pr.dcm"),
          &out),
      0)
      << out;
  for (const char* f : {"r.dcm", "seg.dcm", "pr.dcm"}) EXPECT_TRUE(std::filesystem::exists(dir_ / f)) << f;

  ASSERT_EQ(cli("show-sr " + shellArg(dir_ / "r.dcm") + " --json", &out), 0) << out;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["tears"].size(), 4u);
  const auto& t1 = j["tears"][0];
  EXPECT_EQ(t1["id"], "T1");
  EXPECT_EQ(t1["level"], "L4-L5");
  EXPECT_EQ(t1["type"], "radial");
  EXPECT_EQ(t1["grade"], 3);
  EXPECT_EQ(t1["clock"], 6);
  EXPECT_EQ(t1["zone"], "central");
  EXPECT_EQ(t1["frame"], 9);
  EXPECT_EQ(t1["geometry"]["kind"], "point");
  EXPECT_EQ(t1["referenced_sop_instance_uid"], phantom().truth.xa.sopInstanceUid);
  EXPECT_EQ(t1["leak_figures"]["segmentation_sop_instance_uid"], sopInstanceUid((dir_ / "seg.dcm").string()));
  EXPECT_EQ(j["tears"][1]["clock"], nullptr);
  EXPECT_EQ(j["tears"][2]["geometry"]["kind"], "polygon");
  EXPECT_EQ(j["tears"][2]["geometry"]["points"].size(), 5u);
  EXPECT_EQ(j["tears"][3]["geometry"]["kind"], "point3d");
  EXPECT_TRUE(j["unmapped"].empty()) << j["unmapped"].dump();
}

TEST_F(SrCli, ShowSrPrintsTearsAsText) {
  ASSERT_EQ(cli("export-sr " + shellArg(session_) + " -o " + shellArg(dir_ / "r.dcm")), 0);
  std::string out;
  ASSERT_EQ(cli("show-sr " + shellArg(dir_ / "r.dcm"), &out), 0) << out;
  EXPECT_NE(out.find("4 tear(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("T3  L3-L4 complex grade 5"), std::string::npos) << out;
}

TEST_F(SrCli, SegWithoutLabelsIsAUsageErrorThatSaysWhy) {
  std::string out;
  EXPECT_EQ(
      cli("export-sr " + shellArg(session_) + " -o " + shellArg(dir_ / "r.dcm") + " --seg " + shellArg(dir_ / "s.dcm"),
          &out),
      2);
  EXPECT_NE(out.find("--seg needs --labels"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "r.dcm"));
  EXPECT_EQ(cli("export-sr " + shellArg(session_), &out), 2) << out;
  EXPECT_EQ(cli("export-sr -o x.dcm", &out), 2) << out;
  EXPECT_EQ(cli("show-sr", &out), 2) << out;
}

TEST_F(SrCli, LabelMapOfAnotherSizeFails) {
  XaTruth small = phantom().truth.xa;
  small.frames = 3;  // 128 x 128 x 3 matches no series
  writeLabels((dir_ / "small.nrrd").string(), small);
  std::string out;
  EXPECT_EQ(cli("export-sr " + shellArg(session_) + " -o " + shellArg(dir_ / "r.dcm") + " --seg " +
                    shellArg(dir_ / "s.dcm") + " --labels " + shellArg(dir_ / "small.nrrd"),
                &out),
            1);
  EXPECT_NE(out.find("128 x 128 x 3"), std::string::npos) << out;
}

TEST_F(SrCli, ShowSrOfSomethingElseFails) {
  std::string out;
  EXPECT_EQ(cli("show-sr " + shellArg(dir_ / "missing.dcm"), &out), 1) << out;
  EXPECT_EQ(cli("show-sr " + shellArg(phantom().xa->slices[0].file), &out), 1) << out;
  EXPECT_NE(out.find("not a DICOM Structured Report"), std::string::npos) << out;
}

TEST(SrLabelMap, ReadsWhatTheSegmentCommandWrites) {
  ANNULO_REQUIRE_PHANTOM();
  test::TempDir dir;
  const std::string path = (dir / "l.nrrd").string();
  writeLabels(path, phantom().truth.xa);
  auto map = readLabelMap(path);
  ASSERT_TRUE(map.ok()) << map.message();
  EXPECT_EQ(map->columns, 128);
  EXPECT_EQ(map->rows, 128);
  EXPECT_EQ(map->frames, 12);
  const auto frame7 = phantomLabelMap(phantom().truth.xa, 7);
  EXPECT_TRUE(std::equal(frame7.begin(), frame7.end(), map->labels.begin() + 6 * frame7.size()));
}

TEST(SrLabelMap, RejectsOtherPixelTypes) {
  test::TempDir dir;
  using Image = itk::Image<float, 3>;
  auto image = Image::New();
  image->SetRegions(Image::SizeType{{4, 4, 2}});
  image->Allocate(true);
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetFileName((dir / "f.nrrd").string());
  writer->SetInput(image);
  writer->Update();
  auto map = readLabelMap((dir / "f.nrrd").string());
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.message().find("unsigned 8-bit"), std::string::npos) << map.message();
  EXPECT_FALSE(readLabelMap((dir / "none.nrrd").string()).ok());
}

}  // namespace
}  // namespace annulo
