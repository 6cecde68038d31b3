// The teaching case's cine, leak-area plot and DICOM objects, on the clean phantom
// with a leak label map held in memory (as the viewer passes it): the cine decoded
// by an independent reader (FFmpeg's ffprobe/ffmpeg) has the source's frames at the
// source's times and shows the leak overlay; the plot is drawn (under Xvfb, through
// the CLI); dciodvfy finds no error in any DICOM object of the bundle.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkRGBPixel.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "annulo/annotation/SessionStore.h"
#include "annulo/teaching/TeachingCase.h"
#include "sr/SrFixtures.h"
#include "support/TestSupport.h"
#include "teaching/Drawing.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;
using RgbImage = itk::Image<itk::RGBPixel<unsigned char>, 2>;

// The leak: a square at columns 90..109, rows 20..39 from frame 6 on (1-based).
constexpr int kLeakX0 = 90, kLeakY0 = 20, kLeakSide = 20, kLeakFirstFrame = 6;

std::shared_ptr<std::vector<std::uint8_t>> leakLabels(const Series& xa) {
  auto labels = std::make_shared<std::vector<std::uint8_t>>(
      std::size_t(xa.columns) * std::size_t(xa.rows) * xa.slices.size(), std::uint8_t(0));
  for (std::size_t f = kLeakFirstFrame - 1; f < xa.slices.size(); ++f)
    for (int y = kLeakY0; y < kLeakY0 + kLeakSide; ++y)
      for (int x = kLeakX0; x < kLeakX0 + kLeakSide; ++x)
        (*labels)[(f * std::size_t(xa.rows) + std::size_t(y)) * std::size_t(xa.columns) + std::size_t(x)] = 2;
  return labels;
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

RgbImage::Pointer readPng(const std::string& path) {
  auto reader = itk::ImageFileReader<RgbImage>::New();
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

// Frame `index` (0-based, decode order) of a movie, decoded by ffmpeg into a PNG.
std::string decodeFrame(const std::string& movie, int index, const fs::path& dir) {
  const std::string png = (dir / ("frame-" + std::to_string(index) + ".png")).string();
  std::string out;
  const int rc = test::runCommand("ffmpeg -v error -y -i '" + movie + "' -vf 'select=eq(n\\," + std::to_string(index) +
                                      ")' -vsync 0 -frames:v 1 '" + png + "' 2>&1",
                                  &out);
  EXPECT_EQ(rc, 0) << out;
  return png;
}

class TeachingCineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ANNULO_REQUIRE_PHANTOM();
    const auto& p = srtest::phantom();
    session_ = srtest::sampleSession(p);
    labels_ = leakLabels(*p.xa);
    options_.deid.key = std::string(32, char(7));
    options_.labels = teaching::CaseLabels{p.xa->columns, p.xa->rows, int(p.xa->slices.size()), labels_, nullptr};
    options_.plot = false;  // drawn in the CLI test under Xvfb
    auto r = teaching::writeTeachingCase(session_, (dir_ / "case").string(), options_);
    ASSERT_TRUE(r.ok()) << r.message();
    result_ = *r;
  }
  test::TempDir dir_;
  Session session_;
  std::shared_ptr<std::vector<std::uint8_t>> labels_;
  teaching::TeachingCaseOptions options_;
  teaching::TeachingCase result_;
};

TEST_F(TeachingCineTest, TheCineHasAsManyFramesAsTheSourceAtItsTimes) {
  ANNULO_REQUIRE_TOOL("ffprobe");
  const Series& xa = *srtest::phantom().xa;
  ASSERT_EQ(result_.cines.size(), 1u);
  EXPECT_EQ(result_.cineFrames, int(xa.slices.size()));
  std::string out;
  ASSERT_EQ(test::runCommand("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                             "stream=codec_name,width,height,nb_read_frames -of default=nw=1 '" +
                                 result_.cines[0] + "' 2>&1",
                             &out),
            0)
      << out;
  EXPECT_NE(out.find("codec_name=vp8"), std::string::npos) << out;
  EXPECT_NE(out.find("width=" + std::to_string(xa.columns)), std::string::npos) << out;
  EXPECT_NE(out.find("height=" + std::to_string(xa.rows)), std::string::npos) << out;
  EXPECT_NE(out.find("nb_read_frames=" + std::to_string(xa.slices.size()) + "\n"), std::string::npos) << out;
  // Each decoded frame's time is the file's (FrameTime / FrameTimeVector), to the ms.
  ASSERT_EQ(test::runCommand("ffprobe -v error -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 '" +
                                 result_.cines[0] + "' 2>&1",
                             &out),
            0)
      << out;
  std::istringstream lines(out);
  std::vector<double> times;
  for (double t; lines >> t;) times.push_back(t * 1000.0);
  ASSERT_EQ(times.size(), xa.slices.size()) << out;
  ASSERT_GT(xa.slices.back().timeMs, xa.slices.front().timeMs) << "the phantom has no frame timing";
  for (std::size_t i = 0; i < times.size(); ++i)
    EXPECT_NEAR(times[i], xa.slices[i].timeMs - xa.slices[0].timeMs, 1.0) << "frame " << i + 1;
}

TEST_F(TeachingCineTest, TheCineShowsTheLeakOverlayFromItsOnset) {
  ANNULO_REQUIRE_TOOL("ffmpeg");
  ASSERT_EQ(result_.cines.size(), 1u);
  const long cx = kLeakX0 + kLeakSide / 2, cy = kLeakY0 + kLeakSide / 2;
  auto orange = [](const RgbImage::PixelType& q) {
    return q[0] > q[1] + 20 && q[1] > q[2] + 20 && int(q[0]) - int(q[2]) > 80;
  };
  auto grey = [](const RgbImage::PixelType& q) { return std::abs(int(q[0]) - int(q[2])) < 25; };
  const auto before = readPng(decodeFrame(result_.cines[0], kLeakFirstFrame - 2, dir_.path()));
  const auto after = readPng(decodeFrame(result_.cines[0], kLeakFirstFrame - 1, dir_.path()));
  const auto last = readPng(decodeFrame(result_.cines[0], int(srtest::phantom().xa->slices.size()) - 1, dir_.path()));
  EXPECT_TRUE(grey(before->GetPixel({{cx, cy}}))) << "frame before the leak is coloured";
  EXPECT_TRUE(orange(after->GetPixel({{cx, cy}}))) << "no leak overlay in the leak's first frame";
  EXPECT_TRUE(orange(last->GetPixel({{cx, cy}}))) << "no leak overlay in the last frame";
  // Outside the square the image stays grey (the overlay is where the labels are).
  EXPECT_TRUE(grey(last->GetPixel({{kLeakX0 - 12, cy}})));
  EXPECT_TRUE(grey(last->GetPixel({{cx, kLeakY0 + kLeakSide + 12}})));
  // The page plays it.
  const std::string page = readText(result_.indexHtml);
  EXPECT_NE(page.find("<video src=\"cine/1.webm\""), std::string::npos);
}

TEST_F(TeachingCineTest, DciodvfyFindsNoErrorInAnyDicomObjectOfTheBundle) {
  ANNULO_REQUIRE_TOOL("dciodvfy");
  int checked = 0;
  bool seg = false;
  for (const auto& e : fs::recursive_directory_iterator(result_.dicomDir)) {
    if (!e.is_regular_file()) continue;
    std::string all;
    const auto errors = srtest::dciodvfyErrors(e.path().string(), &all);
    EXPECT_TRUE(errors.empty()) << e.path() << ":\n" << all;
    seg = seg || all.find("Segmentation") != std::string::npos;
    ++checked;
  }
  // 5 MR slices + the XA cine + SR + SEG + GSPS.
  EXPECT_EQ(checked, 5 + 1 + 3);
  EXPECT_TRUE(seg) << "the labels' SEG is not in the bundle";
}

// The CLI under Xvfb writes the same bundle plus the leak-area plot.
TEST(TeachingCaseCli, UnderXvfbTheBundleHasTheLeakAreaPlot) {
  ANNULO_REQUIRE_PHANTOM();
  ANNULO_REQUIRE_TOOL("xvfb-run");
  const auto& p = srtest::phantom();
  test::TempDir dir;
  const std::string sessionPath = (dir.path() / "session.json").string();
  Session session = srtest::sampleSession(p);
  ASSERT_TRUE(saveSession(session, sessionPath).ok());
  auto labels = leakLabels(*p.xa);
  using LabelImage = itk::Image<unsigned char, 3>;
  auto image = LabelImage::New();
  LabelImage::RegionType region;
  region.SetSize({{unsigned(p.xa->columns), unsigned(p.xa->rows), unsigned(p.xa->slices.size())}});
  image->SetRegions(region);
  image->Allocate();
  std::copy(labels->begin(), labels->end(), image->GetBufferPointer());
  const std::string labelsPath = (dir.path() / "labels.nrrd").string();
  auto writer = itk::ImageFileWriter<LabelImage>::New();
  writer->SetFileName(labelsPath);
  writer->SetInput(image);
  writer->Update();
  const fs::path caseDir = dir.path() / "case";
  std::string out;
  ASSERT_EQ(test::runCommand(test::xvfbRun() + test::cliPath() + " teaching-case '" + sessionPath + "' -o '" +
                                 caseDir.string() + "' --labels '" + labelsPath + "' 2>&1",
                             &out),
            0)
      << out;
  const fs::path plot = caseDir / "plots/leak-area.png";
  ASSERT_TRUE(fs::exists(plot)) << out;
  const auto img = readPng(plot.string());
  const auto size = img->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size[0], 1200u);
  EXPECT_EQ(size[1], 700u);
  long line = 0, onset = 0, ink = 0;
  for (unsigned y = 0; y < size[1]; ++y)
    for (unsigned x = 0; x < size[0]; ++x) {
      const auto q = img->GetPixel({{long(x), long(y)}});
      if (q[0] > 230 && q[1] > 110 && q[1] < 170 && q[2] < 40) ++line;               // the leak's orange
      if (q[0] > 160 && q[0] < 220 && q[1] < 90 && q[2] > 20 && q[2] < 70) ++onset;  // the onset's red
      if (q[0] < 80 && q[1] < 80 && q[2] < 80) ++ink;                                // axes and their text
    }
  EXPECT_GT(line, 500) << "no area curve";
  EXPECT_GT(onset, 100) << "no onset mark";
  EXPECT_GT(ink, 2000) << "no axes or labels";
  const std::string page = readText((caseDir / "index.html").string());
  EXPECT_NE(page.find("plots/leak-area.png"), std::string::npos);
  EXPECT_NE(page.find("cine/1.webm"), std::string::npos);
}

}  // namespace
}  // namespace annulo

namespace annulo {
namespace {

// The job's progress ends at 1 on success; a cancelled run leaves no case behind.
TEST(TeachingCaseJob, ProgressEndsAtOneAndCancelLeavesNothing) {
  ANNULO_REQUIRE_PHANTOM();
  const auto& p = srtest::phantom();
  const Session session = srtest::sampleSession(p);
  test::TempDir dir;
  teaching::TeachingCaseOptions options;
  options.deid.key = std::string(32, char(9));
  options.plot = false;
  std::atomic<float> progress{0};
  options.progress = &progress;
  auto done = teaching::writeTeachingCase(session, (dir.path() / "done").string(), options);
  ASSERT_TRUE(done.ok()) << done.message();
  EXPECT_FLOAT_EQ(progress.load(), 1.0f);

  std::atomic<bool> cancel{true};
  options.cancel = &cancel;
  progress = 0;
  const fs::path stopped = dir.path() / "stopped";
  auto r = teaching::writeTeachingCase(session, stopped.string(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cancelled"), std::string::npos) << r.message();
  EXPECT_LT(progress.load(), 1.0f);
  int left = 0;
  if (fs::exists(stopped))
    for (const auto& e : fs::recursive_directory_iterator(stopped)) left += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(left, 0) << "a cancelled case left files";
}

}  // namespace
}  // namespace annulo

namespace annulo {
namespace {

// deidentify as a job: the fraction of files done reaches 1; cancelled, it writes nothing.
TEST(DeidJob, ProgressReachesOneAndCancelWritesNothing) {
  ANNULO_REQUIRE_PHANTOM();
  const std::string input = srtest::phantom().dir.path().string();
  test::TempDir dir;
  deid::DeidOptions o;
  o.key = std::string(32, char(3));
  std::atomic<float> progress{0};
  o.progress = &progress;
  auto done = deid::deidentify(input, (dir.path() / "done").string(), o);
  ASSERT_TRUE(done.ok()) << done.message();
  EXPECT_GT(done->written(), 0);
  EXPECT_FLOAT_EQ(progress.load(), 1.0f);
  std::atomic<bool> cancel{true};
  o.cancel = &cancel;
  auto r = deid::deidentify(input, (dir.path() / "stopped").string(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cancelled"), std::string::npos) << r.message();
  int left = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path() / "stopped")) left += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(left, 0);
}

}  // namespace
}  // namespace annulo
