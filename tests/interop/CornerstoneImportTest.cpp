// Issue 17 part 4: an SR written by OHIF/Cornerstone3D (its own writer,
// MeasurementReport.generateReport, under node) imported into our model as far
// as it maps: Probe, Length, PlanarFreehandROI, ArrowAnnotate on an XA frame.

#include <gtest/gtest.h>

#include <algorithm>

#include "annulo/sr/SrExport.h"
#include "interop/Interop.h"

namespace annulo {
namespace {

using interop::shq;

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

TEST(CornerstoneImport, ProbeLengthFreehandAndArrowBecomeTearsTheRestIsListed) {
  ANNULO_REQUIRE_PEERS();
  const auto& six = interop::sixTears();
  ASSERT_TRUE(six.error.empty()) << six.error;
  const ImageReference& xa = six.model.tears.at(0).geometry.image;  // the XA cine, frame 20
  test::TempDir dir;
  const std::string path = (dir / "ohif.dcm").string();
  const auto written = interop::runPeer(
      "cornerstone-write-sr.mjs",
      shq(path) + " " + xa.sopInstanceUid + " " + std::to_string(xa.frameNumber) + " " + shq(interop::sampleData()));
  ASSERT_EQ(written["annotations"].size(), 4u) << written.dump();

  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok()) << imported.message();
  ASSERT_EQ(imported->tears.size(), 4u) << ::testing::PrintToString(imported->warnings);
  const GeometryKind kinds[] = {GeometryKind::Point, GeometryKind::Polyline, GeometryKind::Polygon,
                                GeometryKind::Point};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& want = written["annotations"][i];
    const TearAnnotation& got = imported->tears[i];
    SCOPED_TRACE(want["toolType"].get<std::string>());
    EXPECT_EQ(got.geometry.kind, kinds[i]);
    EXPECT_EQ(got.geometry.image.sopInstanceUid, xa.sopInstanceUid);
    EXPECT_EQ(got.geometry.image.frameNumber, xa.frameNumber);
    EXPECT_EQ(got.comment, want["label"]);  // OHIF's label is the group's Comment
    EXPECT_FALSE(got.trackingUid.empty());
    // Cornerstone's image points have the pixel centre at +0.5, like SCOORD; the model at 0.
    const auto& pts = want["points"];
    if (want["toolType"] == "ArrowAnnotate") {
      // Stored head first: the head is the tool's second handle.
      ASSERT_EQ(got.geometry.points.size(), 1u);
      EXPECT_NEAR(got.geometry.points[0][0], pts[1][0].get<double>() - 0.5, 1e-3);
      EXPECT_NEAR(got.geometry.points[0][1], pts[1][1].get<double>() - 0.5, 1e-3);
      continue;
    }
    ASSERT_EQ(got.geometry.points.size(), pts.size());
    for (std::size_t k = 0; k < pts.size(); ++k) {
      EXPECT_NEAR(got.geometry.points[k][0], pts[k][0].get<double>() - 0.5, 1e-3) << k;
      EXPECT_NEAR(got.geometry.points[k][1], pts[k][1].get<double>() - 0.5, 1e-3) << k;
    }
  }
  // What has no place in the model is listed, not dropped; the geometry is not listed twice.
  const auto& unmapped = imported->unmapped;
  EXPECT_TRUE(mentions(unmapped, "\"Length\" = 12.5 mm")) << ::testing::PrintToString(unmapped);
  EXPECT_TRUE(mentions(unmapped, "\"Area\" = 81 mm2")) << ::testing::PrintToString(unmapped);
  EXPECT_TRUE(mentions(unmapped, "ArrowAnnotate imported as a point at its head"))
      << ::testing::PrintToString(unmapped);
  EXPECT_FALSE(mentions(unmapped, "(in \"Length\") inferred from SCOORD")) << ::testing::PrintToString(unmapped);
  EXPECT_TRUE(mentions(imported->warnings, "is not an annular tear finding"));
}

// dwv writes frames beside Referenced SOP Sequence instead of in it: our six-tear
// report read and saved again by dwv imports with every 2D tear on its frame.
TEST(DwvImport, TearsSavedByDwvKeepTheirImageAndFrame) {
  ANNULO_REQUIRE_PEERS();
  const auto& six = interop::sixTears();
  ASSERT_TRUE(six.error.empty()) << six.error;
  test::TempDir dir;
  const std::string path = (dir / "dwv.dcm").string();
  const auto written = interop::runPeer("dwv-rewrite-sr.mjs", shq(six.report) + " " + shq(path));
  ASSERT_EQ(written["annotations"], 4) << written.dump();
  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok()) << imported.message();
  ASSERT_EQ(imported->tears.size(), 4u);
  EXPECT_TRUE(mentions(imported->warnings, "as dwv writes")) << ::testing::PrintToString(imported->warnings);
  std::size_t i = 0;
  for (const auto& want : six.model.tears) {
    if (want.geometry.is3D()) continue;  // dwv drops SCOORD3D
    const TearAnnotation& got = imported->tears.at(i++);
    SCOPED_TRACE(want.id);
    EXPECT_EQ(got.trackingUid, want.trackingUid);
    EXPECT_EQ(got.geometry.kind, want.geometry.kind);
    EXPECT_EQ(got.geometry.image.sopInstanceUid, want.geometry.image.sopInstanceUid);
    EXPECT_EQ(got.geometry.image.frameNumber, want.geometry.image.frameNumber);
    EXPECT_EQ(got.type, want.type);
  }
}

}  // namespace
}  // namespace annulo
