// View logic without a window: transforms, window/level, cine timing, tools.

#include <gtest/gtest.h>

#include <cmath>

#include "annulo/render/CineClock.h"
#include "annulo/render/TearTool.h"
#include "annulo/render/ViewTransform.h"
#include "annulo/render/WindowLevel.h"

namespace annulo {
namespace {

const ViewGeometry kGeom{800, 600, 512, 512, 1.0};

TEST(ViewTransform, FitsTheImageCentred) {
  const ViewState s;
  // 512x512 in 800x600: scale 600/512, image spans x 100..700, y 0..600.
  const Vec2 topLeft = imageToScreen(s, kGeom, {-0.5, -0.5});
  const Vec2 bottomRight = imageToScreen(s, kGeom, {511.5, 511.5});
  EXPECT_NEAR(topLeft[0], 100, 1e-9);
  EXPECT_NEAR(topLeft[1], 0, 1e-9);
  EXPECT_NEAR(bottomRight[0], 700, 1e-9);
  EXPECT_NEAR(bottomRight[1], 600, 1e-9);
}

TEST(ViewTransform, InverseHoldsUnderZoomPanFlipAndRotation) {
  for (int rot = 0; rot < 4; ++rot)
    for (int flip = 0; flip < 4; ++flip) {
      ViewState s;
      s.zoom = 2.5;
      s.panX = 37;
      s.panY = -12;
      s.rotate90 = rot;
      s.flipH = flip & 1;
      s.flipV = flip & 2;
      const ViewGeometry g{640, 480, 300, 200, 1.7};
      for (Vec2 p : {Vec2{0, 0}, Vec2{299, 0}, Vec2{150.25, 99.5}, Vec2{-0.5, 199.5}}) {
        const Vec2 back = screenToImage(s, g, imageToScreen(s, g, p));
        EXPECT_NEAR(back[0], p[0], 1e-9);
        EXPECT_NEAR(back[1], p[1], 1e-9);
      }
    }
}

TEST(ViewTransform, RotationAndFlipMoveCornersWhereExpected) {
  ViewState s;
  s.rotate90 = 1;  // clockwise: the image's top-left corner goes to the top-right
  const Vec2 tl = imageToScreen(s, kGeom, {-0.5, -0.5});
  EXPECT_NEAR(tl[0], 700, 1e-9);
  EXPECT_NEAR(tl[1], 0, 1e-9);
  ViewState f;
  f.flipH = true;
  const Vec2 tl2 = imageToScreen(f, kGeom, {-0.5, -0.5});
  EXPECT_NEAR(tl2[0], 700, 1e-9);
  EXPECT_NEAR(tl2[1], 0, 1e-9);
}

TEST(ViewTransform, AnisotropicPixelsAreShownToScale) {
  // Rows twice as far apart as columns: 100x100 pixels shown as 100 wide, 200 tall.
  const ViewGeometry g{400, 400, 100, 100, 2.0};
  const Vec2 a = imageToScreen(ViewState{}, g, {-0.5, -0.5});
  const Vec2 b = imageToScreen(ViewState{}, g, {99.5, 99.5});
  EXPECT_NEAR((b[1] - a[1]) / (b[0] - a[0]), 2.0, 1e-9);
}

TEST(ViewTransform, ZoomAboutKeepsThePointUnderTheCursor) {
  const Vec2 cursor{250, 333};
  const Vec2 before = screenToImage(ViewState{}, kGeom, cursor);
  const ViewState z = zoomAbout(ViewState{}, kGeom, cursor, 3.0);
  const Vec2 after = screenToImage(z, kGeom, cursor);
  EXPECT_NEAR(after[0], before[0], 1e-9);
  EXPECT_NEAR(after[1], before[1], 1e-9);
  EXPECT_DOUBLE_EQ(z.zoom, 3.0);
}

TEST(WindowLevel, DisplayFollowsTheLinearFunctionAndInverts) {
  const WindowLevel w{40, 400};
  EXPECT_DOUBLE_EQ(displayGrey(-160, w, false), 0.0);
  EXPECT_DOUBLE_EQ(displayGrey(240, w, false), 1.0);
  EXPECT_NEAR(displayGrey(39.5, w, false), 0.5, 1e-12);
  EXPECT_NEAR(displayGrey(39.5, w, true), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(displayGrey(-1000, w, true), 1.0);
}

TEST(WindowLevel, DragWidensAndBrightens) {
  const WindowLevel w{100, 200};
  const WindowLevel wider = dragWindow(w, 100, 0, 512);
  EXPECT_GT(wider.width, w.width);
  EXPECT_DOUBLE_EQ(wider.center, w.center);
  const WindowLevel up = dragWindow(w, 0, -50, 512);
  EXPECT_LT(up.center, w.center);
  EXPECT_GE(dragWindow(w, -100000, 0, 512).width, 1.0);
}

TEST(CineClock, FollowsFrameTimesAndLoops) {
  const CineClock c({0, 100, 200, 300});  // 10 fps
  EXPECT_EQ(c.frameAt(0, 1, true), 0);
  EXPECT_EQ(c.frameAt(150, 1, true), 1);
  EXPECT_EQ(c.frameAt(399, 1, true), 3);
  EXPECT_EQ(c.frameAt(401, 1, true), 0);   // looped
  EXPECT_EQ(c.frameAt(401, 1, false), 3);  // held on the last frame
  EXPECT_EQ(c.frameAt(150, 2, true), 3);   // double speed
  const CineClock untimed({0, 0, 0}, 10);
  EXPECT_EQ(untimed.frameAt(150, 1, true), 1);
}

TEST(TearTool, PointPolylineAndPolygonStateMachine) {
  TearTool t;
  EXPECT_FALSE(t.click({1, 1}));  // idle: clicks do nothing
  t.start(TearTool::Mode::Point);
  auto p = t.click({10, 20});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, GeometryKind::Point);
  EXPECT_DOUBLE_EQ(p->points[0][1], 20);
  EXPECT_FALSE(t.active());

  t.start(TearTool::Mode::Polyline);
  EXPECT_FALSE(t.click({0, 0}));
  EXPECT_FALSE(t.finish()) << "one point is not a polyline";
  EXPECT_FALSE(t.click({5, 5}));
  auto line = t.finish();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->points.size(), 2u);

  t.start(TearTool::Mode::Polygon);
  t.click({0, 0});
  t.click({5, 0});
  EXPECT_FALSE(t.finish()) << "two points are not a polygon";
  t.click({5, 5});
  auto poly = t.finish();
  ASSERT_TRUE(poly);
  EXPECT_EQ(poly->kind, GeometryKind::Polygon);

  t.start(TearTool::Mode::Polyline);
  t.click({1, 1});
  t.cancel();
  EXPECT_TRUE(t.pending().empty());
  EXPECT_FALSE(t.active());
}

}  // namespace
}  // namespace annulo

#include "annulo/render/Measurement.h"

namespace annulo {
namespace {

TEST(Measurement, DistanceAndAngleUseThePixelSpacing) {
  // 0.2 mm columns, 0.4 mm rows: 30 columns and 40 rows are 6 mm and 16 mm.
  EXPECT_NEAR(distanceMm({0, 0}, {30, 40}, 0.2, 0.4), std::hypot(6.0, 16.0), 1e-12);
  EXPECT_NEAR(angleDeg({10, 0}, {0, 0}, {0, 10}, 1, 1), 90, 1e-9);
  // Equal pixel steps are not equal angles when pixels are not square.
  EXPECT_NEAR(angleDeg({10, 0}, {0, 0}, {10, 10}, 1, 2), std::atan(2.0) * 180 / M_PI, 1e-9);
  const Measurement m{MeasureKind::Distance, {{0, 0}, {30, 40}}};
  EXPECT_EQ(describe(m, 0.2, 0.4, "magnification-corrected"), "17.1 mm (magnification-corrected)");
  EXPECT_EQ(describe(m, 1, 1, "none"), "50.0 px (none)");
}

TEST(Measurement, ToolsCompleteAfterTwoOrThreeClicks) {
  MeasureTool t;
  EXPECT_FALSE(t.click({1, 1}));
  t.start(MeasureKind::Angle);
  EXPECT_FALSE(t.click({1, 0}));
  EXPECT_FALSE(t.click({0, 0}));
  auto a = t.click({0, 1});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->points.size(), 3u);
  EXPECT_FALSE(t.active());
  t.start(MeasureKind::Catheter);
  EXPECT_FALSE(t.click({5, 5}));
  auto c = t.click({50, 5});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, MeasureKind::Catheter);
}

}  // namespace
}  // namespace annulo
