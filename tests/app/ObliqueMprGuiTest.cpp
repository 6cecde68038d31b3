// The MPR layout under Xvfb on an axial stack written here (0.6 x 0.6 mm pixels,
// 2 mm slices) holding a bright disc that stands in a plane through the slice axis,
// turned 30 degrees from the fixed-column reformat. Dragging that reformat's handle on
// the axial view by 30 degrees about the crosshair lays the reformat in the disc's
// plane: the disc shows whole on it (a circle of its radius), where before the drag
// only a stripe of it was cut.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/render/ViewTransform.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using Rgb = itk::RGBPixel<std::uint8_t>;
using RgbImage = itk::Image<Rgb, 2>;

constexpr double kPi = 3.14159265358979323846;
constexpr int kSize = 128, kSlices = 40;
// Screen grey of the disc (1000) and the background (100) under the default window: ~200 and ~100.
constexpr double kBright = 170, kDark = 130;
constexpr double kPixel = 0.6, kSliceMm = 2.0, kTurnDeg = 30, kRadius = 20, kHalfThick = 1.5;

Vec3 patientOf(double c, double r, double k) { return {c * kPixel, r * kPixel, k * kSliceMm}; }
const Vec3 kCentre = patientOf(kSize / 2, kSize / 2, kSlices / 2);  // where the viewer puts the crosshair
// The disc's plane holds the slice axis and u: the screen's "up" (-y) turned 30 degrees clockwise.
const Vec3 kU{std::sin(kTurnDeg * kPi / 180), -std::cos(kTurnDeg* kPi / 180), 0};
const Vec3 kNormal{-kU[1], kU[0], 0};  // u x z, in the axial plane

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

bool inDisc(const Vec3& p) {
  const Vec3 d{p[0] - kCentre[0], p[1] - kCentre[1], p[2] - kCentre[2]};
  const double h = dot(d, kNormal);
  return std::fabs(h) <= kHalfThick && dot(d, d) - h * h <= kRadius * kRadius;
}

struct Shot {
  RgbImage::Pointer image;
  nlohmann::json side;
  double grey(double x, double y) const {
    const Rgb p = image->GetPixel({{itk::IndexValueType(x), itk::IndexValueType(y)}});
    return (p.GetRed() + p.GetGreen() + p.GetBlue()) / 3.0;
  }
  // Window pixel of a patient point on reformat i, from the plane and grid in the sidecar.
  Vec2 onReformat(int i, const Vec3& p) const {
    const auto& v = side["reformats"][std::size_t(i)];
    const Vec3 c = v["centre"], left = v["left"], back = v["back"];
    const Vec3 d{p[0] - c[0], p[1] - c[1], p[2] - c[2]};
    const double cols = v["columns"], rows = v["rows"];
    const Vec2 px{dot(d, left) / v["pixel_mm"][0].get<double>() + (cols - 1) / 2,
                  dot(d, back) / v["pixel_mm"][1].get<double>() + (rows - 1) / 2};
    const ViewGeometry g{v["width"], v["height"], cols, rows, v["pixel_aspect"]};
    const Vec2 s = imageToScreen(ViewState{}, g, px);
    return {s[0] + v["x"].get<double>(), s[1] + v["y"].get<double>()};
  }
  double greyAt(int i, const Vec3& p) const {
    const Vec2 s = onReformat(i, p);
    return grey(s[0], s[1]);
  }
};

class ObliqueMprGui : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run");
    std::filesystem::create_directories(dir_.path() / "stack");
    for (int k = 0; k < kSlices; ++k) {
      test::ImageSpec spec;
      spec.instanceNumber = k + 1;
      spec.rows = spec.columns = kSize;
      spec.position = patientOf(0, 0, k);
      spec.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
      spec.pixelSpacing = std::array<double, 2>{kPixel, kPixel};
      spec.sliceThickness = kSliceMm;
      spec.windows = {{550, 1000}};
      spec.value = [k](int, int r, int c) { return inDisc(patientOf(c, r, k)) ? 1000u : 100u; };
      test::writeImage(spec, (dir_.path() / "stack" / ("s" + std::to_string(k) + ".dcm")).string());
    }
  }
  Shot run(const std::string& name, const std::string& steps) {
    const std::string png = (dir_.path() / (name + ".png")).string();
    const std::string script = (dir_.path() / (name + ".txt")).string();
    std::ofstream(script) << "open " << (dir_.path() / "stack").string() << "\nsize 1400x900\nlayout mpr\n"
                          << steps << "screenshot " << png << "\n";
    std::string out;
    const int rc = test::runCommand("ANNULO_SESSION_DIR=" + (dir_.path() / "sessions").string() +
                                        " XDG_DATA_HOME=" + (dir_.path() / "xdg").string() +
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
  test::TempDir dir_;
};

Vec3 along(const Vec3& p, const Vec3& d, double s) { return {p[0] + d[0] * s, p[1] + d[1] * s, p[2] + d[2] * s}; }

TEST_F(ObliqueMprGui, DraggingTheHandleThirtyDegreesLaysTheReformatInTheTiltedDisc) {
  const Shot before = run("before", "");
  ASSERT_EQ(before.side["oblique"], false);
  ASSERT_EQ(before.side["reformats"].size(), 2u);
  // Reformat 0's handles on the axial view (view 0): the crosshair lies between them.
  std::vector<Vec2> handles;
  for (const auto& h : before.side["handles"])
    if (h["view"] == 0 && h["plane"] == 0) handles.push_back({h["x"], h["y"]});
  ASSERT_EQ(handles.size(), 2u);
  const Vec2 c{(handles[0][0] + handles[1][0]) / 2, (handles[0][1] + handles[1][1]) / 2};
  const Vec2 top = handles[0][1] < handles[1][1] ? handles[0] : handles[1];
  const double reach = c[1] - top[1];
  ASSERT_GT(reach, 50) << "the handle above the crosshair";
  EXPECT_NEAR(top[0], c[0], 0.5) << "fixed-column line: vertical on the axial";
  // Before: the disc's plane crosses the reformat in a stripe; 12 mm beside the centre is background.
  const Vec3 left0 = before.side["reformats"][0]["left"];
  EXPECT_GT(before.greyAt(0, kCentre), kBright);
  EXPECT_LT(before.greyAt(0, along(kCentre, left0, 12)), kDark) << "no disc beside the stripe before the drag";

  // Drag the handle 30 degrees clockwise round the crosshair (on screen: x right, y down).
  const double a = kTurnDeg * kPi / 180;
  char drag[128];
  std::snprintf(drag, sizeof drag, "drag %.2f,%.2f %.2f,%.2f 12\n", top[0], top[1], c[0] + reach * std::sin(a),
                c[1] - reach * std::cos(a));
  const Shot after = run("after", drag);
  ASSERT_EQ(after.side["oblique"], true);
  const auto& r0 = after.side["reformats"][0];
  const Vec3 n = r0["normal"];
  const double off = std::acos(std::min(1.0, std::fabs(dot(n, kNormal)))) * 180 / kPi;
  EXPECT_LT(off, 0.5) << "reformat 0 lies in the disc's plane";
  EXPECT_EQ(after.side["reformats"][1]["normal"], before.side["reformats"][1]["normal"]) << "the other one stays";
  // The whole disc on it: bright at 0.75 of its radius in four directions, background at 1.3.
  const Vec3 left = r0["left"], back = r0["back"];
  for (const Vec3& d : {left, back})
    for (double sgn : {-1.0, 1.0}) {
      EXPECT_GT(after.greyAt(0, along(kCentre, d, sgn * 0.75 * kRadius)), kBright) << "inside the disc";
      EXPECT_LT(after.greyAt(0, along(kCentre, d, sgn * 1.3 * kRadius)), kDark) << "outside the disc";
    }
  // Its area: the bright screen pixels of the reformat, in mm^2, those of a circle of radius 20 mm.
  const double sx = r0["width"].get<double>(), sy = r0["height"].get<double>();
  const Vec2 o = after.onReformat(0, kCentre), one = after.onReformat(0, along(kCentre, left, 10));
  const double mmPerScreen = 10 / std::hypot(one[0] - o[0], one[1] - o[1]);
  double bright = 0;  // grey pixels only: the coloured plane lines are not the image
  for (int y = int(r0["y"].get<double>()); y < int(r0["y"].get<double>() + sy); ++y)
    for (int x = int(r0["x"].get<double>()); x < int(r0["x"].get<double>() + sx); ++x) {
      const Rgb q = after.image->GetPixel({{x, y}});
      const bool grey = std::abs(q.GetRed() - q.GetGreen()) < 16 && std::abs(q.GetGreen() - q.GetBlue()) < 16;
      bright += grey && after.grey(x, y) > (kBright + kDark) / 2 ? 1 : 0;
    }
  EXPECT_NEAR(bright * mmPerScreen * mmPerScreen, kPi * kRadius * kRadius, 0.12 * kPi * kRadius * kRadius);

  // O (here mpr-reset) brings the orthogonal cut back.
  const Shot reset = run("reset", std::string(drag) + "mpr-reset\n");
  EXPECT_EQ(reset.side["oblique"], false);
  EXPECT_EQ(reset.side["reformats"][0]["normal"], before.side["reformats"][0]["normal"]);
  EXPECT_TRUE(after.side["clipped_text"].empty()) << after.side["clipped_text"].dump();
}

TEST_F(ObliqueMprGui, ThickSlabMipReachesTheDiscFromAParallelPlane) {
  // The fixed-row reformat through the centre holds the disc's line; a 10 mm MIP slab
  // on the orthogonal MPR brightens the background next to it where a plane stays dark.
  const Shot plane = run("plane", "");
  const Shot slab = run("slab", "mpr-slab mip 10\n");
  EXPECT_EQ(slab.side["slab_mm"], 10);
  const Vec3 left = plane.side["reformats"][1]["left"];  // +x on the fixed-row cut
  // 3 mm beside the disc's line along x: outside the 1.5 mm half thickness, inside the 5 mm half slab.
  const Vec3 p = along(kCentre, left, 3 / std::fabs(dot(left, kNormal)));
  EXPECT_LT(plane.greyAt(1, p), kDark);
  EXPECT_GT(slab.greyAt(1, p), kBright);
}

}  // namespace
}  // namespace annulo
