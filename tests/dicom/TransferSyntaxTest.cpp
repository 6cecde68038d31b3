// Every transfer syntax DCMTK decodes gives the pixels of its uncompressed twin,
// on real files written by other projects (../shared/dicom-samples).

#include <dcmtk/dcmimage/diregist.h>  // colour support for DicomImage
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmimgle/dipixel.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "annulo/dicom/SeriesLoader.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::sample;

Series loadOne(const std::filesystem::path& p) {
  auto r = loadSeries(p.string());
  if (!r.ok()) throw AnnuloError(r.message());
  if (r->series.size() != 1)
    throw AnnuloError(p.string() + ": expected one series, got " + std::to_string(r->series.size()) +
                      (r->rejected.empty() ? "" : " (" + r->rejected[0].reason + ")"));
  return std::move(r->series[0]);
}

// Largest absolute difference of modality values, frame by frame.
double maxDifference(const Series& a, const Series& b) {
  EXPECT_EQ(a.columns, b.columns);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.sliceCount(), b.sliceCount());
  double worst = 0;
  for (std::size_t s = 0; s < a.sliceCount(); ++s)
    for (std::size_t i = 0; i < a.sliceSamples(); ++i)
      worst = std::max(worst, std::abs(a.modalityValue(s, i) - b.modalityValue(s, i)));
  return worst;
}

double meanDifference(const Series& a, const Series& b) {
  double sum = 0;
  for (std::size_t s = 0; s < a.sliceCount(); ++s)
    for (std::size_t i = 0; i < a.sliceSamples(); ++i) sum += std::abs(a.modalityValue(s, i) - b.modalityValue(s, i));
  return sum / double(a.sliceCount() * a.sliceSamples());
}

struct Twin {
  const char* reference;
  const char* other;
  double maxAllowed;  // 0 for lossless
  double meanAllowed = 0;
};

class TransferSyntaxTwin : public ::testing::TestWithParam<Twin> {};

TEST_P(TransferSyntaxTwin, DecodesToTheSamePixels) {
  const auto ref = sample(GetParam().reference), other = sample(GetParam().other);
  ANNULO_REQUIRE_SAMPLE(ref);
  ANNULO_REQUIRE_SAMPLE(other);
  const Series a = loadOne(ref), b = loadOne(other);
  if (GetParam().maxAllowed == 0) {
    EXPECT_EQ(maxDifference(a, b), 0) << GetParam().other;
  } else {
    // Lossy: bounds a little above the error measured with DCMTK's codecs, so
    // a decoding slip (an offset, a wrong precision) fails rather than hides.
    const double mean = meanDifference(a, b), worst = maxDifference(a, b);
    std::cout << "[ info ] " << GetParam().other << ": max " << worst << ", mean " << mean << "\n";
    EXPECT_LE(mean, GetParam().meanAllowed) << GetParam().other;
    EXPECT_LE(worst, GetParam().maxAllowed) << GetParam().other;
  }
}

#define CS "gh-cornerstone3D/CTImage.dcm"
INSTANTIATE_TEST_SUITE_P(
    RealSamples, TransferSyntaxTwin,
    ::testing::Values(Twin{CS, CS "_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm", 0},
                      Twin{CS, CS "_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm", 0},
                      Twin{CS, CS "_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm", 0},
                      Twin{CS, CS "_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm", 0},
                      Twin{CS, CS "_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm", 0},
                      Twin{CS, CS "_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm", 0},
                      Twin{CS, CS "_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm", 0},
                      Twin{"gh-dicom-test-files/XA1_UNC", "gh-dicom-test-files/XA1_JPLL", 0},
                      Twin{"gh-dicom-test-files/XA1_UNC", "gh-dicom-test-files/XA1_JLSL", 0},
                      Twin{"gh-dicom-test-files/XA1_UNC", "gh-dicom-test-files/XA1_RLE", 0},
                      // Measured 2026-12-02: JPEG-LS near-lossless max 4 (its NEAR bound, exact), mean 1.963;
                      // JPEG baseline max 116, mean 2.165.
                      Twin{"gh-dicom-test-files/XA1_UNC", "gh-dicom-test-files/XA1_JLSN", 4, 2.1},
                      Twin{"gh-dicom-test-files/XA1_UNC", "gh-dicom-test-files/XA1_JPLY", 124, 2.4},
                      Twin{"gh-dicom-test-files/MR1_JPLL", "gh-dicom-test-files/MR1_JLSL", 0},
                      Twin{"gh-dicom-test-files/MR1_JPLL", "gh-dicom-test-files/MR1_RLE", 0},
                      Twin{"gh-pydicom-data/emri_small.dcm", "gh-pydicom-data/emri_small_RLE.dcm", 0},
                      Twin{"gh-pydicom-data/emri_small.dcm", "gh-pydicom-data/emri_small_big_endian.dcm", 0},
                      Twin{"gh-pydicom-data/emri_small.dcm", "gh-pydicom-data/emri_small_jpeg_ls_lossless.dcm", 0}),
    [](const ::testing::TestParamInfo<Twin>& info) {
      std::string name = std::filesystem::path(info.param.other).filename().string();
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name.substr(std::max<std::ptrdiff_t>(0, std::ptrdiff_t(name.size()) - 60));
    });
#undef CS

// DCMTK's own whole-image pipeline (DicomImage) is an independent oracle for
// modality values: it decodes the whole dataset and applies the modality LUT.
void expectMatchesDicomImage(const std::filesystem::path& p) {
  const Series s = loadOne(p);
  DicomImage img(p.c_str(), CIF_UsePartialAccessToPixelData, 0, 0);
  ASSERT_EQ(img.getStatus(), EIS_Normal) << DicomImage::getString(img.getStatus());
  ASSERT_EQ(img.getFrameCount(), s.sliceCount());
  // Pixels are compared by linear index below, so the shape must be checked on
  // its own (the list holds non-square images: a rows/columns swap fails here).
  EXPECT_EQ(std::size_t(s.columns), img.getWidth()) << p;
  EXPECT_EQ(std::size_t(s.rows), img.getHeight()) << p;
  for (std::size_t f = 0; f < s.sliceCount(); ++f) {
    // Whole-object decode: DCMTK's partial access decodes an RLE frame from its
    // first fragment only (D_CLUNIE_CT1_RLE_FRAGS: garbage after it; dcmdrle agrees with us).
    DicomImage frame(p.c_str(), 0, static_cast<unsigned long>(f), 1);
    const DiPixel* px = frame.getInterData();
    ASSERT_NE(px, nullptr);
    const std::size_t n = s.sliceSamples();
    ASSERT_GE(px->getCount(), n);
    auto at = [&](std::size_t i) -> double {
      switch (px->getRepresentation()) {
        case EPR_Uint8:
          return static_cast<const Uint8*>(px->getData())[i];
        case EPR_Sint8:
          return static_cast<const Sint8*>(px->getData())[i];
        case EPR_Uint16:
          return static_cast<const Uint16*>(px->getData())[i];
        case EPR_Sint16:
          return static_cast<const Sint16*>(px->getData())[i];
        case EPR_Uint32:
          return static_cast<const Uint32*>(px->getData())[i];
        case EPR_Sint32:
          return static_cast<const Sint32*>(px->getData())[i];
      }
      return NAN;
    };
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < n; ++i)
      // DicomImage truncates non-integer rescaled values to its integer representation.
      if (std::abs(at(i) - s.modalityValue(f, i)) >= 1.0) ++mismatches;
    EXPECT_EQ(mismatches, 0u) << p << " frame " << f + 1;
  }
}

TEST(TransferSyntax, MonochromeMatchesDcmtkDicomImage) {
  std::vector<std::string> missing;
  for (const char* rel :
       {"gh-cornerstone3D/CTImage.dcm", "gh-dicom-test-files/XA1_JLSL", "gh-fo-dicom/CR-MONO1-10-chest",
        "gh-fo-dicom/D_CLUNIE_CT1_RLE_FRAGS.dcm", "gh-pydicom-data/emri_small_RLE.dcm",
        "gh-dcm4che/MR-JPEGLosslessSV1.dcm", "gh-weasis-dicom-tools/signed-raw-9bit.dcm",
        "gh-orthanc-tests/KarstenHilbertRF.dcm" /* 464 rows x 512 columns */}) {
    const auto p = sample(rel);
    if (!std::filesystem::exists(p)) {
      missing.push_back(rel);
      continue;
    }
    SCOPED_TRACE(rel);
    expectMatchesDicomImage(p);
  }
  if (!missing.empty()) ANNULO_SKIP_MISSING("samples " << test::listOf(missing));
}

TEST(TransferSyntax, ColourIsRgbLikeDcmtkRendersIt) {
  std::vector<std::string> missing;
  for (const char* rel : {"gh-dcm4che/YBR_FULL-RLE.dcm", "gh-fo-dicom/1403-OB.dcm", "gh-orthanc-tests/Issue16.dcm"}) {
    const auto p = sample(rel);
    if (!std::filesystem::exists(p)) {
      missing.push_back(rel);
      continue;
    }
    SCOPED_TRACE(rel);
    const Series s = loadOne(p);
    ASSERT_TRUE(s.isColor());
    EXPECT_EQ(s.photometric, "RGB");
    DicomImage img(p.c_str());
    ASSERT_EQ(img.getStatus(), EIS_Normal);
    EXPECT_EQ(std::size_t(s.columns), img.getWidth());  // YBR_FULL-RLE is 480 rows x 640 columns
    EXPECT_EQ(std::size_t(s.rows), img.getHeight());
    const auto* rgb = static_cast<const Uint8*>(img.getOutputData(8, 0, 0));
    ASSERT_NE(rgb, nullptr);
    std::size_t off = 0;
    for (std::size_t i = 0; i < s.sliceSamples(); ++i)
      // DCMTK converts YBR with integer arithmetic: +-2 of the exact formula.
      if (std::abs(int(rgb[i]) - int(s.sliceData(0)[i])) > 2) ++off;
    EXPECT_EQ(off, 0u);
  }
  if (!missing.empty()) ANNULO_SKIP_MISSING("samples " << test::listOf(missing));
}

TEST(TransferSyntax, Jpeg2000IsAClearErrorNamingTheFile) {
  const auto p = sample("gh-cornerstone3D/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm");
  ANNULO_REQUIRE_SAMPLE(p);
  auto r = loadSeries(p.string());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->series.empty());
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_EQ(r->rejected[0].path, p.string());
  EXPECT_NE(r->rejected[0].reason.find("unsupported transfer syntax: JPEG 2000"), std::string::npos)
      << r->rejected[0].reason;
}

TEST(TransferSyntax, JpegBaselineMultiFrameCineLoadsEveryFrame) {
  const auto p = sample("gh-dbdicom/0002.DCM");
  ANNULO_REQUIRE_SAMPLE(p);
  auto r = loadSeries(p.string());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->series.size(), 1u);
  const Series& s = r->series[0];
  EXPECT_TRUE(s.multiFrame);
  EXPECT_EQ(s.sliceCount(), 96u);
  EXPECT_EQ(s.series.modality, "XA");
  EXPECT_EQ(s.slices[95].frameNumber, 96);
  EXPECT_NEAR(s.timing.nominalFrameTimeMs, 33, 1e-9);
  EXPECT_NEAR(s.slices[95].timeMs, 95 * 33, 1e-6);
  // Frames differ from each other (a cine, not one frame repeated).
  EXPECT_NE(std::memcmp(s.sliceData(0), s.sliceData(s.sliceCount() - 1), s.sliceBytes()), 0);
}

}  // namespace
}  // namespace annulo
