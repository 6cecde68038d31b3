// The parts of the SR encoding that exist for the web viewers (issue 17):
// tracking identifier form, the group Comment, the signed observer, unset
// values left out. Unit level; WebViewerInterop runs the viewers themselves.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include "SrFixtures.h"
#include "annulo/sr/SrExport.h"
#include "sr/TearSummary.h"
#include "sr/TrackingIdentifier.h"

namespace annulo {
namespace {

using srtest::phantom;

TEST(SrTrackingIdentifier, ToolTypeFollowsTheGeometry) {
  TearGeometry g;
  g.kind = GeometryKind::Point;
  g.points = {{1, 2, 0}};
  EXPECT_EQ(sr::trackingIdentifierText(g, "T1"), "Cornerstone3DTools@^0.1.0:Probe:T1");
  g.kind = GeometryKind::Polyline;
  g.points = {{1, 2, 0}, {3, 4, 0}};
  EXPECT_EQ(sr::cornerstoneToolType(g), "Length");
  g.points.push_back({5, 6, 0});
  EXPECT_EQ(sr::cornerstoneToolType(g), "PlanarFreehandROI");
  g.kind = GeometryKind::Polygon;
  EXPECT_EQ(sr::cornerstoneToolType(g), "PlanarFreehandROI");
  g.kind = GeometryKind::Point3D;
  g.points = {{1, 2, 3}};
  EXPECT_EQ(sr::cornerstoneToolType(g), "Probe");
}

TEST(SrTrackingIdentifier, ReadsOursTheOldFormAndOtherToolkits) {
  auto ours = sr::parseTrackingIdentifier("Cornerstone3DTools@^0.1.0:PlanarFreehandROI:T2");
  EXPECT_EQ(ours.toolkit, "Cornerstone3DTools@^0.1.0");
  EXPECT_EQ(ours.toolType, "PlanarFreehandROI");
  EXPECT_EQ(ours.label, "T2");
  EXPECT_EQ(sr::parseTrackingIdentifier("T7").label, "T7");  // Annulo before issue 17
  EXPECT_EQ(sr::parseTrackingIdentifier("T7").toolType, "");
  auto legacy = sr::parseTrackingIdentifier("cornerstoneTools@^4.0.0:Length");
  EXPECT_EQ(legacy.toolType, "Length");
  EXPECT_EQ(legacy.label, "");
  EXPECT_EQ(sr::parseTrackingIdentifier("Cornerstone3DTools@^0.1.0:Probe:a:b").label, "a:b");
  EXPECT_EQ(sr::parseTrackingIdentifier("Lesion 1: left").label, "Lesion 1: left");  // no toolkit@version
}

TEST(SrTearSummary, NamesTheCodedFieldsAndComesOffAgainOnImport) {
  TearAnnotation t;
  t.id = "T1";
  t.level = "L4-L5";
  t.type = TearType::Radial;
  t.grade = 3;
  t.clock = 6;
  t.zone = SpinalZone::Central;
  t.leak = LeakPattern::Epidural;
  EXPECT_EQ(sr::tearSummary(t), "T1 L4-L5 radial, Dallas 3, 6 o'clock, central, epidural leak");
  t.zone = SpinalZone::ForaminalLeft;
  t.leak = LeakPattern::NotAssessed;
  t.pain = PainResponse::Concordant;
  EXPECT_EQ(sr::tearSummary(t), "T1 L4-L5 radial, Dallas 3, 6 o'clock, left foraminal, concordant pain");
  t.comment = "see MRI";
  const std::string text = sr::commentText(t);
  EXPECT_EQ(sr::readerComment(t, text), "see MRI");
  EXPECT_EQ(sr::readerComment(t, sr::tearSummary(t)), "");
  EXPECT_EQ(sr::readerComment(t, "someone else's note"), "someone else's note");
}

class SrViewerForm : public ::testing::Test {
 protected:
  void SetUp() override { ANNULO_REQUIRE_PHANTOM(); }
  test::TempDir dir_;
};

TEST_F(SrViewerForm, AReportWithoutAReaderIsSignedUnknownWithAWarning) {
  Session session = srtest::sampleSession(phantom());
  session.observer.clear();
  for (auto& t : session.tears) t.observer.clear();
  const std::string path = (dir_ / "r.dcm").string();
  auto out = exportSr(session, srtest::sources(phantom()), path);
  ASSERT_TRUE(out.ok()) << out.message();
  bool warned = false;
  for (const auto& w : out->warnings) warned |= w.find(kUnknownReader) != std::string::npos;
  EXPECT_TRUE(warned) << ::testing::PrintToString(out->warnings);
  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok()) << imported.message();
  EXPECT_EQ(imported->observer, kUnknownReader);
}

TEST_F(SrViewerForm, TheReaderAskedForSignsTheReport) {
  SrExportOptions options;
  options.observerName = "Smith^Anna";
  const std::string path = (dir_ / "r.dcm").string();
  auto out = exportSr(srtest::sampleSession(phantom()), srtest::sources(phantom()), path, options);
  ASSERT_TRUE(out.ok()) << out.message();
  for (const auto& w : out->warnings) EXPECT_EQ(w.find(kUnknownReader), std::string::npos) << w;
  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->observer, "Smith^Anna");
}

TEST_F(SrViewerForm, UnsetLeakAndUntestedPainAreLeftOutNotWrittenAsNegatives) {
  Session session = srtest::sampleSession(phantom());
  session.tears.resize(1);
  session.tears[0].leak = LeakPattern::NotAssessed;
  session.tears[0].pain = PainResponse::NotTested;
  const std::string path = (dir_ / "r.dcm").string();
  ASSERT_TRUE(exportSr(session, srtest::sources(phantom()), path).ok());
  std::string out;
  ASSERT_EQ(test::runCommand("dsrdump +Pl '" + path + "' 2>&1", &out), 0) << out;
  EXPECT_EQ(out.find("Contrast leak pattern"), std::string::npos) << out;
  EXPECT_EQ(out.find("Provoked pain response"), std::string::npos) << out;
  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok());
  ASSERT_EQ(imported->tears.size(), 1u);
  EXPECT_EQ(imported->tears[0].leak, LeakPattern::NotAssessed);
  EXPECT_EQ(imported->tears[0].pain, PainResponse::NotTested);
  // A chosen "no leak" is a finding and is written.
  session.tears[0].leak = LeakPattern::None;
  ASSERT_TRUE(exportSr(session, srtest::sources(phantom()), path).ok());
  ASSERT_EQ(test::runCommand("dsrdump +Pl '" + path + "' 2>&1", &out), 0);
  EXPECT_NE(out.find("No contrast leak"), std::string::npos);
}

TEST_F(SrViewerForm, SeriesNumbersDifferPerKindAndEquipmentIsAnnulo) {
  Session session = srtest::sampleSession(phantom());
  const std::string sr = (dir_ / "r.dcm").string(), pr = (dir_ / "pr.dcm").string();
  ASSERT_TRUE(exportSr(session, srtest::sources(phantom()), sr).ok());
  ASSERT_TRUE(exportGsps(session, *phantom().xa, pr).ok());
  auto read = [](const std::string& path, const DcmTagKey& tag) {
    DcmFileFormat f;
    OFString v;
    if (f.loadFile(path.c_str()).good()) f.getDataset()->findAndGetOFString(tag, v);
    return std::string(v.c_str());
  };
  EXPECT_NE(read(sr, DCM_SeriesNumber), read(pr, DCM_SeriesNumber));
  EXPECT_NE(read(sr, DCM_SeriesNumber), "900");
  EXPECT_EQ(read(sr, DCM_Manufacturer), "Annulo");
  EXPECT_EQ(read(pr, DCM_Manufacturer), "Annulo");
  EXPECT_FALSE(read(pr, DCM_SeriesDescription).empty());
}

}  // namespace
}  // namespace annulo
