// The SEG's plane geometry and Frame of Reference handling (issue 17): what
// web viewers and dcmqi need to place frames, on the phantom's XA (no FoR),
// an XA that carries a FoR UID anyway (used to fail "Invalid Object"), and MR.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "SrFixtures.h"
#include "annulo/sr/SrExport.h"

namespace annulo {
namespace {

using srtest::phantom;

std::vector<std::uint8_t> phantomLabels(const XaTruth& xa) {
  std::vector<std::uint8_t> labels;
  for (int f = 1; f <= xa.frames; ++f) {
    const auto frame = phantomLabelMap(xa, f);
    labels.insert(labels.end(), frame.begin(), frame.end());
  }
  return labels;
}

std::string sharedString(DcmDataset& ds, const DcmTagKey& sequence, const DcmTagKey& tag) {
  DcmItem* shared = nullptr;
  DcmItem* group = nullptr;
  OFString value;
  if (ds.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good() && shared &&
      shared->findAndGetSequenceItem(sequence, group, 0).good() && group)
    group->findAndGetOFStringArray(tag, value);
  return value.c_str();
}

// Per-frame Plane Position of every frame (empty strings where absent).
std::vector<std::string> perFramePositions(DcmDataset& ds) {
  std::vector<std::string> out;
  DcmSequenceOfItems* frames = nullptr;
  if (ds.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, frames).bad() || !frames) return out;
  for (unsigned long i = 0; i < frames->card(); ++i) {
    DcmItem* position = nullptr;
    OFString value;
    if (frames->getItem(i)->findAndGetSequenceItem(DCM_PlanePositionSequence, position, 0).good() && position)
      position->findAndGetOFStringArray(DCM_ImagePositionPatient, value);
    out.push_back(value.c_str());
  }
  return out;
}

struct Written {
  DcmFileFormat file;
  std::string dciodvfy;
  std::vector<std::string> errors;
};

void exportAndRead(const Series& source, const std::vector<std::uint8_t>& labels, const std::string& path, Written& w) {
  auto out = exportSeg(source, labels, path);
  ASSERT_TRUE(out.ok()) << out.message();
  ASSERT_TRUE(w.file.loadFile(path.c_str()).good());
  if (srtest::haveTool("dciodvfy")) w.errors = srtest::dciodvfyErrors(path, &w.dciodvfy);
}

TEST(SegGeometry, ProjectionGetsTheDetectorPlaneOrientationAndPixelMeasuresButNoFrameOfReference) {
  ANNULO_REQUIRE_PHANTOM();
  test::TempDir dir;
  Written w;
  exportAndRead(*phantom().xa, phantomLabels(phantom().truth.xa), (dir / "seg.dcm").string(), w);
  DcmDataset& ds = *w.file.getDataset();
  EXPECT_EQ(sharedString(ds, DCM_PlaneOrientationSequence, DCM_ImageOrientationPatient), "1\\0\\0\\0\\1\\0");
  EXPECT_FALSE(sharedString(ds, DCM_PixelMeasuresSequence, DCM_PixelSpacing).empty());
  EXPECT_FALSE(ds.tagExists(DCM_FrameOfReferenceUID));
  for (const auto& p : perFramePositions(ds)) EXPECT_TRUE(p.empty()) << "a projection without FoR has no position";
  EXPECT_TRUE(w.errors.empty()) << w.dciodvfy;
  // Segment colours viewers show (PS3.3 C.8.20.2 Recommended Display CIELab Value).
  DcmSequenceOfItems* segments = nullptr;
  ASSERT_TRUE(ds.findAndGetSequence(DCM_SegmentSequence, segments).good());
  ASSERT_EQ(segments->card(), 2u);
  for (unsigned long i = 0; i < 2; ++i) {
    OFString lab, label;
    EXPECT_TRUE(segments->getItem(i)->findAndGetOFStringArray(DCM_RecommendedDisplayCIELabValue, lab).good());
    EXPECT_EQ(std::count(lab.begin(), lab.end(), '\\'), 2) << lab;
    EXPECT_TRUE(segments->getItem(i)->findAndGetOFString(DCM_SegmentLabel, label).good());
  }
}

TEST(SegGeometry, ProjectionWithAFrameOfReferenceUidKeepsItAndValidates) {
  ANNULO_REQUIRE_PHANTOM();
  // An independently made XA with a FoR UID (some systems write one): the phantom's cine plus the UID.
  test::TempDir dir;
  const std::string src = phantom().xa->slices.front().file;
  const auto copy = dir / "xa" / "xa-with-for.dcm";
  std::filesystem::create_directories(copy.parent_path());
  DcmFileFormat xa;
  ASSERT_TRUE(xa.loadFile(src.c_str()).good());
  const std::string forUid = "2.25.271828182845904523536028747135266249";
  ASSERT_TRUE(xa.getDataset()->putAndInsertString(DCM_FrameOfReferenceUID, forUid.c_str()).good());
  ASSERT_TRUE(xa.getDataset()->putAndInsertString(DCM_PositionReferenceIndicator, "").good());
  ASSERT_TRUE(xa.saveFile(copy.string().c_str(), EXS_LittleEndianExplicit).good());
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries(copy.parent_path().string(), lo);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  ASSERT_EQ(loaded->series.size(), 1u);
  const Series& series = loaded->series.front();
  ASSERT_EQ(series.series.frameOfReferenceUid, forUid);
  ASSERT_FALSE(series.hasPatientGeometry);

  Written w;
  exportAndRead(series, phantomLabels(phantom().truth.xa), (dir / "seg.dcm").string(), w);
  DcmDataset& ds = *w.file.getDataset();
  OFString value;
  ASSERT_TRUE(ds.findAndGetOFString(DCM_FrameOfReferenceUID, value).good());
  EXPECT_EQ(std::string(value.c_str()), forUid);
  EXPECT_EQ(sharedString(ds, DCM_PlaneOrientationSequence, DCM_ImageOrientationPatient), "1\\0\\0\\0\\1\\0");
  const auto positions = perFramePositions(ds);
  ASSERT_FALSE(positions.empty());
  for (const auto& p : positions) EXPECT_EQ(p, "0\\0\\0");
  EXPECT_TRUE(w.errors.empty()) << w.dciodvfy;
}

TEST(SegGeometry, VolumeGetsItsOwnOrientationAndAPositionPerFrame) {
  ANNULO_REQUIRE_PHANTOM();
  const Series& mr = *phantom().mr;
  const std::size_t pixels = std::size_t(mr.columns) * mr.rows;
  std::vector<std::uint8_t> labels(pixels * mr.slices.size(), 0);
  for (std::size_t s = 0; s < mr.slices.size(); ++s) labels[s * pixels + 5 * mr.columns + 5] = 2;
  test::TempDir dir;
  Written w;
  exportAndRead(mr, labels, (dir / "seg.dcm").string(), w);
  DcmDataset& ds = *w.file.getDataset();
  const auto& d = mr.direction;
  const std::string iop = sharedString(ds, DCM_PlaneOrientationSequence, DCM_ImageOrientationPatient);
  double v[6];
  ASSERT_EQ(std::sscanf(iop.c_str(), "%lf\\%lf\\%lf\\%lf\\%lf\\%lf", v, v + 1, v + 2, v + 3, v + 4, v + 5), 6) << iop;
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(v[k], d[0][k], 1e-6);
    EXPECT_NEAR(v[3 + k], d[1][k], 1e-6);
  }
  const auto positions = perFramePositions(ds);
  ASSERT_EQ(positions.size(), mr.slices.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    double p[3];
    ASSERT_EQ(std::sscanf(positions[i].c_str(), "%lf\\%lf\\%lf", p, p + 1, p + 2), 3);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(p[k], mr.slices[i].position[k], 1e-4);
  }
  EXPECT_TRUE(w.errors.empty()) << w.dciodvfy;
}

}  // namespace
}  // namespace annulo
