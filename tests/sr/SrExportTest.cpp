// SR export on the phantom: validates with dciodvfy, prints with dsrdump, reads
// back with DCMTK as written, and imports to the same tears.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrimgtn.h>
#include <dcmtk/dcmsr/dsrscotn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "SrFixtures.h"
#include "annulo/sr/SrExport.h"

namespace annulo {
namespace {

using srtest::phantom;

class SrExport : public ::testing::Test {
 protected:
  void SetUp() override { ANNULO_REQUIRE_PHANTOM(); }
  std::string exportSample(const Session& session, const SrExportOptions& options = {}) {
    const std::string path = (dir_ / "report.dcm").string();
    auto out = exportSr(session, srtest::sources(phantom()), path, options);
    EXPECT_TRUE(out.ok()) << out.message();
    if (out) exported_ = *out;
    return path;
  }
  test::TempDir dir_;
  ExportedObject exported_;
};

TEST_F(SrExport, WritesComprehensive3DSrWhenAnyTearIsSpatial) {
  exportSample(srtest::sampleSession(phantom()));
  EXPECT_EQ(exported_.sopClassUid, UID_Comprehensive3DSRStorage);
  EXPECT_EQ(exported_.sopInstanceUid.rfind("2.25.", 0), 0u);
  EXPECT_EQ(exported_.seriesInstanceUid.rfind("2.25.", 0), 0u);
  EXPECT_TRUE(exported_.warnings.empty()) << exported_.warnings.front();
}

TEST_F(SrExport, WritesComprehensiveSrWhenAllTearsArePlanar) {
  Session session = srtest::sampleSession(phantom());
  session.tears.pop_back();  // T4 is the 3D one
  exportSample(session);
  EXPECT_EQ(exported_.sopClassUid, UID_ComprehensiveSRStorage);
}

TEST_F(SrExport, DciodvfyReportsNoErrors) {
  ANNULO_REQUIRE_TOOL("dciodvfy");
  for (bool with3D : {true, false}) {
    Session session = srtest::sampleSession(phantom());
    if (!with3D) session.tears.pop_back();
    const std::string path = exportSample(session);
    std::string all;
    const auto errors = srtest::dciodvfyErrors(path, &all);
    EXPECT_TRUE(errors.empty()) << (with3D ? "3D: " : "2D: ") << all;
  }
}

TEST_F(SrExport, DsrdumpPrintsTheTrackingIdentifiers) {
  ANNULO_REQUIRE_TOOL("dsrdump");
  const std::string path = exportSample(srtest::sampleSession(phantom()));
  std::string out;
  ASSERT_EQ(test::runCommand("dsrdump +Pl '" + path + "' 2>&1", &out), 0) << out;
  // Cornerstone3D's form, tool from the geometry, our label last (TrackingIdentifier.h).
  for (const char* id :
       {"\"Cornerstone3DTools@^0.1.0:Probe:T1\"", "\"Cornerstone3DTools@^0.1.0:PlanarFreehandROI:T2\"",
        "\"Cornerstone3DTools@^0.1.0:PlanarFreehandROI:T3\"", "\"Cornerstone3DTools@^0.1.0:Probe:T4\""})
    EXPECT_NE(out.find(id), std::string::npos) << id;
  EXPECT_NE(out.find("Imaging Measurement Report"), std::string::npos);
  EXPECT_NE(out.find("Annular tear"), std::string::npos);
  EXPECT_NE(out.find("Level of L4/L5 intervertebral disc"), std::string::npos);
  EXPECT_NE(out.find("COMPLETE"), std::string::npos);
}

TEST_F(SrExport, ImportRestoresEveryFieldOfEveryTear) {
  const Session session = srtest::sampleSession(phantom());
  const std::string path = exportSample(session);
  SrImportOptions options;
  options.loaded = srtest::sources(phantom());
  auto imported = importSr(path, options);
  ASSERT_TRUE(imported.ok()) << imported.message();
  EXPECT_TRUE(imported->warnings.empty()) << imported->warnings.front();
  EXPECT_TRUE(imported->unmapped.empty()) << imported->unmapped.front();
  EXPECT_EQ(imported->documentTitle, "Imaging Measurement Report");
  EXPECT_EQ(imported->observer, session.observer);
  EXPECT_EQ(imported->completionFlag, "COMPLETE");
  EXPECT_EQ(imported->sopInstanceUid, exported_.sopInstanceUid);
  ASSERT_EQ(imported->tears.size(), session.tears.size());
  for (std::size_t i = 0; i < session.tears.size(); ++i) srtest::expectSameTear(session.tears[i], imported->tears[i]);
}

TEST_F(SrExport, DcmtkReadsTheDocumentAsWritten) {
  const Session session = srtest::sampleSession(phantom());
  const std::string path = exportSample(session);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  DcmDataset& ds = *file.getDataset();
  DSRDocument doc;
  ASSERT_TRUE(doc.read(ds).good());
  EXPECT_EQ(doc.getCompletionFlag(), DSRTypes::CF_Complete);
  EXPECT_TRUE(doc.getTree().isValid());

  // Patient and study come from the source images.
  OFString value;
  ASSERT_TRUE(ds.findAndGetOFString(DCM_PatientID, value).good());
  EXPECT_EQ(value, "PHANTOM-7");
  ASSERT_TRUE(ds.findAndGetOFString(DCM_StudyInstanceUID, value).good());
  EXPECT_EQ(std::string(value.c_str()), phantom().truth.studyInstanceUid);
  // The equipment that made the report is Annulo (as in the SEG and GSPS), not the source modality.
  ASSERT_TRUE(ds.findAndGetOFString(DCM_Manufacturer, value).good());
  EXPECT_EQ(std::string(value.c_str()), "Annulo");
  EXPECT_NE(std::string(value.c_str()), phantom().xa->equipment.manufacturer);

  // The private scheme is declared; every referenced image is evidence.
  EXPECT_TRUE(doc.getCodingSchemeIdentification().gotoItem("99ANNULO").good());
  DSRSOPInstanceReferenceList& evidence = doc.getCurrentRequestedProcedureEvidence();
  EXPECT_TRUE(
      evidence.gotoItem(UID_XRayAngiographicImageStorage, phantom().xa->slices[0].sopInstanceUid.c_str()).good());
  EXPECT_TRUE(evidence.gotoItem(UID_MRImageStorage, srtest::mrHizSlice(phantom()).sopInstanceUid.c_str()).good());

  // T1's point: SCOORD origin is the pixel corner (+0.5), SELECTED FROM frame 9.
  DSRDocumentTree& tree = doc.getTree();
  ASSERT_GT(tree.gotoNamedNode(DSRCodedEntryValue("111030", "DCM", "Image Region")), 0u);
  DSRSpatialCoordinatesValue* scoord = tree.getCurrentContentItem().getSpatialCoordinatesPtr();
  ASSERT_NE(scoord, nullptr);
  EXPECT_EQ(scoord->getGraphicType(), DSRTypes::GT_Point);
  const DSRGraphicDataItem& p = scoord->getGraphicDataList().getItem(1);
  EXPECT_NEAR(p.Column, session.tears[0].geometry.points[0][0] + 0.5, 1e-4);
  EXPECT_NEAR(p.Row, session.tears[0].geometry.points[0][1] + 0.5, 1e-4);
  ASSERT_GT(tree.goDown(), 0u);
  EXPECT_EQ(tree.getCurrentContentItem().getRelationshipType(), DSRTypes::RT_selectedFrom);
  const DSRImageReferenceValue& image = tree.getCurrentContentItem().getImageReference();
  EXPECT_EQ(std::string(image.getSOPInstanceUID().c_str()), phantom().xa->slices[0].sopInstanceUid);
  ASSERT_EQ(image.getFrameList().getNumberOfItems(), 1u);
  EXPECT_EQ(image.getFrameList().getItem(1), 9);
}

TEST_F(SrExport, PolygonIsAClosedPolylineRepeatingItsFirstPoint) {
  Session session = srtest::sampleSession(phantom());
  session.tears = {session.tears[2]};  // T3, the polygon
  const std::string path = exportSample(session);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  DSRDocument doc;
  ASSERT_TRUE(doc.read(*file.getDataset()).good());
  ASSERT_GT(doc.getTree().gotoNamedNode(DSRCodedEntryValue("111030", "DCM", "Image Region")), 0u);
  DSRSpatialCoordinatesValue* scoord = doc.getTree().getCurrentContentItem().getSpatialCoordinatesPtr();
  ASSERT_NE(scoord, nullptr);
  EXPECT_EQ(scoord->getGraphicType(), DSRTypes::GT_Polyline);
  const auto& list = scoord->getGraphicDataList();
  ASSERT_EQ(list.getNumberOfItems(), session.tears[0].geometry.points.size() + 1);
  EXPECT_EQ(list.getItem(1).Column, list.getItem(list.getNumberOfItems()).Column);
  EXPECT_EQ(list.getItem(1).Row, list.getItem(list.getNumberOfItems()).Row);
}

TEST_F(SrExport, FillsCalibrationFromTheSeriesWhenTheTearHasNone) {
  Session session = srtest::sampleSession(phantom());
  session.tears = {session.tears[0]};
  session.tears[0].leakFigures->calibration.clear();
  session.tears[0].catheter->calibration.clear();
  const std::string path = exportSample(session);
  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok()) << imported.message();
  ASSERT_EQ(imported->tears.size(), 1u);
  const std::string expected = calibrationName(phantom().xa->calibration.kind);
  EXPECT_EQ(expected, "magnification-corrected");
  EXPECT_EQ(imported->tears[0].leakFigures->calibration, expected);
  EXPECT_EQ(imported->tears[0].catheter->calibration, expected);
}

TEST_F(SrExport, ReferencesTheSegmentationWhenGiven) {
  Session session = srtest::sampleSession(phantom());
  SrExportOptions options;
  options.segSopInstanceUid = "2.25.987654321";
  options.segSeriesInstanceUid = "2.25.987654320";
  const std::string path = exportSample(session, options);
  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok()) << imported.message();
  // Only tears with leak figures are linked to the segmentation; the others reference no segment.
  ASSERT_EQ(imported->tears.size(), session.tears.size());
  for (std::size_t i = 0; i < session.tears.size(); ++i) {
    const auto& tear = imported->tears[i];
    ASSERT_EQ(tear.leakFigures.has_value(), session.tears[i].leakFigures.has_value()) << tear.id;
    if (tear.leakFigures) EXPECT_EQ(tear.leakFigures->segmentationSopInstanceUid, options.segSopInstanceUid) << tear.id;
  }
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  DSRDocument doc;
  ASSERT_TRUE(doc.read(*file.getDataset()).good());
  EXPECT_TRUE(doc.getCurrentRequestedProcedureEvidence().gotoItem(UID_SegmentationStorage, "2.25.987654321").good());
}

TEST_F(SrExport, SegmentationUidWithoutItsSeriesIsAnError) {
  SrExportOptions options;
  options.segSopInstanceUid = "2.25.987654321";
  auto out = exportSr(srtest::sampleSession(phantom()), srtest::sources(phantom()), (dir_ / "r.dcm").string(), options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("Series Instance UID"), std::string::npos) << out.message();
}

TEST_F(SrExport, RefusesAnImageThatIsNotLoaded) {
  Session session = srtest::sampleSession(phantom());
  session.tears[1].geometry.image.sopInstanceUid = "2.25.42";
  auto out = exportSr(session, srtest::sources(phantom()), (dir_ / "r.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("'T2'"), std::string::npos) << out.message();
  EXPECT_NE(out.message().find("2.25.42"), std::string::npos) << out.message();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "r.dcm"));
}

TEST_F(SrExport, RefusesAMultiFrameReferenceWithoutFrameNumber) {
  Session session = srtest::sampleSession(phantom());
  session.tears[0].geometry.image.frameNumber = 0;
  auto out = exportSr(session, srtest::sources(phantom()), (dir_ / "r.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("multi-frame"), std::string::npos) << out.message();

  session.tears[0].geometry.image.frameNumber = 13;  // the cine has 12
  out = exportSr(session, srtest::sources(phantom()), (dir_ / "r.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("frame 13"), std::string::npos) << out.message();
}

TEST_F(SrExport, RefusesSpatialGeometryWithoutFrameOfReference) {
  Session session = srtest::sampleSession(phantom());
  session.tears[3].geometry.frameOfReferenceUid.clear();
  auto out = exportSr(session, srtest::sources(phantom()), (dir_ / "r.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("frame of reference"), std::string::npos) << out.message();
}

TEST_F(SrExport, AnEmptySessionGivesAValidReportWithoutGroups) {
  Session session = srtest::sampleSession(phantom());
  session.tears.clear();
  const std::string path = exportSample(session);
  auto imported = importSr(path);
  ASSERT_TRUE(imported.ok()) << imported.message();
  EXPECT_TRUE(imported->tears.empty());
  ASSERT_EQ(imported->warnings.size(), 1u);
  EXPECT_NE(imported->warnings[0].find("no measurement group"), std::string::npos) << imported->warnings[0];
  ANNULO_REQUIRE_TOOL("dciodvfy");
  std::string all;
  EXPECT_TRUE(srtest::dciodvfyErrors(path, &all).empty()) << all;
}

TEST_F(SrExport, RefusesImagesOfAnotherPatient) {
  const Series& mr = *phantom().mr;  // the identifiers of the MR, another patient's ID
  Series otherPatient;
  otherPatient.patient = mr.patient;
  otherPatient.patient.id = "SOMEONE-ELSE";
  otherPatient.study = mr.study;
  otherPatient.series = mr.series;
  otherPatient.slices = mr.slices;
  otherPatient.header = mr.header;
  auto out = exportSr(srtest::sampleSession(phantom()), {phantom().xa, &otherPatient}, (dir_ / "r.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("SOMEONE-ELSE"), std::string::npos) << out.message();
}

TEST_F(SrExport, CompletesAnImageReferenceGivenOnlyByInstanceUid) {
  Session session = srtest::sampleSession(phantom());
  session.tears = {session.tears[1]};
  const Session expected = session;
  session.tears[0].geometry.image.sopClassUid.clear();
  session.tears[0].geometry.image.seriesInstanceUid.clear();
  session.tears[0].geometry.image.studyInstanceUid.clear();
  auto imported = importSr(exportSample(session));
  ASSERT_TRUE(imported.ok()) << imported.message();
  ASSERT_EQ(imported->tears.size(), 1u);
  srtest::expectSameTear(expected.tears[0], imported->tears[0]);
}

}  // namespace
}  // namespace annulo

namespace annulo {
namespace {

// SCOORD read by an independent reader (pydicom walking the content tree), not
// round-tripped through our own reader, where a missing +0.5 on both sides
// would cancel out: model (0,0) is the centre of the top-left pixel, SCOORD's
// origin its top-left corner (PS3.3 C.18.6.1.1).
TEST_F(SrExport, ScoordPolylinesReadByPydicomArePixelCentresPlusAHalf) {
  if (test::runCommand("/usr/bin/python3 -c 'import pydicom' 2>/dev/null") != 0)
    ANNULO_SKIP_MISSING("python3-pydicom (tools/setup.sh installs it)");
  const Session session = srtest::sampleSession(phantom());
  const std::string path = exportSample(session);
  const std::string script = (dir_ / "scoord.py").string();
  std::ofstream(script) << R"(import sys, pydicom
def walk(items):
    for it in items:
        if it.get('ValueType') == 'SCOORD':
            print(it.GraphicType, ' '.join(repr(float(v)) for v in it.GraphicData))
        if 'ContentSequence' in it:
            walk(it.ContentSequence)
walk(pydicom.dcmread(sys.argv[1]).ContentSequence)
)";
  std::string out;
  ASSERT_EQ(test::runCommand("/usr/bin/python3 '" + script + "' '" + path + "'", &out), 0) << out;
  std::vector<std::pair<std::string, std::vector<double>>> scoords;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream ls(line);
    std::pair<std::string, std::vector<double>> s;
    ls >> s.first;
    for (double v; ls >> v;) s.second.push_back(v);
    scoords.push_back(s);
  }
  auto expectScoord = [&](const TearAnnotation& tear, const std::string& type, bool closed) {
    std::vector<double> want;
    for (const auto& p : tear.geometry.points) want.insert(want.end(), {p[0] + 0.5, p[1] + 0.5});
    if (closed) want.insert(want.end(), {want[0], want[1]});
    auto count = [&](double shift) {
      int n = 0;
      for (const auto& [t, values] : scoords) {
        if (t != type || values.size() != want.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < want.size(); ++i)
          same = same && std::abs(values[i] - (want[i] - 0.5 + shift)) < 1e-4;
        n += same;
      }
      return n;
    };
    // At the group, and for a tear with measurements once more as their INFERRED FROM
    // geometry (the web viewers' adapters need it, MeasurementGroupWriter.cpp): every
    // copy shifted, none left at the unshifted points.
    EXPECT_GE(count(0.5), 1) << tear.id << ": no " << type << " with the points + 0.5 in\n" << out;
    EXPECT_EQ(count(0.0), 0) << tear.id << ": a " << type << " without the + 0.5 shift in\n" << out;
  };
  int checked = 0;
  for (const auto& t : session.tears) {
    if (t.geometry.kind == GeometryKind::Polyline) expectScoord(t, "POLYLINE", false), ++checked;
    if (t.geometry.kind == GeometryKind::Polygon) expectScoord(t, "POLYLINE", true), ++checked;
    if (t.geometry.kind == GeometryKind::Point) expectScoord(t, "POINT", false), ++checked;
  }
  EXPECT_GE(checked, 3) << "the sample session has a point, a polyline and a polygon";
}

}  // namespace
}  // namespace annulo
