// DICOM SEG objects read as a label map over the series they segment: real
// SEGs (dcmqi, highdicom) against pydicom's reading of the same file
// (tests/dicom/seg_reference.py), and our own SEG export read back.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "annulo/dicom/Segmentation.h"
#include "annulo/dicom/SeriesLoader.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::sample;
using test::TempDir;

std::string python() {
  for (const char* p : {"/usr/bin/python3", "python3"})
    if (test::runCommand(std::string(p) + " -c 'import pydicom, numpy' 2>/dev/null") == 0) return p;
  return {};
}

// pydicom's label volume of `seg` on `series` (same slice order), or empty.
std::vector<std::uint8_t> pydicomLabels(const std::string& seg, const Series& series, const TempDir& dir) {
  const std::string py = python();
  if (py.empty()) return {};
  const std::string out = (dir / "reference.raw").string();
  std::string cmd = py + " " + (test::sourceDir() / "tests/dicom/seg_reference.py").string() + " " + seg + " " + out;
  for (const auto& s : series.slices) cmd += " " + s.sopInstanceUid + ":" + std::to_string(s.frameNumber);
  std::string log;
  if (test::runCommand(cmd + " 2>&1", &log) != 0) {
    ADD_FAILURE() << "seg_reference.py failed: " << log;
    return {};
  }
  std::ifstream in(out, std::ios::binary);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

Series loadOne(const std::string& path) {
  auto r = loadSeries(path);
  if (!r || r->series.size() != 1) throw std::runtime_error(path + ": expected one series");
  return std::move(r->series[0]);
}

std::size_t labelled(const std::vector<std::uint8_t>& v) {
  std::size_t n = 0;
  for (auto x : v) n += x != 0;
  return n;
}

TEST(Segmentation, DcmqiLiverMatchesPydicomOverItsCt) {
  const auto ct = sample("gh-dcmqi/ct-3slice"), seg = sample("gh-dcmqi/liver.dcm");
  ANNULO_REQUIRE_SAMPLE(ct);
  ANNULO_REQUIRE_SAMPLE(seg);
  const Series series = loadOne(ct.string());
  auto labels = readSegmentation(seg.string(), series);
  ASSERT_TRUE(labels.ok()) << labels.message();
  EXPECT_EQ(labels->type, "BINARY");
  ASSERT_EQ(labels->segments.size(), 1u);
  EXPECT_EQ(labels->segments[0].label, "Liver");
  EXPECT_EQ(labels->framesMapped, 3u);
  EXPECT_TRUE(labels->warnings.empty());
  ASSERT_EQ(labels->labels.frames, 3);
  TempDir dir;
  const auto reference = pydicomLabels(seg.string(), series, dir);
  if (reference.empty()) ANNULO_SKIP_MISSING("pydicom not available");
  ASSERT_EQ(reference.size(), labels->labels.labels.size());
  EXPECT_EQ(labelled(reference), 107098u);  // pydicom: pixel_array.sum()
  EXPECT_TRUE(reference == labels->labels.labels);
}

TEST(Segmentation, FoundAmongTheFilesTheLoaderSetAside) {
  const auto ct = sample("gh-dcmqi/ct-3slice"), seg = sample("gh-dcmqi/liver.dcm");
  ANNULO_REQUIRE_SAMPLE(ct);
  ANNULO_REQUIRE_SAMPLE(seg);
  TempDir dir;
  for (const auto& e : std::filesystem::directory_iterator(ct))
    std::filesystem::copy(e.path(), dir / e.path().filename());
  std::filesystem::copy(seg, dir / "liver.dcm");
  test::ImageSpec other;  // an unrelated series in the same folder
  other.seriesUid = "1.2.826.0.1.3680043.10.1.99";
  test::writeImage(other, (dir / "other.dcm").string());
  auto load = loadSeries(dir.path().string());
  ASSERT_TRUE(load.ok());
  ASSERT_EQ(load->series.size(), 2u);
  for (const auto& s : load->series) {
    const auto found = segmentationsOf(*load, s);
    if (s.series.instanceUid == other.seriesUid) {
      EXPECT_TRUE(found.empty());
    } else {
      ASSERT_EQ(found.size(), 1u);
      EXPECT_EQ(std::filesystem::path(found[0]).filename(), "liver.dcm");
    }
  }
}

TEST(Segmentation, PlacedByPositionWhenTheSourceReferenceIsMissing) {
  const auto ct = sample("gh-dcmqi/ct-3slice"), seg = sample("gh-dcmqi/liver.dcm");
  ANNULO_REQUIRE_SAMPLE(ct);
  ANNULO_REQUIRE_SAMPLE(seg);
  const Series series = loadOne(ct.string());
  auto byRef = readSegmentation(seg.string(), series);
  ASSERT_TRUE(byRef.ok());
  TempDir dir;
  DcmFileFormat ff;
  ASSERT_TRUE(ff.loadFile(seg.string().c_str()).good());
  DcmSequenceOfItems* perFrame = nullptr;
  ASSERT_TRUE(ff.getDataset()->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame).good());
  for (unsigned long i = 0; i < perFrame->card(); ++i)
    perFrame->getItem(i)->findAndDeleteElement(DCM_DerivationImageSequence);
  const std::string stripped = (dir / "noref.dcm").string();
  ASSERT_TRUE(ff.saveFile(stripped.c_str(), EXS_LittleEndianExplicit).good());
  auto byPos = readSegmentation(stripped, series);
  ASSERT_TRUE(byPos.ok()) << byPos.message();
  EXPECT_EQ(byPos->framesMapped, 3u);
  EXPECT_TRUE(byPos->labels.labels == byRef->labels.labels);
}

// highdicom's SEGs reference a CT we do not have: its slices are rebuilt here
// with the referenced SOP instance UIDs (16 x 16, positions along z).
Series highdicomSource(const TempDir& dir) {
  for (int i = 0; i < 4; ++i) {
    test::ImageSpec s;
    s.sopClassUid = "1.2.840.10008.5.1.4.1.1.2";
    s.modality = "CT";
    s.rows = s.columns = 16;
    s.seriesUid = "1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.2";
    s.sopInstanceUid = "1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0." + std::to_string(93 + i);
    s.instanceNumber = i + 1;
    s.position = {{0, 0, double(i)}};
    s.orientation = {{1, 0, 0, 0, 1, 0}};
    test::writeImage(s, (dir / ("ct" + std::to_string(i) + ".dcm")).string());
  }
  return loadOne(dir.path().string());
}

TEST(Segmentation, HighdicomFractionalMatchesPydicom) {
  const auto seg = sample("gh-highdicom/seg_image_ct_true_fractional.dcm");
  ANNULO_REQUIRE_SAMPLE(seg);
  TempDir dir;
  const Series series = highdicomSource(dir);
  auto labels = readSegmentation(seg.string(), series);
  ASSERT_TRUE(labels.ok()) << labels.message();
  EXPECT_EQ(labels->type, "FRACTIONAL");
  EXPECT_EQ(labels->fractionalType, "PROBABILITY");
  EXPECT_EQ(labels->framesMapped, 3u);
  ASSERT_EQ(labels->fractions.size(), labels->labels.labels.size());
  TempDir out;
  const auto reference = pydicomLabels(seg.string(), series, out);
  if (reference.empty()) ANNULO_SKIP_MISSING("pydicom not available");
  EXPECT_GT(labelled(reference), 0u);
  EXPECT_TRUE(reference == labels->labels.labels);
  for (std::size_t i = 0; i < reference.size(); ++i)
    if (reference[i]) {
      EXPECT_GE(labels->fractions[i], 0.5f);
      EXPECT_LE(labels->fractions[i], 1.0f);
    }
}

TEST(Segmentation, HighdicomOverlappingSegmentsMatchPydicom) {
  const auto seg = sample("gh-highdicom/seg_image_ct_binary_overlap.dcm");
  ANNULO_REQUIRE_SAMPLE(seg);
  TempDir dir;
  const Series series = highdicomSource(dir);
  auto labels = readSegmentation(seg.string(), series);
  ASSERT_TRUE(labels.ok()) << labels.message();
  EXPECT_EQ(labels->segments.size(), 2u);
  EXPECT_EQ(labels->framesMapped, 8u);
  TempDir out;
  const auto reference = pydicomLabels(seg.string(), series, out);
  if (reference.empty()) ANNULO_SKIP_MISSING("pydicom not available");
  EXPECT_TRUE(reference == labels->labels.labels);
  std::size_t two = 0;
  for (auto v : reference) two += v == 2;
  EXPECT_GT(two, 0u);
  EXPECT_GT(labels->overlapVoxels, 0u);
}

TEST(Segmentation, OurOwnSegReadsBackToItsLabelMap) {
  TempDir dir;
  const std::string cli = test::cliPath();
  const std::string p = dir.path().string();
  ASSERT_EQ(test::runCommand(cli + " make-phantom --seed 5 --xa-size 64 --frames 8 --mr-size 64 --mr-slices 3 -o " + p +
                             "/ph > /dev/null"),
            0);
  ASSERT_EQ(test::runCommand(cli + " segment " + p + "/ph/xa --seed 32,32 -o " + p + "/seg > /dev/null"), 0);
  ASSERT_EQ(test::runCommand(cli + " annotate " + p + "/s.json --source " + p +
                             "/ph/xa --add \"level=L4-L5 type=radial grade=3 frame=3 point=30,40\" > /dev/null"),
            0);
  ASSERT_EQ(test::runCommand(cli + " export-sr " + p + "/s.json -o " + p + "/sr.dcm --seg " + p +
                             "/sr-seg.dcm --labels " + p + "/seg.nrrd > /dev/null"),
            0);
  const Series xa = loadOne(p + "/ph/xa");
  auto labels = readSegmentation(p + "/sr-seg.dcm", xa);
  ASSERT_TRUE(labels.ok()) << labels.message();
  auto truth = readLabelMap(p + "/seg.nrrd");
  ASSERT_TRUE(truth.ok());
  EXPECT_EQ(labels->labels.frames, truth->frames);
  EXPECT_GT(labelled(truth->labels), 0u);
  EXPECT_TRUE(labels->labels.labels == truth->labels);
  EXPECT_EQ(labels->referencedSeriesUid, xa.series.instanceUid);
}

TEST(Segmentation, WrongSizeIsAClearError) {
  const auto seg = sample("gh-dcmqi/liver.dcm");
  ANNULO_REQUIRE_SAMPLE(seg);
  TempDir dir;
  test::writeImage(test::ImageSpec{}, (dir / "mr.dcm").string());
  auto r = readSegmentation(seg.string(), loadOne((dir / "mr.dcm").string()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("segmentation is 512 x 512, its series 6 x 8"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace annulo
