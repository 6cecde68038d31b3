// Issue 17: the six-tear export as the web viewers read it, with the viewers'
// own readers under node: Cornerstone3D's SR adapter (OHIF v3's "load
// measurements"), its SEG loader, and dwv. Plus our validators on the same files.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "annulo/sr/LabelMap.h"
#include "annulo/sr/SrExport.h"
#include "interop/Interop.h"
#include "sr/SrFixtures.h"

namespace annulo {
namespace {

using interop::runPeer;
using interop::shq;
using interop::sixTears;

#define REQUIRE_SIX_TEARS()                                    \
  do {                                                         \
    ANNULO_REQUIRE_PEERS();                                    \
    ASSERT_TRUE(sixTears().error.empty()) << sixTears().error; \
    ASSERT_EQ(sixTears().model.tears.size(), 6u);              \
  } while (0)

const TearAnnotation* byTrackingUid(const std::string& uid) {
  for (const auto& t : sixTears().model.tears)
    if (t.trackingUid == uid) return &t;
  return nullptr;
}

std::string expectedTool(const TearAnnotation& t) {
  switch (t.geometry.kind) {
    case GeometryKind::Point:
    case GeometryKind::Point3D:
      return "Probe";
    default:
      return t.geometry.points.size() == 2 ? "Length" : "PlanarFreehandROI";
  }
}

TEST(WebViewerInterop, CornerstoneLoadsAllSixTearsWithToolImageFrameAndCoordinates) {
  REQUIRE_SIX_TEARS();
  const auto j = runPeer("cornerstone-sr.mjs", shq(sixTears().report) + " " + shq(interop::sampleData()));
  ASSERT_TRUE(j.contains("annotations")) << j.dump();
  EXPECT_TRUE(j["warnings"].empty()) << j["warnings"].dump(1);
  std::size_t matched = 0;
  for (const auto& a : j["annotations"]) {
    const TearAnnotation* tear = byTrackingUid(a.value("trackingUid", ""));
    ASSERT_NE(tear, nullptr) << "annotation with unknown tracking UID: " << a.dump();
    SCOPED_TRACE("tear " + tear->id);
    ++matched;
    EXPECT_EQ(a["toolType"], expectedTool(*tear));
    ASSERT_TRUE(a["label"].is_string());
    EXPECT_EQ(a["label"].get<std::string>().rfind(tear->id + " " + tear->level, 0), 0u) << a["label"];
    const auto& pts = a["points"];
    std::size_t want = tear->geometry.points.size();
    ASSERT_EQ(pts.size(), want);
    if (tear->geometry.is3D()) {
      EXPECT_EQ(a["frameOfReferenceUid"], tear->geometry.frameOfReferenceUid);
      for (std::size_t i = 0; i < want; ++i)
        for (int k = 0; k < 3; ++k) EXPECT_NEAR(pts[i][k].get<double>(), tear->geometry.points[i][k], 0.01);
      continue;
    }
    EXPECT_EQ(a["sopInstanceUid"], tear->geometry.image.sopInstanceUid);
    EXPECT_EQ(a["frame"], tear->geometry.image.frameNumber);
    EXPECT_EQ(a["frameNumber"], tear->geometry.image.frameNumber);
    if (tear->geometry.kind == GeometryKind::Polygon) {
      EXPECT_EQ(a["closed"], true);
    }
    if (tear->geometry.kind == GeometryKind::Polyline) {
      EXPECT_EQ(a["closed"], false);
    }
    // Cornerstone's image coordinates put the pixel centre at +0.5 (as SCOORD does).
    for (std::size_t i = 0; i < want; ++i)
      for (int k = 0; k < 2; ++k)
        EXPECT_NEAR(pts[i][k].get<double>() - 0.5, tear->geometry.points[i][k], 0.01) << "point " << i;
  }
  std::cout << "[ figures  ] Cornerstone3D generateToolState: " << matched << "/6 tears as annotations\n";
  EXPECT_EQ(matched, 6u);
}

TEST(WebViewerInterop, CornerstoneLoadsTheSegWithNoFrameDifferingFromOurLabelMap) {
  REQUIRE_SIX_TEARS();
  const std::string raw = (sixTears().dir / "cornerstone-labels.raw").string();
  const auto j =
      runPeer("cornerstone-seg.mjs", shq(sixTears().seg) + " " + shq(raw) + " " + shq(interop::sampleData()));
  ASSERT_TRUE(j.contains("frames")) << j.dump();
  auto ours = readLabelMap(sixTears().labels);
  ASSERT_TRUE(ours.ok()) << ours.message();
  ASSERT_EQ(j["frames"], ours->frames);
  ASSERT_EQ(j["rows"], ours->rows);
  ASSERT_EQ(j["columns"], ours->columns);
  std::ifstream in(raw, std::ios::binary);
  const std::vector<std::uint8_t> theirs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(theirs.size(), ours->labels.size());
  const std::size_t frame = std::size_t(ours->rows) * std::size_t(ours->columns);
  int differing = 0, nonEmpty = 0;
  for (int f = 0; f < ours->frames; ++f) {
    bool same = true, any = false;
    for (std::size_t i = f * frame; i < (f + 1) * frame; ++i) {
      same &= theirs[i] == ours->labels[i];
      any |= ours->labels[i] != 0;
    }
    differing += !same;
    nonEmpty += any;
  }
  std::cout << "[ figures  ] Cornerstone3D createLabelmapsFromDICOMBuffer: " << differing << " of " << ours->frames
            << " frames differ (" << nonEmpty << " non-empty)\n";
  EXPECT_GT(nonEmpty, 0);
  EXPECT_EQ(differing, 0);
  ASSERT_EQ(j["segments"].size(), 2u);
  EXPECT_EQ(j["segments"][0]["label"], "intradiscal contrast");
  EXPECT_EQ(j["segments"][1]["label"], "contrast leak");
  EXPECT_FALSE(j["segments"][1]["cielab"].is_null());
}

TEST(WebViewerInterop, DwvReadsEvery2DTearWithItsFrame) {
  REQUIRE_SIX_TEARS();
  const auto j = runPeer("dwv-sr.mjs", shq(sixTears().report));
  ASSERT_TRUE(j.contains("annotations")) << j.dump();
  int want = 0, got = 0;
  for (const auto& tear : sixTears().model.tears) {
    if (tear.geometry.is3D()) continue;
    ++want;
    SCOPED_TRACE("tear " + tear.id);
    const nlohmann::json* found = nullptr;
    for (const auto& a : j["annotations"])
      if (a["trackingUid"] == tear.trackingUid) found = &a;
    ASSERT_NE(found, nullptr) << j.dump(1);
    const auto& a = *found;
    EXPECT_EQ(a["sopInstanceUid"], tear.geometry.image.sopInstanceUid);
    EXPECT_EQ(a["frame"], tear.geometry.image.frameNumber);
    ASSERT_GE(a["points"].size(), 1u);
    EXPECT_NEAR(a["points"][0][0].get<double>() - 0.5, tear.geometry.points[0][0], 0.01);
    EXPECT_NEAR(a["points"][0][1].get<double>() - 0.5, tear.geometry.points[0][1], 0.01);
    // dwv keeps CONTAINS items as meta text only: the disc level (a concept modifier) reaches it in the Comment.
    ASSERT_TRUE(a["meta"].contains("Comment")) << a.dump();
    EXPECT_NE(a["meta"]["Comment"].get<std::string>().find(tear.level), std::string::npos) << a["meta"]["Comment"];
    got += a["frame"] == tear.geometry.image.frameNumber;
  }
  std::cout << "[ figures  ] dwv AnnotationGroupFactory: " << got << "/" << want << " 2D tears with their frame ("
            << j["annotations"].size() << " annotations)\n";
  EXPECT_EQ(got, want);
}

TEST(WebViewerInterop, OurReaderGetsTheSixTearsBackExactly) {
  REQUIRE_SIX_TEARS();
  auto imported = importSr(sixTears().report);
  ASSERT_TRUE(imported.ok()) << imported.message();
  EXPECT_TRUE(imported->unmapped.empty()) << ::testing::PrintToString(imported->unmapped);
  EXPECT_EQ(imported->observer, "Roe^Richard");
  ASSERT_EQ(imported->tears.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    TearAnnotation want = sixTears().model.tears[i];
    const TearAnnotation& got = imported->tears[i];
    // The SEG exported with the report is linked to the tears with leak figures on its series.
    if (want.leakFigures) {
      ASSERT_TRUE(got.leakFigures.has_value());
      EXPECT_FALSE(got.leakFigures->segmentationSopInstanceUid.empty()) << want.id;
      want.leakFigures->segmentationSopInstanceUid = got.leakFigures->segmentationSopInstanceUid;
    }
    srtest::expectSameTear(want, got);
  }
  // Unset leak patterns stay unset (not "no contrast leak").
  EXPECT_EQ(imported->tears[1].leak, LeakPattern::NotAssessed);
}

TEST(WebViewerInterop, ValidatorsFindNoErrorsAndDsrdumpReadsTheReport) {
  REQUIRE_SIX_TEARS();
  ASSERT_TRUE(srtest::haveTool("dciodvfy")) << "dciodvfy (dicom3tools) is needed";
  for (const std::string& f : {sixTears().report, sixTears().seg, sixTears().gsps}) {
    std::string all;
    EXPECT_TRUE(srtest::dciodvfyErrors(f, &all).empty()) << f << ":\n" << all;
  }
  std::string out;
  ASSERT_EQ(test::runCommand("dsrdump +Pl " + shq(sixTears().report) + " 2>&1", &out), 0) << out;
  EXPECT_NE(out.find("Cornerstone3DTools@^0.1.0:PlanarFreehandROI:T3"), std::string::npos) << out;
  EXPECT_NE(out.find("Roe^Richard"), std::string::npos);
  EXPECT_EQ(out.find("No contrast leak"), std::string::npos) << "an unset leak pattern was written as negative";
}

}  // namespace
}  // namespace annulo
