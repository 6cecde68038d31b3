// The study model without a window: open, segment, annotate, close, reopen, export;
// the same export from the model, from annulo-cli's commands and from a script.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <fstream>

#include "annulo/phantom/Phantom.h"
#include "annulo/sr/SrExport.h"
#include "annulo/study/Script.h"
#include "annulo/study/Study.h"
#include "annulo/study/TearSpec.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

const char* kTear1 = "level=L4-L5 type=radial grade=3 clock=6 frame=40 polyline=300,250;330,262;350,280";
const char* kTear2 = "level=L5-S1 type=concentric grade=2 frame=30 point=260,300 area=12.5";

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

class StudyModel : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = *t;
    options_.sessionFolder = (dir_ / "sessions").string();
  }

  std::unique_ptr<Study> openSample() {
    auto study = Study::open((test::sourceDir() / "sample_data").string(), options_);
    EXPECT_TRUE(study.ok()) << (study ? "" : study.message());
    if (!study) return nullptr;
    const Series* xa = (*study)->findSeries(truth_.xa.seriesInstanceUid);
    EXPECT_NE(xa, nullptr);
    if (xa) (*study)->selectSessionFor(*xa);
    return std::move(*study);
  }

  void addTear(Study& study, const std::string& text) {
    auto spec = parseTearSpec(text + " series=" + truth_.xa.seriesInstanceUid);
    ASSERT_TRUE(spec.ok()) << spec.message();
    ASSERT_TRUE(resolveTearSpec(*spec, study.series()).ok());
    auto id = study.session()->add(spec->tear);
    ASSERT_TRUE(id.ok()) << id.message();
  }

  LeakSegmentationOptions needleTip() const {
    LeakSegmentationOptions o;
    o.injectionPoint = {truth_.xa.needleTip[0], truth_.xa.needleTip[1]};
    return o;
  }

  PhantomTruth truth_;
  test::TempDir dir_;
  StudyOptions options_;
};

// What an exported object holds, without its UIDs and times.
struct Content {
  std::string sopClass, modality, seriesDescription;
  long frames = 0;
  std::vector<std::string> referencedInstances;  // per SEG frame / GSPS image, in order
  std::string pixels;                            // SEG pixel data bytes
  std::size_t graphicObjects = 0;                // GSPS
};

void collectReferences(DcmItem& item, std::vector<std::string>& out) {
  DcmStack stack;
  while (item.search(DCM_ReferencedSOPInstanceUID, stack, ESM_afterStackTop, OFTrue).good()) {
    OFString v;
    static_cast<DcmElement*>(stack.top())->getOFString(v, 0);
    out.push_back(v.c_str());
  }
}

Content contentOf(const std::string& path) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(path.c_str()).good()) << path;
  DcmDataset& ds = *file.getDataset();
  Content c;
  OFString v;
  if (ds.findAndGetOFString(DCM_SOPClassUID, v).good()) c.sopClass = v.c_str();
  if (ds.findAndGetOFString(DCM_Modality, v).good()) c.modality = v.c_str();
  if (ds.findAndGetOFString(DCM_SeriesDescription, v).good()) c.seriesDescription = v.c_str();
  ds.findAndGetLongInt(DCM_NumberOfFrames, c.frames);
  collectReferences(ds, c.referencedInstances);
  const Uint8* px = nullptr;
  unsigned long n = 0;
  if (ds.findAndGetUint8Array(DCM_PixelData, px, &n).good() && px)
    c.pixels.assign(reinterpret_cast<const char*>(px), n);
  DcmStack stack;
  while (ds.search(DCM_GraphicType, stack, ESM_afterStackTop, OFTrue).good()) ++c.graphicObjects;
  return c;
}

void expectSameContent(const std::string& a, const std::string& b) {
  const Content x = contentOf(a), y = contentOf(b);
  EXPECT_EQ(x.sopClass, y.sopClass) << a << " vs " << b;
  EXPECT_EQ(x.modality, y.modality);
  EXPECT_EQ(x.seriesDescription, y.seriesDescription);
  EXPECT_EQ(x.frames, y.frames);
  EXPECT_EQ(x.pixels, y.pixels) << "SEG frames differ";
  EXPECT_EQ(x.graphicObjects, y.graphicObjects);
  // References to the images are the same; references among the exported objects
  // (the SR's to its SEG) differ by their new UIDs only, and are counted.
  auto source = [](const std::vector<std::string>& refs) {
    std::vector<std::string> out;
    for (const auto& r : refs)
      if (r.rfind("2.25.", 0) != 0) out.push_back(r);
    return out;
  };
  EXPECT_EQ(source(x.referencedInstances), source(y.referencedInstances));
  EXPECT_EQ(x.referencedInstances.size(), y.referencedInstances.size());
}

void expectSameTears(const std::string& a, const std::string& b) {
  auto x = importSr(a), y = importSr(b);
  ASSERT_TRUE(x.ok()) << x.message();
  ASSERT_TRUE(y.ok()) << y.message();
  ASSERT_EQ(x->tears.size(), y->tears.size());
  for (std::size_t i = 0; i < x->tears.size(); ++i) {
    const TearAnnotation &s = x->tears[i], &t = y->tears[i];
    EXPECT_EQ(s.level, t.level);
    EXPECT_EQ(s.type, t.type);
    EXPECT_EQ(s.grade, t.grade);
    EXPECT_EQ(s.clock, t.clock);
    EXPECT_EQ(s.geometry.kind, t.geometry.kind);
    EXPECT_EQ(s.geometry.points, t.geometry.points);
    EXPECT_EQ(s.geometry.image.sopInstanceUid, t.geometry.image.sopInstanceUid);
    EXPECT_EQ(s.geometry.image.frameNumber, t.geometry.image.frameNumber);
    EXPECT_EQ(s.leakFigures.has_value(), t.leakFigures.has_value());
    if (s.leakFigures && t.leakFigures)
      EXPECT_EQ(s.leakFigures->segmentationSopInstanceUid.empty(), t.leakFigures->segmentationSopInstanceUid.empty());
  }
}

TEST_F(StudyModel, SegmentationAndTearsComeBackWhenTheStudyIsReopened) {
  std::vector<std::uint8_t> labels;
  std::optional<int> onset;
  std::size_t paths = 0;
  {
    auto study = openSample();
    ASSERT_TRUE(study);
    const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
    auto leak = study->segment(*xa, needleTip());
    ASSERT_TRUE(leak.ok()) << leak.message();
    labels = *study->labels(*xa)->labels;
    onset = (*leak)->leakOnsetFrame;
    paths = (*leak)->paths.size();
    addTear(*study, kTear1);
    addTear(*study, kTear2);
    ASSERT_TRUE(study->copyLeakFigures("T1", *xa).ok());
  }
  ASSERT_GT(std::count_if(labels.begin(), labels.end(), [](std::uint8_t v) { return v == 2; }), 100);
  auto study = openSample();
  ASSERT_TRUE(study);
  const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
  EXPECT_EQ(study->sessionError(), "");
  ASSERT_EQ(study->session()->tears().size(), 2u);
  EXPECT_EQ(study->session()->tears()[0].level, "L4-L5");
  ASSERT_TRUE(study->session()->tears()[0].leakFigures.has_value());
  EXPECT_EQ(study->session()->tears()[0].leakFigures->onsetFrame, onset);
  const SeriesLabels* back = study->labels(*xa);
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(*back->labels == labels) << "labels differ after reopening";
  ASSERT_NE(back->leak, nullptr);
  EXPECT_EQ(back->leak->leakOnsetFrame, onset);
  EXPECT_EQ(back->leak->paths.size(), paths);
  EXPECT_DOUBLE_EQ(back->leak->injectionPoint[0], truth_.xa.needleTip[0]);
  // The MR series of the same study has no segmentation.
  EXPECT_EQ(study->labels(*study->findSeries(truth_.mr.seriesInstanceUid)), nullptr);
}

TEST_F(StudyModel, ARecordForAnotherSeriesGeometryIsRefusedNotApplied) {
  {
    auto study = openSample();
    const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
    ASSERT_TRUE(study->segment(*xa, needleTip()).ok());
  }
  // Damage the record: the reopened study says so and shows no labels.
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_ / "sessions"))
    if (e.path().extension() == ".json" && e.path().parent_path().extension() == ".leak") {
      std::ofstream(e.path(), std::ios::trunc) << "{\"format\": \"annulo-leak-record/1\", \"series_uid\": 3}";
    }
  auto study = openSample();
  const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
  EXPECT_EQ(study->labels(*xa), nullptr);
  EXPECT_NE(study->sessionError().find("leak"), std::string::npos) << study->sessionError();
}

TEST_F(StudyModel, ExportFromTheModelEqualsTheCommandLine) {
  auto study = openSample();
  const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
  ASSERT_TRUE(study->segment(*xa, needleTip()).ok());
  addTear(*study, kTear1);
  addTear(*study, kTear2);
  const ExportReport model = study->exportObjects(siblingExport((dir_ / "model/r.dcm").string()));
  ASSERT_TRUE(model.ok()) << model.summary();
  ASSERT_EQ(model.written.size(), 3u) << model.summary();

  // The same reading through annulo-cli: annotate, segment, export-sr.
  const std::string session = (dir_ / "cli.json").string(), sample = (test::sourceDir() / "sample_data").string();
  std::string out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " annotate " + q(session) + " --source " + q(sample) + " --add \"" +
                                 kTear1 + " series=" + truth_.xa.seriesInstanceUid + "\" --add \"" + kTear2 +
                                 " series=" + truth_.xa.seriesInstanceUid + "\" 2>&1",
                             &out),
            0)
      << out;
  char seed[64];
  std::snprintf(seed, sizeof seed, "%g,%g", truth_.xa.needleTip[0], truth_.xa.needleTip[1]);
  ASSERT_EQ(test::runCommand(test::cliPath() + " segment " + q(sample) + " --series " + truth_.xa.seriesInstanceUid +
                                 " --seed " + seed + " -o " + q(dir_ / "leak") + " 2>&1",
                             &out),
            0)
      << out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " export-sr " + q(session) + " -o " + q(dir_ / "cli/r.dcm") + " --seg " +
                                 q(dir_ / "cli/r-seg.dcm") + " --labels " + q(dir_ / "leak.nrrd") + " --gsps " +
                                 q(dir_ / "cli/r-pr.dcm") + " 2>&1",
                             &out),
            0)
      << out;
  for (const char* name : {"r.dcm", "r-seg.dcm", "r-pr.dcm"})
    expectSameContent((dir_ / "model" / name).string(), (dir_ / "cli" / name).string());
  const Content seg = contentOf((dir_ / "model/r-seg.dcm").string());
  EXPECT_GT(seg.frames, 10);
  EXPECT_GT(seg.pixels.size(), 1000u);
  EXPECT_GE(contentOf((dir_ / "model/r-pr.dcm").string()).graphicObjects, 2u);
  expectSameTears((dir_ / "model/r.dcm").string(), (dir_ / "cli/r.dcm").string());
}

TEST_F(StudyModel, AScriptReplayingAReadingExportsWhatTheCommandLineDoes) {
  const std::string sample = (test::sourceDir() / "sample_data").string();
  char seed[64];
  std::snprintf(seed, sizeof seed, "%g,%g", truth_.xa.needleTip[0], truth_.xa.needleTip[1]);
  {
    std::ofstream script(dir_ / "reading.txt");
    script << "# a whole reading\nopen " << sample << "\nseries " << truth_.xa.seriesInstanceUid << "\nsegment " << seed
           << "\ntear " << kTear1 << "\ntear " << kTear2 << "\nexport " << (dir_ / "script/r.dcm").string() << "\n";
  }
  std::string out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " run " + q(dir_ / "reading.txt") + " --session-dir " +
                                 q(dir_ / "script-sessions") + " 2>&1",
                             &out),
            0)
      << out;
  auto study = openSample();
  const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
  ASSERT_TRUE(study->segment(*xa, needleTip()).ok());
  addTear(*study, kTear1);
  addTear(*study, kTear2);
  ASSERT_TRUE(study->exportObjects(siblingExport((dir_ / "model/r.dcm").string())).ok());
  for (const char* name : {"r.dcm", "r-seg.dcm", "r-pr.dcm"})
    expectSameContent((dir_ / "model" / name).string(), (dir_ / "script" / name).string());
  expectSameTears((dir_ / "model/r.dcm").string(), (dir_ / "script/r.dcm").string());
}

TEST_F(StudyModel, ScriptErrorsNameTheLineAndViewStepsNeedTheViewer) {
  {
    std::ofstream(dir_ / "bad.txt") << "open " << (test::sourceDir() / "sample_data").string() << "\n\nsegment x\n";
    std::ofstream(dir_ / "view.txt") << "open x\nscreenshot a.png\n";
    std::ofstream(dir_ / "unknown.txt") << "opne x\n";
  }
  std::string out;
  EXPECT_EQ(test::runCommand(
                test::cliPath() + " run " + q(dir_ / "bad.txt") + " --session-dir " + q(dir_ / "s") + " 2>&1", &out),
            1);
  EXPECT_NE(out.find("script line 3 (segment): needs the injection point X,Y"), std::string::npos) << out;
  EXPECT_EQ(test::runCommand(test::cliPath() + " run " + q(dir_ / "view.txt") + " 2>&1", &out), 2);
  EXPECT_NE(out.find("annulo --script"), std::string::npos) << out;
  EXPECT_EQ(test::runCommand(test::cliPath() + " run " + q(dir_ / "unknown.txt") + " 2>&1", &out), 2);
  EXPECT_NE(out.find("unknown step 'opne'"), std::string::npos) << out;
}

TEST_F(StudyModel, ScriptEditsAndRemovesTearsAndNamesWhatCannotBeEdited) {
  const std::string head = "reader Script^One\nopen " + (test::sourceDir() / "sample_data").string() + "\nseries " +
                           truth_.xa.seriesInstanceUid + "\n";
  {
    std::ofstream(dir_ / "edit.txt") << head << "tear " << kTear1 << "\ntear " << kTear2
                                     << "\nedit-tear T1 grade=5 comment=\"to the outer third\"\nremove-tear T2\n";
    std::ofstream(dir_ / "geometry.txt") << head << "edit-tear T1 point=1,2\n";
    std::ofstream(dir_ / "missing.txt") << head << "edit-tear T9 grade=1\n";
  }
  const std::string run = test::cliPath() + " run ";
  const std::string sessions = " --session-dir " + q(dir_ / "sessions") + " 2>&1";
  std::string out;
  ASSERT_EQ(test::runCommand(run + q(dir_ / "edit.txt") + sessions, &out), 0) << out;
  auto study = openSample();
  ASSERT_EQ(study->session()->tears().size(), 1u);
  const TearAnnotation& t = study->session()->tears()[0];
  EXPECT_EQ(t.id, "T1");
  EXPECT_EQ(t.grade, 5);
  EXPECT_EQ(t.comment, "to the outer third");
  EXPECT_EQ(t.modifiedBy, "Script^One");
  EXPECT_EQ(t.geometry.points.size(), 3u) << "the geometry stays";
  EXPECT_EQ(test::runCommand(run + q(dir_ / "geometry.txt") + sessions, &out), 1);
  EXPECT_NE(out.find("script line 4 (edit-tear): 'point' cannot be edited"), std::string::npos) << out;
  EXPECT_EQ(test::runCommand(run + q(dir_ / "missing.txt") + sessions, &out), 1);
  EXPECT_NE(out.find("no tear T9 in the session"), std::string::npos) << out;
  EXPECT_EQ(openSample()->session()->tears()[0].grade, 5) << "a failed edit changes nothing";
}

TEST_F(StudyModel, OneFailedObjectCostsTheOthersNothing) {
  auto study = openSample();
  const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
  ASSERT_TRUE(study->segment(*xa, needleTip()).ok());
  addTear(*study, kTear1);
  std::ofstream(dir_ / "blocker") << "a file where the SEG's folder should be";
  ExportRequest request = siblingExport((dir_ / "out/r.dcm").string());
  request.segPath = (dir_ / "blocker/seg.dcm").string();
  const ExportReport r = study->exportObjects(request);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.failures.size(), 1u) << r.summary();
  EXPECT_EQ(r.failures[0].rfind("SEG of series " + truth_.xa.seriesInstanceUid, 0), 0u) << r.failures[0];
  ASSERT_EQ(r.written.size(), 2u) << r.summary();  // SR and GSPS
  auto sr = importSr((dir_ / "out/r.dcm").string());
  ASSERT_TRUE(sr.ok()) << sr.message();
  ASSERT_EQ(sr->tears.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out/r-pr.dcm"));
  EXPECT_NE(r.summary().find("not written: SEG"), std::string::npos) << r.summary();
}

TEST_F(StudyModel, ACancelledExportLeavesNoFile) {
  auto study = openSample();
  const Series* xa = study->findSeries(truth_.xa.seriesInstanceUid);
  ASSERT_TRUE(study->segment(*xa, needleTip()).ok());
  addTear(*study, kTear1);
  JobControl control;
  control.cancel();
  const ExportReport r = study->exportObjects(siblingExport((dir_ / "out/r.dcm").string()), &control);
  EXPECT_TRUE(r.cancelled);
  EXPECT_TRUE(r.written.empty());
  EXPECT_EQ(r.summary(), "export cancelled; nothing was kept");
  if (std::filesystem::exists(dir_ / "out")) EXPECT_TRUE(std::filesystem::is_empty(dir_ / "out"));
}

}  // namespace
}  // namespace annulo
