// Progressive display (issue 20) under Xvfb: the first frame of a compressed cine is
// on screen, with its real pixels, while the rest of the cine is still decoding.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/phantom/Phantom.h"
#include "annulo/render/ViewTransform.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;
using Rgb = itk::RGBPixel<std::uint8_t>;
using RgbImage = itk::Image<Rgb, 2>;

struct Shot {
  RgbImage::Pointer image;
  nlohmann::json side;
  static Shot read(const fs::path& png) {
    Shot s;
    auto reader = itk::ImageFileReader<RgbImage>::New();
    reader->SetFileName(png.string());
    reader->Update();
    s.image = reader->GetOutput();
    std::ifstream in(png.string() + ".json");
    s.side = nlohmann::json::parse(in);
    return s;
  }
  // Grey value at an image point (column, row), through the view geometry in the sidecar.
  int grey(Vec2 imagePoint) const {
    ViewState v;
    v.zoom = side["zoom"];
    v.panX = side["pan"][0];
    v.panY = side["pan"][1];
    const ViewGeometry g{side["view"]["width"], side["view"]["height"], side["image"]["columns"], side["image"]["rows"],
                         side["image"]["pixel_aspect"]};
    const Vec2 p = imageToScreen(v, g, imagePoint);
    RgbImage::IndexType idx{{itk::IndexValueType(p[0] + side["view"]["x"].get<double>()),
                             itk::IndexValueType(p[1] + side["view"]["y"].get<double>())}};
    return image->GetPixel(idx).GetRed();
  }
};

TEST(ProgressiveGui, FirstFrameOfACompressedCineIsOnScreenBeforeTheLoadEnds) {
  if (test::runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run");
  ANNULO_REQUIRE_TOOL("dcmcjpeg");
  test::TempDir dir;
  PhantomOptions o;
  o.writeMr = false;
  o.xaSize = 512;
  o.xaFrames = 160;  // decoding takes long enough on two free cores for playback to advance while it runs
  o.xaBitsAllocated = 16;
  auto truth = writePhantom(o, (dir / "phantom").string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  fs::path plain;
  for (const auto& e : fs::directory_iterator(dir / "phantom" / "xa")) plain = e.path();
  fs::create_directories(dir / "cine");
  ASSERT_EQ(test::runCommand("dcmcjpeg +e1 " + plain.string() + " " + (dir / "cine" / "cine.dcm").string()), 0);

  const fs::path first = dir / "first.png", frame1 = dir / "frame1.png", last = dir / "last.png";
  std::ofstream(dir / "script.txt") << "size 1400x900\nfirst-frame " << first.string() << "\nopen "
                                    << (dir / "cine").string() << "\nframe 1\nscreenshot " << frame1.string()
                                    << "\nframe " << o.xaFrames << "\nscreenshot " << last.string() << "\n";
  std::string out;
  const int rc = test::runCommand(
      "XDG_DATA_HOME=" + (dir / "xdg").string() + " XDG_CACHE_HOME=" + (dir / "cache").string() + " " +
          test::xvfbRun() + std::string(ANNULO_VIEWER) + " --script " + (dir / "script.txt").string() + " 2>&1",
      &out);
  ASSERT_EQ(rc, 0) << out;
  ASSERT_NE(out.find("first frame on screen after"), std::string::npos) << out;
  const Shot shot = Shot::read(first), one = Shot::read(frame1), end = Shot::read(last);

  // Taken while the load ran, with most of the cine still to decode.
  EXPECT_TRUE(shot.side["loading"]["running"].get<bool>()) << shot.side.dump();
  EXPECT_EQ(shot.side["loading"]["total"], o.xaFrames);
  EXPECT_LT(shot.side["decoded_when_drawn"].get<int>(), o.xaFrames / 2) << shot.side.dump();
  EXPECT_EQ(shot.side["frame"], 1);

  // Its pixels are frame 1's: over a grid of image points the preview matches the
  // loaded viewer's frame 1 and not its last frame (contrast has filled the disc).
  const auto& xa = truth->xa;
  double diffFirst = 0, diffLast = 0, sum = 0, sum2 = 0;
  int n = 0;
  for (int r = 8; r < xa.rows - 8; r += 16)
    for (int c = 8; c < xa.columns - 8; c += 16) {
      const int g = shot.grey({double(c), double(r)});
      diffFirst += std::abs(g - one.grey({double(c), double(r)}));
      diffLast += std::abs(g - end.grey({double(c), double(r)}));
      sum += g, sum2 += double(g) * g, ++n;
    }
  const double sd = std::sqrt(sum2 / n - (sum / n) * (sum / n));
  EXPECT_GT(sd, 20) << "the preview looks blank";
  EXPECT_LT(diffFirst / n, 3.0) << "the preview is not frame 1";
  const std::array<double, 2> nucleus{xa.discCenter[0] - xa.nucleusRadiusX * 0.5, xa.discCenter[1]};
  auto at = [&](const Shot& s, int f) {
    const auto& m = xa.motion[std::size_t(f - 1)];
    return s.grey({nucleus[0] + m[0], nucleus[1] + m[1]});
  };
  EXPECT_GT(at(shot, 1), at(end, o.xaFrames) + 40) << "the disc is empty of contrast on frame 1, full at the end";
  EXPECT_GT(diffLast, diffFirst);

  // Play pressed on the preview: playback runs over the decoded frames while the rest
  // decodes, and goes on in the loaded study.
  std::ofstream(dir / "play.txt") << "size 1400x900\nfirst-frame " << (dir / "play.png").string() << " play\nopen "
                                  << (dir / "cine").string() << "\n";
  const int playRc = test::runCommand(
      "XDG_DATA_HOME=" + (dir / "xdg").string() + " XDG_CACHE_HOME=" + (dir / "cache").string() + " " +
          test::xvfbRun() + std::string(ANNULO_VIEWER) + " --script " + (dir / "play.txt").string() + " 2>&1",
      &out);
  ASSERT_EQ(playRc, 0) << out;
  std::size_t shownCount = 0;
  const auto at2 = out.find("preview showed ");
  ASSERT_NE(at2, std::string::npos) << out;
  ASSERT_EQ(std::sscanf(out.c_str() + at2, "preview showed %zu", &shownCount), 1) << out;
  EXPECT_GE(shownCount, 2u) << "playback advanced over decoded frames while loading: " << out;
  EXPECT_NE(out.find("after the load: frame"), std::string::npos) << out;
  EXPECT_NE(out.find(", playing"), std::string::npos) << "playback goes on in the loaded study: " << out;
}

}  // namespace
}  // namespace annulo
