// Colour kinds that were refused: RGB with 16 bits per sample (native, planar,
// RLE; single- and multi-frame; BitsStored 12) and uncompressed YBR_FULL_422.
// pydicom writes them and decodes them (tests/dicom/colour_kinds.py); our
// series must hold pydicom's values (16-bit scaled to 8 bits as the series
// warning says, YBR converted to RGB within 1 of pydicom's conversion).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "annulo/dicom/DisplayImage.h"
#include "annulo/dicom/SeriesLoader.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::TempDir;

class ColourKinds : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const std::string script = (test::sourceDir() / "tests" / "dicom" / "colour_kinds.py").string();
    for (const char* python : {"/usr/bin/python3", "python3"}) {
      std::string out;
      if (test::runCommand(std::string(python) + " " + script + " " + dir_->path().string() + " 2>&1", &out) == 0) {
        made_ = true;
        return;
      }
      log_ += out;
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!made_) ANNULO_SKIP_MISSING("pydicom + numpy not available: " << log_);
  }

  static std::string bytesOf(const std::string& name) {
    std::ifstream in(dir_->path() / name, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  static Series load(const std::string& name) {
    auto r = loadSeries((dir_->path() / (name + ".dcm")).string());
    if (!r) throw std::runtime_error(r.message());
    if (r->series.size() != 1)
      throw std::runtime_error(name + ": " + (r->rejected.empty() ? "no series" : r->rejected[0].reason));
    return std::move(r->series[0]);
  }

  // pydicom's 16-bit values, scaled as the loader documents.
  static void expectScaled16(const std::string& name, int frames, int bitsStored) {
    SCOPED_TRACE(name);
    const Series s = load(name);
    const std::string raw = bytesOf(name + ".raw");
    ASSERT_EQ(s.sliceCount(), std::size_t(frames));
    ASSERT_TRUE(s.isColor());
    EXPECT_EQ(s.sampleType, SampleType::UInt8);
    ASSERT_EQ(raw.size(), s.sliceSamples() * s.sliceCount() * 2);
    const double scale = 255.0 / double((1u << bitsStored) - 1);
    std::size_t mismatches = 0;
    for (std::size_t f = 0; f < s.sliceCount(); ++f)
      for (std::size_t i = 0; i < s.sliceSamples(); ++i) {
        const std::size_t k = f * s.sliceSamples() + i;
        const unsigned v = unsigned(std::uint8_t(raw[2 * k])) | unsigned(std::uint8_t(raw[2 * k + 1])) << 8;
        if (s.sliceData(f)[i] != std::lround(v * scale)) ++mismatches;
      }
    EXPECT_EQ(mismatches, 0u);
    // The first pixel is black, full, half in the script.
    EXPECT_EQ(s.sliceData(0)[0], 0);
    EXPECT_EQ(s.sliceData(0)[1], 255);
    EXPECT_EQ(s.sliceData(0)[2], 128);
    bool warned = false;
    for (const auto& w : s.warnings) warned |= w.find("16-bit colour shown at 8 bits per sample") != std::string::npos;
    EXPECT_TRUE(warned);
    const DisplayImage img = renderSlice(s, s.sliceCount() - 1);
    EXPECT_EQ(img.channels, 3);
    EXPECT_EQ(img.pixels[5], s.sliceData(s.sliceCount() - 1)[5]);
  }

  static TempDir* dir_;
  static bool made_;
  static std::string log_;
};
TempDir* ColourKinds::dir_ = nullptr;
bool ColourKinds::made_ = false;
std::string ColourKinds::log_;

TEST_F(ColourKinds, Rgb16SingleFrame) { expectScaled16("rgb16-single", 1, 16); }
TEST_F(ColourKinds, Rgb16MultiFrame) { expectScaled16("rgb16-multi", 3, 16); }
TEST_F(ColourKinds, Rgb16PlanarConfiguration1) { expectScaled16("rgb16-planar", 2, 16); }
TEST_F(ColourKinds, Rgb16With12BitsStored) { expectScaled16("rgb12-multi", 2, 12); }
TEST_F(ColourKinds, Rgb16RleSingleFrame) { expectScaled16("rgb16-rle-1", 1, 16); }
TEST_F(ColourKinds, Rgb16RleMultiFrame) { expectScaled16("rgb16-rle-3", 3, 16); }

TEST_F(ColourKinds, UncompressedYbrFull422MatchesPydicom) {
  const Series s = load("ybr422");
  const std::string raw = bytesOf("ybr422.raw");
  ASSERT_EQ(s.sliceCount(), 2u);
  ASSERT_EQ(s.columns, 8);
  EXPECT_EQ(s.photometric, "RGB");
  ASSERT_EQ(raw.size(), s.sliceSamples() * 2);
  int worst = 0;
  for (std::size_t f = 0; f < 2; ++f)
    for (std::size_t i = 0; i < s.sliceSamples(); ++i)
      worst = std::max(worst, std::abs(int(s.sliceData(f)[i]) - int(std::uint8_t(raw[f * s.sliceSamples() + i]))));
  EXPECT_LE(worst, 1) << "largest difference from pydicom's YBR_FULL -> RGB";
}

}  // namespace
}  // namespace annulo
