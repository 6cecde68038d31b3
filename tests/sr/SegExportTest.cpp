// DICOM SEG of the phantom's true label maps: segments, frames, source
// references and pixels read back with DCMTK's dcmseg; dciodvfy on the result.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <dcmtk/dcmseg/segutils.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "SrFixtures.h"
#include "annulo/sr/SrExport.h"

namespace annulo {
namespace {

using srtest::phantom;

std::vector<std::uint8_t> trueLabels(const srtest::PhantomData& p) {
  std::vector<std::uint8_t> labels;
  for (int f = 1; f <= p.truth.xa.frames; ++f) {
    const auto frame = phantomLabelMap(p.truth.xa, f);
    labels.insert(labels.end(), frame.begin(), frame.end());
  }
  return labels;
}

class SegExport : public ::testing::Test {
 protected:
  void SetUp() override {
    ANNULO_REQUIRE_PHANTOM();
    labels_ = trueLabels(phantom());
    path_ = (dir_ / "seg.dcm").string();
    auto out = exportSeg(*phantom().xa, labels_, path_);
    ASSERT_TRUE(out.ok()) << out.message();
    exported_ = *out;
  }
  test::TempDir dir_;
  std::vector<std::uint8_t> labels_;
  std::string path_;
  ExportedObject exported_;
};

TEST_F(SegExport, HasBothSegmentsAndOneFramePerNonEmptyMask) {
  DcmSegmentation* raw = nullptr;
  ASSERT_TRUE(DcmSegmentation::loadFile(path_.c_str(), raw).good());
  std::unique_ptr<DcmSegmentation> seg(raw);
  ASSERT_EQ(seg->getNumberOfSegments(), 2u);
  OFString label;
  ASSERT_TRUE(seg->getSegment(1)->getSegmentLabel(label).good());
  EXPECT_EQ(label, "intradiscal contrast");
  ASSERT_TRUE(seg->getSegment(2)->getSegmentLabel(label).good());
  EXPECT_EQ(label, "contrast leak");

  const std::size_t pixels = std::size_t(phantom().truth.xa.columns) * phantom().truth.xa.rows;
  std::size_t expectedFrames = 0;
  for (std::uint8_t s : {1, 2})
    for (int f = 0; f < phantom().truth.xa.frames; ++f)
      for (std::size_t i = 0; i < pixels; ++i)
        if (labels_[f * pixels + i] == s) {
          ++expectedFrames;
          break;
        }
  EXPECT_EQ(seg->getNumberOfFrames(), expectedFrames);
  EXPECT_GT(expectedFrames, 2u);
}

TEST_F(SegExport, EveryFrameReferencesItsSourceFrameAndMatchesTheLabels) {
  DcmSegmentation* raw = nullptr;
  ASSERT_TRUE(DcmSegmentation::loadFile(path_.c_str(), raw).good());
  std::unique_ptr<DcmSegmentation> seg(raw);
  const Uint16 rows = Uint16(phantom().truth.xa.rows), cols = Uint16(phantom().truth.xa.columns);
  const std::size_t pixels = std::size_t(rows) * cols;
  std::size_t leakPixelsChecked = 0;
  for (std::size_t i = 0; i < seg->getNumberOfFrames(); ++i) {
    SCOPED_TRACE("SEG frame " + std::to_string(i + 1));
    OFBool perFrame = OFFalse;
    auto* segFg =
        dynamic_cast<FGSegmentation*>(seg->getFunctionalGroups().get(i, DcmFGTypes::EFG_SEGMENTATION, perFrame));
    auto* derFg =
        dynamic_cast<FGDerivationImage*>(seg->getFunctionalGroups().get(i, DcmFGTypes::EFG_DERIVATIONIMAGE, perFrame));
    ASSERT_TRUE(segFg && derFg);
    Uint16 segment = 0;
    ASSERT_TRUE(segFg->getReferencedSegmentNumber(segment).good());
    ASSERT_EQ(derFg->getDerivationImageItems().size(), 1u);
    ASSERT_EQ(derFg->getDerivationImageItems()[0]->getSourceImageItems().size(), 1u);
    ImageSOPInstanceReferenceMacro& ref =
        derFg->getDerivationImageItems()[0]->getSourceImageItems()[0]->getImageSOPInstanceReference();
    OFString sop;
    ASSERT_TRUE(ref.getReferencedSOPInstanceUID(sop).good());
    EXPECT_EQ(std::string(sop.c_str()), phantom().truth.xa.sopInstanceUid);
    OFVector<Uint16> frames;
    ASSERT_TRUE(ref.getReferencedFrameNumber(frames).good());
    ASSERT_EQ(frames.size(), 1u);
    const int sourceFrame = frames[0];
    ASSERT_GE(sourceFrame, 1);
    ASSERT_LE(sourceFrame, phantom().truth.xa.frames);

    std::unique_ptr<DcmIODTypes::Frame> mask(DcmSegUtils::unpackBinaryFrame(seg->getFrame(i), rows, cols));
    ASSERT_TRUE(mask);
    const auto truth = phantomLabelMap(phantom().truth.xa, sourceFrame);
    std::size_t mismatches = 0;
    for (std::size_t p = 0; p < pixels; ++p) {
      const bool want = truth[p] == segment;
      if ((mask->pixData[p] != 0) != want) ++mismatches;
      if (want && segment == 2) ++leakPixelsChecked;
    }
    EXPECT_EQ(mismatches, 0u) << "segment " << segment << " on source frame " << sourceFrame;
  }
  EXPECT_GT(leakPixelsChecked, 0u) << "the phantom should leak in some frame";
}

TEST_F(SegExport, DciodvfyFindsNoErrors) {
  ANNULO_REQUIRE_TOOL("dciodvfy");
  std::string all;
  const auto errors = srtest::dciodvfyErrors(path_, &all);
  EXPECT_TRUE(errors.empty()) << all;
}

TEST_F(SegExport, SrReferencesTheLeakSegment) {
  Session session = srtest::sampleSession(phantom());
  SrExportOptions options;
  options.segSopInstanceUid = exported_.sopInstanceUid;
  options.segSeriesInstanceUid = exported_.seriesInstanceUid;
  const std::string srPath = (dir_ / "sr.dcm").string();
  auto sr = exportSr(session, srtest::sources(phantom()), srPath, options);
  ASSERT_TRUE(sr.ok()) << sr.message();
  auto imported = importSr(srPath);
  ASSERT_TRUE(imported.ok()) << imported.message();
  ASSERT_FALSE(imported->tears.empty());
  EXPECT_EQ(imported->tears[0].leakFigures->segmentationSopInstanceUid, exported_.sopInstanceUid);
  ANNULO_REQUIRE_TOOL("dciodvfy");
  std::string all;
  EXPECT_TRUE(srtest::dciodvfyErrors(srPath, &all).empty()) << all;
}

TEST(SegExportErrors, RejectsALabelMapOfTheWrongSize) {
  ANNULO_REQUIRE_PHANTOM();
  test::TempDir dir;
  std::vector<std::uint8_t> labels(10, 1);
  auto out = exportSeg(*phantom().xa, labels, (dir / "seg.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("128 x 128 x 12"), std::string::npos) << out.message();
}

TEST(SegExportErrors, RejectsLabelsOtherThanZeroOneTwo) {
  ANNULO_REQUIRE_PHANTOM();
  test::TempDir dir;
  std::vector<std::uint8_t> labels(128 * 128 * 12, 0);
  labels[500] = 7;
  auto out = exportSeg(*phantom().xa, labels, (dir / "seg.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("value 7"), std::string::npos) << out.message();
}

TEST(SegExportErrors, RejectsAnAllBackgroundLabelMap) {
  ANNULO_REQUIRE_PHANTOM();
  test::TempDir dir;
  std::vector<std::uint8_t> labels(128 * 128 * 12, 0);
  auto out = exportSeg(*phantom().xa, labels, (dir / "seg.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("all background"), std::string::npos) << out.message();
}

}  // namespace
}  // namespace annulo

namespace annulo {
namespace {

TEST(SegExportVolume, MrSeriesGetsPlaneGeometryAndValidates) {
  ANNULO_REQUIRE_PHANTOM();
  const Series& mr = *srtest::phantom().mr;
  const std::size_t pixels = std::size_t(mr.columns) * mr.rows;
  std::vector<std::uint8_t> labels(pixels * mr.slices.size(), 0);
  for (std::size_t s = 1; s + 1 < mr.slices.size(); ++s)
    for (int r = 20; r < 30; ++r)
      for (int c = 20; c < 30; ++c) labels[s * pixels + std::size_t(r) * mr.columns + c] = c < 25 ? 1 : 2;
  test::TempDir dir;
  const std::string path = (dir / "seg-mr.dcm").string();
  auto out = exportSeg(mr, labels, path);
  ASSERT_TRUE(out.ok()) << out.message();
  DcmSegmentation* raw = nullptr;
  ASSERT_TRUE(DcmSegmentation::loadFile(path.c_str(), raw).good());
  std::unique_ptr<DcmSegmentation> seg(raw);
  EXPECT_EQ(seg->getNumberOfFrames(), 2 * (mr.slices.size() - 2));
  OFString frameOfReference;
  ASSERT_TRUE(seg->getFrameOfReference().getFrameOfReferenceUID(frameOfReference).good());
  EXPECT_EQ(std::string(frameOfReference.c_str()), mr.series.frameOfReferenceUid);
  // Each frame's plane (PS3.3 C.7.6.16.2.3/4) is that of the MR slice it derives from.
  std::map<std::string, const SliceInfo*> sliceOf;
  for (const auto& sl : mr.slices) sliceOf[sl.sopInstanceUid] = &sl;
  std::map<std::string, int> framesPerSlice;
  for (std::size_t i = 0; i < seg->getNumberOfFrames(); ++i) {
    SCOPED_TRACE("SEG frame " + std::to_string(i + 1));
    OFBool perFrame = OFFalse;
    auto& groups = seg->getFunctionalGroups();
    auto* derFg = dynamic_cast<FGDerivationImage*>(groups.get(i, DcmFGTypes::EFG_DERIVATIONIMAGE, perFrame));
    auto* posFg = dynamic_cast<FGPlanePosPatient*>(groups.get(i, DcmFGTypes::EFG_PLANEPOSPATIENT, perFrame));
    auto* oriFg = dynamic_cast<FGPlaneOrientationPatient*>(groups.get(i, DcmFGTypes::EFG_PLANEORIENTPATIENT, perFrame));
    ASSERT_TRUE(derFg && posFg && oriFg);
    ASSERT_EQ(derFg->getDerivationImageItems().size(), 1u);
    ASSERT_EQ(derFg->getDerivationImageItems()[0]->getSourceImageItems().size(), 1u);
    OFString sop;
    ASSERT_TRUE(derFg->getDerivationImageItems()[0]
                    ->getSourceImageItems()[0]
                    ->getImageSOPInstanceReference()
                    .getReferencedSOPInstanceUID(sop)
                    .good());
    ASSERT_TRUE(sliceOf.count(sop.c_str())) << sop;
    const SliceInfo& source = *sliceOf[sop.c_str()];
    ++framesPerSlice[sop.c_str()];
    Float64 x = 0, y = 0, z = 0;
    ASSERT_TRUE(posFg->getImagePositionPatient(x, y, z).good());
    EXPECT_NEAR(x, source.position[0], 1e-4);
    EXPECT_NEAR(y, source.position[1], 1e-4);
    EXPECT_NEAR(z, source.position[2], 1e-4);
    Float64 o[6] = {};
    ASSERT_TRUE(oriFg->getImageOrientationPatient(o[0], o[1], o[2], o[3], o[4], o[5]).good());
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(o[k], mr.direction[0][std::size_t(k)], 1e-5) << "row direction " << k;
      EXPECT_NEAR(o[3 + k], mr.direction[1][std::size_t(k)], 1e-5) << "column direction " << k;
    }
  }
  EXPECT_EQ(framesPerSlice.size(), mr.slices.size() - 2) << "every labelled slice, once per segment";
  for (const auto& [uid, n] : framesPerSlice) EXPECT_EQ(n, 2) << uid;
  ANNULO_REQUIRE_TOOL("dciodvfy");
  std::string all;
  EXPECT_TRUE(srtest::dciodvfyErrors(path, &all).empty()) << all;
}

}  // namespace
}  // namespace annulo
