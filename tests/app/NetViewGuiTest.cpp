// The viewer's network side under Xvfb, against a private Orthanc (DIMSE and its
// DICOMweb plugin, tools/peers) and with a fresh HOME under umask 022: retrieve
// over DICOMweb, send through the outbox while the PACS is down and again at the
// next start, the 30 s retry, STOW-RS of the export, and every folder and file
// the viewer made under HOME 0700 / 0600 (issues 16, 17, 18).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkRGBPixel.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "annulo/net/Outbox.h"
#include "annulo/net/Store.h"
#include "annulo/net/UserFolders.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/render/ViewTransform.h"
#include "annulo/study/StudyFolders.h"
#include "annulo/study/StudySegmentations.h"
#include "net/PrivateHome.h"
#include "peers/LocalOrthanc.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
constexpr const char* kAet = "NETVIEWTEST";

std::string sopInstanceUid(const std::string& path) {
  DcmFileFormat f;
  OFString v;
  if (f.loadFile(path.c_str()).good()) f.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, v);
  return v.c_str();
}

std::vector<std::string> sampleFiles() {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(test::sourceDir() / "sample_data"))
    if (e.is_regular_file() && e.path().extension() != ".json") files.push_back(e.path().string());
  return files;
}

// `annulo --script FILE` under Xvfb; returns the viewer's own exit code, printed
// inside xvfb-run: under load xvfb-run sometimes fails to clean up its temporary
// folder and then exits 5 whatever the viewer said.
int runViewerScript(const std::string& env, const std::string& script, std::string& out) {
  int rc = test::runCommand(env + " xvfb-run -a -s '-screen 0 1600x1000x24' sh -c '" + std::string(ANNULO_VIEWER) +
                                " --script " + script + " 2>&1; echo annulo-exit=$?' 2>&1",
                            &out);
  if (const auto at = out.rfind("annulo-exit="); at != std::string::npos)
    rc = std::atoi(out.c_str() + at + std::string("annulo-exit=").size());
  return rc;
}

// One Orthanc speaking DIMSE (our AE allowed) and DICOMweb, on loopback ports of its own.
class NetViewGui : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run");
    if (test::orthancBinary().empty()) ANNULO_SKIP_MISSING("Orthanc (tools/setup.sh installs it)");
    if (!fs::exists(kPlugin)) ANNULO_SKIP_MISSING(kPlugin << " (tools/setup.sh installs orthanc-dicomweb)");
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = *t;
    const nlohmann::json allow = {{"AET", "ANNULO"},   {"Host", "127.0.0.1"}, {"Port", 104},
                                  {"AllowEcho", true}, {"AllowStore", true},  {"AllowFind", true},
                                  {"AllowGet", true},  {"AllowMove", false}};
    const nlohmann::json settings = {{"Name", "annulo-netview-test"},
                                     {"DicomCheckCalledAet", true},
                                     {"DicomModalities", {{"annulo", allow}}},
                                     {"DicomCheckModalityHost", false},
                                     {"DicomAssociationCloseDelay", 0},
                                     {"Plugins", {kPlugin}},
                                     {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}},
                                     {"HttpThreadsCount", 4},
                                     {"DicomThreadsCount", 2}};
    std::string error;
    ASSERT_TRUE(orthanc_.start(test::orthancBinary(), settings, error)) << error;
  }

  std::string dimse() const { return std::string(kAet) + "@127.0.0.1:" + std::to_string(orthanc_.node().port); }
  std::string web() const { return "http://127.0.0.1:" + std::to_string(orthanc_.httpPort()) + "/dicom-web"; }

  std::multiset<std::string> stored() const {
    std::string out;
    test::runCommand(
        "curl -s --max-time 10 'http://127.0.0.1:" + std::to_string(orthanc_.httpPort()) + "/instances?expand'", &out);
    std::multiset<std::string> uids;
    const auto j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_array())
      for (const auto& i : j) uids.insert(i["MainDicomTags"].value("SOPInstanceUID", ""));
    return uids;
  }

  // The viewer on a script (one step per line) ending in a screenshot; returns the
  // exit code, the output in `out` and the sidecar in `side`.
  int runScript(const std::string& steps, std::string& out, nlohmann::json& side) {
    const fs::path script = dir_ / ("script" + std::to_string(++runs_) + ".txt");
    const fs::path png = dir_ / ("shot" + std::to_string(runs_) + ".png");
    std::ofstream(script) << steps << "size 1400x900\nscreenshot " << png.string() << "\n";
    const int rc = runViewerScript("", script.string(), out);
    std::ifstream in(png.string() + ".json");
    side = nlohmann::json::parse(in, nullptr, false);
    lastShot_ = png;
    return rc;
  }

  std::string sample() const { return (test::sourceDir() / "sample_data").string(); }
  std::string tear() const {
    return "tear series=" + truth_.xa.seriesInstanceUid +
           " level=L4-L5 type=radial grade=3 frame=40 polyline=300,250;330,262;350,280\n";
  }

  test::PrivateHome home_;  // first: HOME, XDG variables and umask 022 for everything below
  test::TempDir dir_;
  test::LocalOrthanc orthanc_{dir_ / "orthanc", kAet};
  PhantomTruth truth_;
  fs::path lastShot_;
  int runs_ = 0;
};

TEST_F(NetViewGui, StudyRetrievedOverDicomWebOpensAsFromDiskAndStaysPrivate) {
  const auto files = sampleFiles();
  auto put = storeFiles(orthanc_.node(), files);
  ASSERT_TRUE(put.ok() && put->ok()) << (put ? "" : put.message());

  std::string out;
  nlohmann::json side;
  ASSERT_EQ(runScript("retrieve " + web() + " " + truth_.studyInstanceUid + "\nframe 40\ntab pacs\n", out, side), 0)
      << out;
  EXPECT_EQ(side["series_uid"], truth_.xa.seriesInstanceUid) << out;
  EXPECT_EQ(side["frame"], 40);
  EXPECT_EQ(side["series_count"], 2);
  // WADO-RS wrote one whole file per instance into the viewer's cache, each the SOP it names.
  const fs::path folder = retrievedDir() / truth_.studyInstanceUid;
  std::set<std::string> got;
  for (const auto& e : fs::directory_iterator(folder)) got.insert(sopInstanceUid(e.path().string()));
  std::set<std::string> want;
  for (const auto& f : files) want.insert(sopInstanceUid(f));
  EXPECT_EQ(got, want);
  EXPECT_EQ(home_.notPrivate(), std::vector<std::string>{});
}

// Issue 16's test: the sample study with a tear and an export in screenshot mode,
// then a study retrieved from the private Orthanc (C-GET): nothing under HOME is
// readable by anyone else.
TEST_F(NetViewGui, ATearAnExportAndARetrieveLeaveOnlyPrivateFoldersAndFilesUnderHome) {
  ANNULO_REQUIRE_TOOL("dcmdump");
  std::string out;
  nlohmann::json side;
  const std::string report = (fs::path(exportFolder()) / truth_.studyInstanceUid / "report.dcm").string();
  char seed[64];
  std::snprintf(seed, sizeof seed, "%.2f,%.2f", truth_.xa.needleTip[0], truth_.xa.needleTip[1]);
  ASSERT_EQ(runScript("open " + sample() + "\nseries " + truth_.xa.seriesInstanceUid + "\nsegment " + seed +
                          "\nreader Smith^Jane\n" + tear() + "export " + report + "\n",
                      out, side),
            0)
      << out;
  EXPECT_EQ(side["tears"], 1);
  for (const std::string f : {report, report.substr(0, report.size() - 4) + "-seg.dcm"})
    EXPECT_TRUE(fs::exists(f)) << f << "\n" << out;
  // The reader signs the SR (TID 1002 person observer).
  std::string dump;
  test::runCommand("dcmdump +P 0040,a123 '" + report + "' 2>&1", &dump);
  EXPECT_NE(dump.find("Smith^Jane"), std::string::npos) << dump;

  auto put = storeFiles(orthanc_.node(), sampleFiles());
  ASSERT_TRUE(put.ok() && put->ok());
  ASSERT_EQ(runScript("retrieve " + dimse() + " " + truth_.studyInstanceUid + "\n", out, side), 0) << out;
  EXPECT_EQ(side["series_count"], 2) << out;

  // What the two runs made: the session, the leak record, the export, the recent list, the retrieved copy.
  std::set<std::string> made;
  for (const auto& e : fs::recursive_directory_iterator(home_.home()))
    if (e.is_regular_file()) made.insert(fs::relative(e.path(), home_.home()).string());
  const std::string session = ".local/share/annulo/sessions/" + truth_.studyInstanceUid + ".json";
  for (const std::string& f : {session, std::string(".local/share/annulo/recent.txt"),
                               ".local/share/annulo/exports/" + truth_.studyInstanceUid + "/report.dcm",
                               ".local/share/annulo/exports/" + truth_.studyInstanceUid + "/report-seg.dcm"})
    EXPECT_TRUE(made.count(f)) << f << " not made; made: " << test::listOf({made.begin(), made.end()});
  EXPECT_TRUE(fs::exists(home_.home() / ".local/share/annulo/sessions" / (truth_.studyInstanceUid + ".leak")));
  EXPECT_TRUE(fs::exists(home_.home() / ".cache/annulo/retrieved" / truth_.studyInstanceUid));
  EXPECT_EQ(home_.notPrivate(), std::vector<std::string>{});
}

// Issue 18 part 5: a send while the PACS is down stays in the outbox with the
// reason; the next start of the viewer sends it, exactly once.
TEST_F(NetViewGui, ASendWhileThePacsIsDownWaitsInTheOutboxAndGoesAtTheNextStart) {
  orthanc_.stop();
  std::string out;
  nlohmann::json side;
  const fs::path report = dir_ / "out" / "report.dcm";
  const int rc = runScript("open " + sample() + "\nreader Smith^Jane\n" + tear() + "export " + report.string() +
                               "\nsend-to " + dimse() + "\ntab outbox\n",
                           out, side);
  EXPECT_EQ(rc, 1) << "a send that stored nothing is a failed step\n" << out;
  EXPECT_NE(out.find("left in the outbox"), std::string::npos) << out;
  EXPECT_EQ(side["outbox"]["failed"], 2) << out;  // the SR and its presentation state (no segmentation)
  EXPECT_TRUE(side["clipped_text"].empty()) << "the Outbox view cuts text: " << side["clipped_text"].dump();
  auto items = Outbox::atDefaultLocation().list();
  ASSERT_TRUE(items.ok()) << items.message();
  ASSERT_EQ(items->size(), 2u);
  std::set<std::string> queued;
  for (const auto& i : *items) {
    EXPECT_EQ(i.state, OutboxState::Failed);
    EXPECT_NE(i.reason.find("127.0.0.1:" + std::to_string(orthanc_.node().port)), std::string::npos) << i.reason;
    EXPECT_EQ(i.attempts, 1);
    queued.insert(i.sopInstanceUid);
  }
  EXPECT_TRUE(queued.count(sopInstanceUid(report.string())));
  const fs::path downShot = lastShot_;

  std::string error;
  ASSERT_TRUE(orthanc_.restart(error)) << error;
  ASSERT_EQ(runScript("open " + sample() + "\ntab outbox\n", out, side), 0) << out;
  EXPECT_EQ(side["outbox"]["sent"], 2) << out;
  EXPECT_EQ(side["outbox"]["failed"], 0);
  EXPECT_EQ(stored(), std::multiset<std::string>(queued.begin(), queued.end())) << orthanc_.log();
  // A third start sends nothing again: each item tried twice, once down and once up.
  ASSERT_EQ(runScript("open " + sample() + "\n", out, side), 0) << out;
  items = Outbox::atDefaultLocation().list();
  ASSERT_TRUE(items.ok());
  for (const auto& i : *items) {
    EXPECT_EQ(i.state, OutboxState::Sent);
    EXPECT_EQ(i.attempts, 2) << i.sopInstanceUid;
  }
  EXPECT_EQ(home_.notPrivate(), std::vector<std::string>{});
  std::cout << "[ screenshots ] " << downShot.string() << " " << lastShot_.string() << "\n";
}

// The running viewer sends what was queued after its start within one 30 s period.
TEST_F(NetViewGui, TheRunningViewerSendsWhatWasQueuedWithinThirtySeconds) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setsid();  // its own process group: the test ends it and its Xvfb, nothing else
    ::execl("/bin/sh", "sh", "-c",
            ("exec xvfb-run -a -s '-screen 0 1600x1000x24' " + std::string(ANNULO_VIEWER) + " > " +
             (dir_ / "viewer.log").string() + " 2>&1")
                .c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct Stop {
    pid_t pid;
    ~Stop() {
      ::kill(-pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } stop{pid};
  // Window up and its start-up retry done (the outbox was still empty); its next retry
  // is due 30 s after its start, about 22 s after the item below is queued.
  std::this_thread::sleep_for(std::chrono::seconds(8));
  const auto queuedAt = std::chrono::steady_clock::now();
  auto item = Outbox::atDefaultLocation().enqueue(sampleFiles().front(), orthanc_.node());
  ASSERT_TRUE(item.ok()) << item.message();
  double seconds = -1;
  while (std::chrono::steady_clock::now() - queuedAt < std::chrono::seconds(50)) {
    if (stored().count(item->sopInstanceUid)) {
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - queuedAt).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::ifstream log(dir_ / "viewer.log");
  const std::string viewerLog((std::istreambuf_iterator<char>(log)), {});
  ASSERT_GE(seconds, 0) << "not sent within 50 s\n" << viewerLog;
  std::cout << "[ figures ] queued item sent by the running viewer after " << seconds << " s\n";
  // Not at once (nothing was due before the period), and within one period (the
  // margin is the viewer's start-up time on a loaded machine).
  EXPECT_GE(seconds, 5.0);
  EXPECT_LE(seconds, 35.0);
  auto items = Outbox::atDefaultLocation().list();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].state, OutboxState::Sent);
  EXPECT_EQ((*items)[0].attempts, 1);
  EXPECT_EQ(home_.notPrivate(), std::vector<std::string>{});
}

// Issue 17: the export goes to a DICOMweb archive by STOW-RS, per file, and not
// through the outbox (the archive answers for each file at once). Issue 16: the
// export into a folder every account can read is written, with a warning.
TEST_F(NetViewGui, TheExportGoesToADicomWebArchiveByStowWithAWarningForAnOpenFolder) {
  std::string out;
  nlohmann::json side;
  const fs::path report = dir_ / "out" / "report.dcm";
  fs::create_directories(report.parent_path());
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(report.parent_path().c_str(), 0755), 0);
  ASSERT_EQ(runScript("open " + sample() + "\nreader Smith^Jane\n" + tear() + "export " + report.string() +
                          "\nsend-to " + web() + "\n",
                      out, side),
            0)
      << out;
  for (const std::string f : {"report.dcm", "report-pr.dcm"})
    EXPECT_NE(out.find("sent " + (dir_ / "out" / f).string() + ": success"), std::string::npos) << out;
  EXPECT_NE(out.find("warning: " + report.parent_path().string() + " is readable by every user of this machine"),
            std::string::npos)
      << out;
  const std::multiset<std::string> want = {sopInstanceUid(report.string()),
                                           sopInstanceUid((dir_ / "out" / "report-pr.dcm").string())};
  EXPECT_EQ(stored(), want) << out << orthanc_.log();
  EXPECT_EQ(
      side["outbox"]["pending"].get<int>() + side["outbox"]["failed"].get<int>() + side["outbox"]["sent"].get<int>(), 0)
      << "DICOMweb sends do not go through the outbox";
}

// Issue 18 part 3 in the viewer: a DICOM SEG that comes with a study is drawn over
// the series it segments, where its labels are, and named in the list and legend.
TEST(SegViewGui, ASegInTheFolderIsDrawnOverItsSeriesWhereItsLabelsAre) {
  if (test::runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run");
  test::PrivateHome home;
  test::TempDir dir;
  auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
  ASSERT_TRUE(t.ok()) << t.message();
  char seed[64];
  std::snprintf(seed, sizeof seed, "%.2f,%.2f", t->xa.needleTip[0], t->xa.needleTip[1]);
  using Image = itk::Image<itk::RGBPixel<std::uint8_t>, 2>;
  int runs = 0;
  auto shoot = [&](const std::string& steps, const std::string& dataHome, nlohmann::json& side) {
    const std::string name = "run" + std::to_string(++runs);
    const std::string png = (dir / (name + ".png")).string();
    std::ofstream(dir / (name + ".txt")) << steps << "size 1400x900\nscreenshot " << png << "\n";
    std::string out;
    EXPECT_EQ(runViewerScript("XDG_DATA_HOME=" + dataHome, (dir / (name + ".txt")).string(), out), 0) << out;
    auto reader = itk::ImageFileReader<Image>::New();
    reader->SetFileName(png);
    reader->Update();
    side = nlohmann::json::parse(std::ifstream(png + ".json"), nullptr, false);
    return Image::Pointer(reader->GetOutput());
  };
  // Our segmentation of the sample cine, exported as SEG; then the study as another
  // workstation gets it (images and that SEG, no session), without and with the SEG.
  const std::string series = "series " + t->xa.seriesInstanceUid + "\nframe 40\n";
  nlohmann::json side;
  shoot("open " + (test::sourceDir() / "sample_data").string() + "\n" + series + "segment " + seed + "\nexport " +
            (dir / "out" / "report.dcm").string() + "\n",
        (dir / "data1").string(), side);
  ASSERT_TRUE(fs::exists(dir / "out" / "report-seg.dcm"));
  fs::copy(test::sourceDir() / "sample_data", dir / "study", fs::copy_options::recursive);
  const auto bare = shoot("open " + (dir / "study").string() + "\n" + series, (dir / "data2").string(), side);
  fs::copy_file(dir / "out" / "report-seg.dcm", dir / "study" / "seg.dcm");
  const auto shown = shoot("open " + (dir / "study").string() + "\n" + series, (dir / "data3").string(), side);
  ASSERT_EQ(side["segmentations"].size(), 1u) << side.dump();
  EXPECT_EQ(side["segmentations"][0]["series_uid"], t->xa.seriesInstanceUid);
  EXPECT_EQ(side["segmentations"][0]["error"], "");
  std::set<std::string> labels;
  for (const auto& g : side["segmentations"][0]["segments"]) labels.insert(g["label"].get<std::string>());
  EXPECT_EQ(labels, (std::set<std::string>{"intradiscal contrast", "contrast leak"})) << side["segmentations"].dump();

  // The SEG's leak voxels on frame 40 (the core reads it the same way), to screen pixels.
  StudyOptions options;
  options.sessionFolder = (dir / "sessions").string();
  auto study = Study::open((dir / "study").string(), options);
  ASSERT_TRUE(study.ok()) << study.message();
  (void)adoptSegmentations(**study);
  const Series* xa = (*study)->findSeries(t->xa.seriesInstanceUid);
  ASSERT_TRUE(xa && (*study)->labels(*xa) && (*study)->labels(*xa)->labels);
  const auto& map = *(*study)->labels(*xa)->labels;
  (*study)->selectSessionFor(*xa);
  EXPECT_FALSE((*study)->exportContents().segmentation) << "another's SEG is shown, never exported as ours";
  ViewState view;
  view.zoom = side["zoom"];
  view.panX = side["pan"][0];
  view.panY = side["pan"][1];
  const ViewGeometry g{side["view"]["width"], side["view"]["height"], side["image"]["columns"], side["image"]["rows"],
                       side["image"]["pixel_aspect"]};
  const double x0 = side["view"]["x"], y0 = side["view"]["y"];
  double voxels = 0, vx = 0, vy = 0;
  const std::size_t frame = std::size_t(xa->columns) * std::size_t(xa->rows) * 39;
  for (int r = 0; r < xa->rows; ++r)
    for (int c = 0; c < xa->columns; ++c)
      if (map[frame + std::size_t(r) * std::size_t(xa->columns) + std::size_t(c)] == 2) {
        const Vec2 p = imageToScreen(view, g, {c + 0.5, r + 0.5});
        voxels += 1;
        vx += p[0] + x0;
        vy += p[1] + y0;
      }
  ASSERT_GT(voxels, 50);
  const double area = screenScale(view, g) * screenScale(view, g) * g.pixelAspect;
  // Leak-orange pixels of the view: (255,140,0) over grey at the overlay opacity.
  auto orange = [&](const Image::Pointer& im, double& cx, double& cy) {
    int n = 0;
    cx = cy = 0;
    for (int y = int(y0) + 60; y < int(y0 + g.viewHeight); ++y)  // below the legend
      for (int x = int(x0); x < int(x0 + g.viewWidth); ++x) {
        const auto p = im->GetPixel({{x, y}});
        if (p.GetRed() > p.GetGreen() + 40 && p.GetGreen() > p.GetBlue() + 40) {
          ++n;
          cx += x;
          cy += y;
        }
      }
    if (n) cx /= n, cy /= n;
    return n;
  };
  double cx = 0, cy = 0, bx = 0, by = 0;
  const int drawn = orange(shown, cx, cy), without = orange(bare, bx, by);
  std::cout << "[ figures ] SEG leak voxels on frame 40: " << voxels << " (" << voxels * area
            << " screen px expected); leak-orange pixels drawn " << drawn << ", without the SEG " << without << "\n";
  EXPECT_LT(without, 20);
  EXPECT_NEAR(drawn, voxels * area, voxels * area * 0.15);
  EXPECT_NEAR(cx, vx / voxels, 3.0);
  EXPECT_NEAR(cy, vy / voxels, 3.0);
}

}  // namespace
}  // namespace annulo
