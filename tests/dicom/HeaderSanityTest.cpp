// Header values that parse but cannot be true: each one is refused with its
// reason or dropped with a warning in the series, never used silently. Every
// case mutates one attribute of a valid XA cine or MR slice built here.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "annulo/dicom/SeriesLoader.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::ImageSpec;
using test::TempDir;

ImageSpec validXa() {
  ImageSpec s;
  s.sopClassUid = "1.2.840.10008.5.1.4.1.1.12.1";
  s.modality = "XA";
  s.rows = 16;
  s.columns = 12;
  s.frames = 10;
  s.bitsStored = 12;
  s.imagerPixelSpacing = {{0.3, 0.3}};
  s.sid = 1000;
  s.sod = 800;
  s.frameTime = 33;
  s.windows = {{{2000, 4000}}};
  return s;
}

ImageSpec validMr() {
  ImageSpec s;
  s.position = {{-100, -120, 30}};
  s.orientation = {{1, 0, 0, 0, 1, 0}};
  s.pixelSpacing = {{0.5, 0.5}};
  s.writeRescale = true;
  s.slope = 2;
  s.intercept = -10;
  s.windows = {{{100, 200}}};
  return s;
}

using Mutation = std::function<void(DcmDataset*)>;

Mutation setString(const DcmTagKey& tag, const std::string& value) {
  return [tag, value](DcmDataset* ds) { ASSERT_TRUE(ds->putAndInsertString(tag, value.c_str()).good()); };
}

struct Loaded {
  LoadResult result;
  const Series& series() const { return result.series.at(0); }
  bool warns(const std::string& text) const {
    for (const auto& w : series().warnings)
      if (w.find(text) != std::string::npos) return true;
    return false;
  }
  std::string allWarnings() const {
    std::string out;
    for (const auto& w : series().warnings) out += w + " | ";
    return out;
  }
};

Loaded loadMutated(const ImageSpec& spec, const Mutation& mutate) {
  TempDir dir;
  const std::string path = (dir / "image.dcm").string();
  test::writeImage(spec, path);
  DcmFileFormat ff;
  EXPECT_TRUE(ff.loadFile(path.c_str()).good());
  mutate(ff.getDataset());
  EXPECT_TRUE(ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  auto r = loadSeries(path);
  EXPECT_TRUE(r.ok()) << r.message();
  Loaded out{std::move(r.value())};
  return out;
}

TEST(HeaderSanity, ValidFilesLoadWithoutWarnings) {
  const Loaded xa = loadMutated(validXa(), [](DcmDataset*) {});
  ASSERT_EQ(xa.result.series.size(), 1u);
  EXPECT_TRUE(xa.series().warnings.empty()) << xa.allWarnings();
  EXPECT_EQ(xa.series().calibration.kind, Calibration::MagnificationCorrected);
  EXPECT_NEAR(xa.series().spacing[0], 0.3 / 1.25, 1e-9);
  const Loaded mr = loadMutated(validMr(), [](DcmDataset*) {});
  EXPECT_TRUE(mr.series().warnings.empty()) << mr.allWarnings();
  EXPECT_TRUE(mr.series().hasPatientGeometry);
}

TEST(HeaderSanity, HighBitBelowBitsStoredKeepsThePixels) {
  const ImageSpec spec = validXa();
  const Loaded l = loadMutated(spec, [](DcmDataset* ds) { ds->putAndInsertUint16(DCM_HighBit, 3); });
  ASSERT_EQ(l.result.series.size(), 1u);
  EXPECT_TRUE(l.warns("HighBit 3 is inconsistent with BitsStored 12")) << l.allWarnings();
  const Series& s = l.series();
  // Frame 7, row 5, column 4 (the builder writes f*100 + r*10 + c).
  EXPECT_EQ(s.storedValue(7, std::size_t(5 * s.columns + 4)), 754.0);
  EXPECT_EQ(s.storedValue(9, std::size_t(15 * s.columns + 11)), 1061.0);
}

TEST(HeaderSanity, HighBitBeyondBitsAllocatedIsRepaired) {
  const Loaded l = loadMutated(validXa(), [](DcmDataset* ds) { ds->putAndInsertUint16(DCM_HighBit, 20); });
  EXPECT_TRUE(l.warns("HighBit 20 is inconsistent")) << l.allWarnings();
  EXPECT_EQ(l.series().storedValue(2, 3), 203.0);
}

TEST(HeaderSanity, ZeroOrNegativeImagerPixelSpacingFallsBackToPixels) {
  for (const char* value : {"0\\0", "-0.3\\-0.3", "0.3\\0"}) {
    const Loaded l = loadMutated(validXa(), setString(DCM_ImagerPixelSpacing, value));
    SCOPED_TRACE(value);
    EXPECT_TRUE(l.warns("ImagerPixelSpacing")) << l.allWarnings();
    EXPECT_EQ(l.series().calibration.kind, Calibration::None);
    EXPECT_EQ(l.series().spacing[0], 1.0);
    EXPECT_EQ(l.series().spacing[1], 1.0);
    EXPECT_NE(l.series().calibration.description.find("not a positive length"), std::string::npos)
        << l.series().calibration.description;
  }
}

TEST(HeaderSanity, SourceDetectorShorterThanSourcePatientIsNotAMagnification) {
  // 10 mm SID with 800 mm SOD: a factor of 0.0125 would make pixels 24 mm.
  const Loaded l = loadMutated(validXa(), setString(DCM_DistanceSourceToDetector, "10"));
  EXPECT_TRUE(l.warns("DistanceSourceToDetector 10 mm with DistanceSourceToPatient 800 mm is impossible"))
      << l.allWarnings();
  const Series& s = l.series();
  EXPECT_EQ(s.calibration.kind, Calibration::Detector);
  EXPECT_EQ(s.calibration.magnification, 0.0);
  EXPECT_NEAR(s.spacing[0], 0.3, 1e-12);
  EXPECT_NE(s.calibration.description.find("magnification not used"), std::string::npos) << s.calibration.description;
}

TEST(HeaderSanity, MagnificationFactorBelowOneIsNotUsed) {
  const Loaded l = loadMutated(validXa(), setString(DCM_EstimatedRadiographicMagnificationFactor, "0.0125"));
  EXPECT_TRUE(l.warns("EstimatedRadiographicMagnificationFactor 0.0125")) << l.allWarnings();
  // The distances (1000 / 800) still calibrate.
  EXPECT_EQ(l.series().calibration.kind, Calibration::MagnificationCorrected);
  EXPECT_NEAR(l.series().calibration.magnification, 1.25, 1e-12);
}

TEST(HeaderSanity, OverflowingRescaleIsIgnoredAndStatisticsStayFinite) {
  for (const char* slope : {"1e308", "inf", "NaN"}) {
    SCOPED_TRACE(slope);
    const Loaded l = loadMutated(validMr(), setString(DCM_RescaleSlope, slope));
    EXPECT_TRUE(l.warns("overflow the modality values: rescale ignored")) << l.allWarnings();
    EXPECT_EQ(l.series().slices[0].rescaleSlope, 1.0);
    EXPECT_EQ(l.series().slices[0].rescaleIntercept, 0.0);
    const ModalityStats st = computeModalityStats(l.series());
    EXPECT_TRUE(std::isfinite(st.mean));
    EXPECT_EQ(st.max, 75.0);  // row 7, column 5 of frame 0
  }
}

TEST(HeaderSanity, ZeroRescaleSlopeIsNamed) {
  const Loaded l = loadMutated(validMr(), setString(DCM_RescaleSlope, "0"));
  EXPECT_TRUE(l.warns("RescaleSlope 0")) << l.allWarnings();
  EXPECT_EQ(l.series().slices[0].rescaleSlope, 1.0);
}

TEST(HeaderSanity, NumberOfFramesNotANumberReadsWhatThePixelDataHolds) {
  const Loaded l = loadMutated(validXa(), setString(DCM_NumberOfFrames, "ten"));
  EXPECT_TRUE(l.warns("NumberOfFrames 'ten' is not a number: 10 frame(s) read")) << l.allWarnings();
  ASSERT_EQ(l.series().sliceCount(), 10u);
  EXPECT_EQ(l.series().storedValue(9, 0), 900.0);
}

TEST(HeaderSanity, NumberOfFramesNotANumberWithOddPixelDataIsRefused) {
  TempDir dir;
  const std::string path = (dir / "x.dcm").string();
  ImageSpec spec = validXa();
  spec.truncatePixels = 100;  // no longer a whole number of frames
  test::writeImage(spec, path);
  DcmFileFormat ff;
  ASSERT_TRUE(ff.loadFile(path.c_str()).good());
  ff.getDataset()->putAndInsertString(DCM_NumberOfFrames, "1O");  // letter O
  ASSERT_TRUE(ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  auto r = loadSeries(path);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_EQ(r->rejected[0].reason, "NumberOfFrames '1O' is not a number");
}

TEST(HeaderSanity, FewerFramesAnnouncedThanHeldIsNamed) {
  const Loaded l = loadMutated(validXa(), setString(DCM_NumberOfFrames, "1"));
  EXPECT_TRUE(l.warns("pixel data holds 10 frames but NumberOfFrames is 1")) << l.allWarnings();
  EXPECT_EQ(l.series().sliceCount(), 1u);
}

TEST(HeaderSanity, ZeroAndNegativeWindowWidthsAreDropped) {
  for (const char* width : {"0", "-50"}) {
    SCOPED_TRACE(width);
    const Loaded l = loadMutated(validXa(), setString(DCM_WindowWidth, width));
    EXPECT_TRUE(l.warns(std::string("width ") + width + " cannot be drawn")) << l.allWarnings();
    EXPECT_TRUE(l.series().windows.empty());
  }
  // One bad of two: the good one stays.
  const Loaded l = loadMutated(validXa(), [](DcmDataset* ds) {
    ds->putAndInsertString(DCM_WindowCenter, "2000\\500");
    ds->putAndInsertString(DCM_WindowWidth, "4000\\0");
  });
  ASSERT_EQ(l.series().windows.size(), 1u);
  EXPECT_EQ(l.series().windows[0].width, 4000.0);
}

TEST(HeaderSanity, DegenerateOrientationIsIgnored) {
  for (const char* o : {"0\\0\\0\\0\\0\\0", "1\\0\\0\\1\\0\\0", "1\\0\\0\\NaN\\1\\0"}) {
    SCOPED_TRACE(o);
    const Loaded l = loadMutated(validMr(), setString(DCM_ImageOrientationPatient, o));
    EXPECT_TRUE(l.warns("ImageOrientationPatient")) << l.allWarnings();
    EXPECT_TRUE(l.warns("orientation ignored")) << l.allWarnings();
    EXPECT_FALSE(l.series().hasPatientGeometry);
  }
}

TEST(HeaderSanity, NonUnitOrientationIsNormalised) {
  const Loaded l = loadMutated(validMr(), setString(DCM_ImageOrientationPatient, "2\\0\\0\\0\\3\\0"));
  EXPECT_TRUE(l.warns("not made of unit vectors: normalised")) << l.allWarnings();
  ASSERT_TRUE(l.series().hasPatientGeometry);
  EXPECT_NEAR(l.series().direction[0][0], 1.0, 1e-12);
  EXPECT_NEAR(l.series().direction[1][1], 1.0, 1e-12);
}

TEST(HeaderSanity, NanPositionIsIgnored) {
  const Loaded l = loadMutated(validMr(), setString(DCM_ImagePositionPatient, "NaN\\-120\\30"));
  EXPECT_TRUE(l.warns("ImagePositionPatient nan\\-120\\30 is not a number: position ignored")) << l.allWarnings();
  EXPECT_FALSE(l.series().hasPatientGeometry);
  const Vec3 p = l.series().pixelToPatient(1, 1, 0);
  EXPECT_TRUE(std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]));
}

TEST(HeaderSanity, NegativeFrameTimeIsIgnored) {
  const Loaded l = loadMutated(validXa(), setString(DCM_FrameTime, "-33"));
  EXPECT_TRUE(l.warns("FrameTime -33 is negative or not a number: ignored")) << l.allWarnings();
  EXPECT_EQ(l.series().frameRate(), 0.0);
  EXPECT_TRUE(l.warns("frame rate unknown")) << l.allWarnings();
}

TEST(HeaderSanity, NegativeFrameTimeVectorIsIgnored) {
  const Loaded l = loadMutated(validXa(), [](DcmDataset* ds) {
    ds->putAndInsertString(DCM_FrameTimeVector, "0\\33\\33\\-33\\33\\33\\33\\33\\33\\33");
    ds->putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTimeVector);
  });
  EXPECT_TRUE(l.warns("FrameTimeVector entry 4 is -33")) << l.allWarnings();
  EXPECT_EQ(l.series().timing.source, "FrameTime");  // falls back to the valid FrameTime
  EXPECT_NEAR(l.series().frameRate(), 1000.0 / 33, 1e-9);
}

TEST(HeaderSanity, EmptyVoiLutIsNamed) {
  const Loaded empty = loadMutated(validXa(), [](DcmDataset* ds) {
    DcmSequenceOfItems* seq = new DcmSequenceOfItems(DCM_VOILUTSequence);
    ASSERT_TRUE(ds->insert(seq, true).good());
  });
  EXPECT_TRUE(empty.warns("VOI LUT Sequence is empty: ignored")) << empty.allWarnings();
  EXPECT_FALSE(empty.series().voiLut.has_value());
  const Loaded noData = loadMutated(validXa(), [](DcmDataset* ds) {
    DcmItem* item = nullptr;
    ASSERT_TRUE(ds->findOrCreateSequenceItem(DCM_VOILUTSequence, item).good());
    const Uint16 desc[3] = {256, 0, 12};
    item->putAndInsertUint16Array(DCM_LUTDescriptor, desc, 3);
  });
  EXPECT_TRUE(noData.warns("VOI LUT declares 256 entries but holds 0: ignored")) << noData.allWarnings();
  EXPECT_FALSE(noData.series().voiLut.has_value());
}

TEST(HeaderSanity, WarningsReachTheCli) {
  TempDir dir;
  const std::string path = (dir / "xa.dcm").string();
  test::writeImage(validXa(), path);
  DcmFileFormat ff;
  ASSERT_TRUE(ff.loadFile(path.c_str()).good());
  ff.getDataset()->putAndInsertString(DCM_DistanceSourceToDetector, "10");
  ASSERT_TRUE(ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  std::string out;
  EXPECT_EQ(test::runCommand(test::cliPath() + " info " + path, &out), 0);
  EXPECT_NE(out.find("warning: DistanceSourceToDetector 10 mm"), std::string::npos) << out;
  EXPECT_NE(out.find("[detector:"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
