// importSr on SRs written by other tools (dcmqi, highdicom, dwv) and on broken
// input: what maps lands in the model, the rest is listed, nothing crashes.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "SrFixtures.h"
#include "annulo/sr/SrExport.h"

namespace annulo {
namespace {

bool anyContains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(SrImportThirdParty, DcmqiTumourReportKeepsTheGroupAndListsTheMeasurements) {
  const auto path = test::sample("gh-dcmqi/sr-example/sr.dcm");
  ANNULO_REQUIRE_SAMPLE(path);
  auto sr = importSr(path.string());
  ASSERT_TRUE(sr.ok()) << sr.message();
  ASSERT_EQ(sr->tears.size(), 1u);
  const TearAnnotation& t = sr->tears[0];
  EXPECT_EQ(t.id, "primary tumor");
  EXPECT_EQ(t.trackingUid, "2.25.318774060119084600392715520575818119084");
  EXPECT_TRUE(t.level.empty());
  EXPECT_FALSE(t.leakFigures.has_value()) << "a tumour segment is not a leak segmentation";
  EXPECT_EQ(sr->observer, "User2");
  EXPECT_TRUE(anyContains(sr->unmapped, "Neoplasm, Primary")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->unmapped, "pharyngeal tonsil")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->unmapped, "SUVbw")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->unmapped, "Referenced Segment")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->warnings, "not an annular tear")) << joined(sr->warnings);
}

TEST(SrImportThirdParty, HighdicomCircleBecomesItsCentre) {
  const auto path = test::sample("gh-highdicom/sr_document.dcm");
  ANNULO_REQUIRE_SAMPLE(path);
  auto sr = importSr(path.string());
  ASSERT_TRUE(sr.ok()) << sr.message();
  ASSERT_EQ(sr->tears.size(), 1u);
  const TearAnnotation& t = sr->tears[0];
  EXPECT_EQ(t.id, "Planar ROI Measurements");
  EXPECT_EQ(t.geometry.kind, GeometryKind::Point);
  ASSERT_EQ(t.geometry.points.size(), 1u);
  EXPECT_NEAR(t.geometry.points[0][0], 58 - 0.5, 1e-4);  // CIRCLE centre 58/52, pixel-corner origin
  EXPECT_NEAR(t.geometry.points[0][1], 52 - 0.5, 1e-4);
  EXPECT_FALSE(t.geometry.image.sopInstanceUid.empty());
  EXPECT_EQ(t.geometry.image.sopClassUid, UID_CTImageStorage);
  EXPECT_TRUE(anyContains(sr->unmapped, "CIRCLE")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->unmapped, "Cervico-thoracic spine")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->unmapped, "Area of defined region")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->unmapped, "Device Observer UID")) << joined(sr->unmapped);
}

TEST(SrImportThirdParty, HighdicomGroupsMapLevelPolylineAndSpatialPoint) {
  const auto path = test::sample("gh-highdicom/sr_document_with_multiple_groups.dcm");
  ANNULO_REQUIRE_SAMPLE(path);
  auto sr = importSr(path.string());
  ASSERT_TRUE(sr.ok()) << sr.message();
  ASSERT_EQ(sr->tears.size(), 4u);
  // "Anatomical position" = "Level of T4/T5 intervertebral disc": the disc level.
  EXPECT_EQ(sr->tears[0].id, "Image0001");
  EXPECT_EQ(sr->tears[0].level, "T4-T5");
  EXPECT_TRUE(anyContains(sr->warnings, "'Image0001'): has no SCOORD")) << joined(sr->warnings);
  EXPECT_EQ(sr->tears[2].id, "Aorta0001");
  EXPECT_TRUE(sr->tears[2].geometry.kind == GeometryKind::Polyline ||
              sr->tears[2].geometry.kind == GeometryKind::Polygon);
  EXPECT_GE(sr->tears[2].geometry.points.size(), 2u);
  EXPECT_EQ(sr->tears[3].id, "Vertebra0001");
  EXPECT_EQ(sr->tears[3].geometry.kind, GeometryKind::Point3D);
  ASSERT_EQ(sr->tears[3].geometry.points.size(), 1u);
  EXPECT_NEAR(sr->tears[3].geometry.points[0][0], 123.5, 1e-4);
  EXPECT_NEAR(sr->tears[3].geometry.points[0][2], -23.7, 1e-4);
  EXPECT_TRUE(anyContains(sr->unmapped, "Diameter")) << joined(sr->unmapped);
}

TEST(SrImportThirdParty, EveryDwvAnnotationImportsWithItsGeometry) {
  const auto dir = test::sample("gh-dwv/tid1500-0");
  ANNULO_REQUIRE_SAMPLE(dir);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".dcm") continue;
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    auto sr = importSr(entry.path().string());
    ASSERT_TRUE(sr.ok()) << sr.message();
    ASSERT_FALSE(sr->tears.empty());
    for (const auto& t : sr->tears) {
      EXPECT_FALSE(t.id.empty());
      EXPECT_FALSE(t.trackingUid.empty());
      EXPECT_FALSE(t.geometry.points.empty()) << t.id;
      EXPECT_FALSE(t.geometry.image.sopInstanceUid.empty()) << t.id;
    }
    EXPECT_TRUE(anyContains(sr->unmapped, "Color")) << joined(sr->unmapped);
  }
  EXPECT_EQ(files, 7);
}

TEST(SrImportThirdParty, DwvRulerLengthIsListedNotDropped) {
  const auto path = test::sample("gh-dwv/tid1500-0/sr-ruler.dcm");
  ANNULO_REQUIRE_SAMPLE(path);
  auto sr = importSr(path.string());
  ASSERT_TRUE(sr.ok()) << sr.message();
  ASSERT_EQ(sr->tears.size(), 3u);
  EXPECT_EQ(sr->tears[0].geometry.kind, GeometryKind::Polyline);
  EXPECT_TRUE(anyContains(sr->unmapped, "\"Length\" = 4.025316455696 mm")) << joined(sr->unmapped);
  EXPECT_TRUE(anyContains(sr->unmapped, "Reference Points")) << joined(sr->unmapped);
}

TEST(SrImportThirdParty, AnSrThatIsNotTid1500GivesNoTearsAndSaysWhy) {
  const auto path = test::sample("gh-fo-dicom/test_SR.dcm");
  ANNULO_REQUIRE_SAMPLE(path);
  auto sr = importSr(path.string());
  ASSERT_TRUE(sr.ok()) << sr.message();
  EXPECT_TRUE(sr->tears.empty());
  EXPECT_TRUE(anyContains(sr->warnings, "not TID 1500")) << joined(sr->warnings);
  EXPECT_FALSE(sr->unmapped.empty());
}

// ---- broken input ---------------------------------------------------------

TEST(SrImportBroken, AnImageIsNotAnSr) {
  const auto path = test::sample("gh-highdicom/ct_image.dcm");
  ANNULO_REQUIRE_SAMPLE(path);
  auto sr = importSr(path.string());
  ASSERT_FALSE(sr.ok());
  EXPECT_NE(sr.message().find("not a DICOM Structured Report"), std::string::npos) << sr.message();
  EXPECT_NE(sr.message().find("CTImageStorage"), std::string::npos) << sr.message();
  EXPECT_NE(sr.message().find(path.string()), std::string::npos) << sr.message();
}

TEST(SrImportBroken, MissingAndTruncatedFilesAreErrors) {
  test::TempDir dir;
  auto missing = importSr((dir / "nope.dcm").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("no such file"), std::string::npos);

  ANNULO_REQUIRE_PHANTOM();
  const std::string full = (dir / "full.dcm").string();
  ASSERT_TRUE(exportSr(srtest::sampleSession(srtest::phantom()), srtest::sources(srtest::phantom()), full).ok());
  const auto size = std::filesystem::file_size(full);
  for (auto keep : {size / 2, size - 7, std::uintmax_t(200), std::uintmax_t(10)}) {
    const std::string cut = (dir / ("cut" + std::to_string(keep) + ".dcm")).string();
    std::filesystem::copy_file(full, cut);
    std::filesystem::resize_file(cut, keep);
    auto sr = importSr(cut);  // must not crash; an error (or a warning for a lucky cut) names the file
    if (!sr.ok()) {
      EXPECT_NE(sr.message().find(cut), std::string::npos) << sr.message();
    } else {
      EXPECT_FALSE(sr->warnings.empty()) << "truncated at " << keep;
    }
  }
}

// A hand-made report: a group with no content, a qualitative evaluation with
// the wrong value type, and a SCOORD on an image the evidence does not list.
std::string writeBrokenReport(const std::string& path) {
  DSRDocument doc(DSRTypes::DT_ComprehensiveSR);
  DSRDocumentTree& tree = doc.getTree();
  tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container);
  tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("126000", "DCM", "Imaging Measurement Report"));
  tree.addChildContentItem(DSRTypes::RT_contains, DSRTypes::VT_Container, CODE_DCM_ImagingMeasurements);
  tree.addChildContentItem(DSRTypes::RT_contains, DSRTypes::VT_Container, CODE_DCM_MeasurementGroup);  // empty
  tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Container, CODE_DCM_MeasurementGroup);
  tree.addChildContentItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, CODE_DCM_TrackingIdentifier);
  tree.getCurrentContentItem().setStringValue("BAD1");
  tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text,
                      DSRCodedEntryValue("TEAR-TYPE", "99ANNULO", "Annular tear type"));
  tree.getCurrentContentItem().setStringValue("radial");
  tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_SCoord, CODE_DCM_ImageRegion);
  tree.getCurrentContentItem().getSpatialCoordinatesPtr()->setGraphicType(DSRTypes::GT_Point);
  tree.getCurrentContentItem().getSpatialCoordinatesPtr()->getGraphicDataList().addItem(10.5f, 20.5f);
  tree.addChildContentItem(DSRTypes::RT_selectedFrom, DSRTypes::VT_Image, DSRCodedEntryValue());
  tree.getCurrentContentItem().setImageReference(DSRImageReferenceValue(UID_CTImageStorage, "1.2.3.4.5"), OFFalse);
  doc.createNewSeriesInStudy("1.2.3");
  DcmFileFormat file;
  if (doc.write(*file.getDataset()).bad()) return "write failed";
  return file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good() ? "" : "save failed";
}

TEST(SrImportBroken, MissingContentWrongValueTypesAndUnlistedImagesAreWarnings) {
  test::TempDir dir;
  const std::string path = (dir / "broken.dcm").string();
  ASSERT_EQ(writeBrokenReport(path), "");
  auto sr = importSr(path);
  ASSERT_TRUE(sr.ok()) << sr.message();
  ASSERT_EQ(sr->tears.size(), 1u);  // the empty group is skipped
  EXPECT_EQ(sr->tears[0].id, "BAD1");
  EXPECT_EQ(sr->tears[0].geometry.kind, GeometryKind::Point);
  EXPECT_TRUE(anyContains(sr->warnings, "measurement group 1: has no content items")) << joined(sr->warnings);
  EXPECT_TRUE(anyContains(sr->warnings, "has value type TEXT, expected CODE")) << joined(sr->warnings);
  EXPECT_TRUE(anyContains(sr->warnings, "1.2.3.4.5 is not listed in the evidence")) << joined(sr->warnings);
  EXPECT_TRUE(anyContains(sr->unmapped, "Annular tear type")) << joined(sr->unmapped);
}

TEST(SrImportBroken, ReferencesToImagesThatAreNotLoadedAreWarnings) {
  ANNULO_REQUIRE_PHANTOM();
  test::TempDir dir;
  const std::string path = (dir / "r.dcm").string();
  ASSERT_TRUE(exportSr(srtest::sampleSession(srtest::phantom()), srtest::sources(srtest::phantom()), path).ok());
  SrImportOptions options;
  options.loaded = {srtest::phantom().mr};  // the cine is not loaded
  auto sr = importSr(path, options);
  ASSERT_TRUE(sr.ok()) << sr.message();
  EXPECT_EQ(sr->tears.size(), 4u);
  EXPECT_TRUE(anyContains(sr->warnings, "tear 'T1' references image")) << joined(sr->warnings);
  EXPECT_TRUE(anyContains(sr->warnings, "which is not loaded")) << joined(sr->warnings);
  EXPECT_FALSE(anyContains(sr->warnings, "'T4'")) << joined(sr->warnings);
}

}  // namespace
}  // namespace annulo
