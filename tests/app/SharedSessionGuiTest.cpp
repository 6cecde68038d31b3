// Several writers of one study's session with the viewer among them (issue 14): the
// viewer (under Xvfb, scripted) open on the sample study while annulo-cli or a second
// viewer writes the same session. The processes take turns through files
// (script steps `signal` / `wait-for`), so each interleaving is the one named.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "annulo/annotation/SessionStore.h"
#include "annulo/phantom/Phantom.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

const char* kTear1 = "level=L4-L5 type=radial grade=3 clock=6 frame=40 polyline=300,250;330,262;350,280";
const char* kTear2 = "level=L5-S1 type=concentric grade=2 frame=30 point=260,300";
const char* kCliTear = "level=L3-L4 type=transverse grade=1 frame=20 point=240,280";

class SharedSessionGui : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run");
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = *t;
    sessionPath_ = dir_ / "sessions" / (truth_.studyInstanceUid + ".json");
  }

  std::string env() const {
    return "ANNULO_SESSION_DIR=" + (dir_ / "sessions").string() + " XDG_DATA_HOME=" + (dir_ / "xdg").string() +
           " XDG_CONFIG_HOME=" + (dir_ / "config").string() + " XDG_CACHE_HOME=" + (dir_ / "cache").string() + " ";
  }

  // The lines every viewer script starts with: its reader, the sample, the cine.
  std::string opening(const std::string& reader) const {
    return "size 1400x900\nreader " + reader + "\nopen " + (test::sourceDir() / "sample_data").string() + "\nseries " +
           truth_.xa.seriesInstanceUid + "\n";
  }

  // Starts a viewer on `script` in the background; the future holds its exit status and output.
  std::future<std::pair<int, std::string>> startViewer(const std::string& name, const std::string& script) {
    const fs::path file = dir_ / (name + ".txt");
    std::ofstream(file) << script;
    const std::string command =
        env() + test::xvfbRun() + std::string(ANNULO_VIEWER) + " --script '" + file.string() + "' 2>&1";
    return std::async(std::launch::async, [command] {
      std::string out;
      const int rc = test::runCommand(command, &out);
      return std::make_pair(rc, out);
    });
  }

  // Waits for a file another process writes (its `signal` step); fails after 120 s.
  bool waitFor(const fs::path& p) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(p)) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }
  void signal(const std::string& name) const { std::ofstream(dir_ / name) << ""; }
  std::string at(const std::string& name) const { return (dir_ / name).string(); }

  Session onDisk() const {
    auto s = loadSession(sessionPath_.string());
    EXPECT_TRUE(s.ok()) << (s ? "" : s.message());
    return s ? *s : Session{};
  }
  static std::map<std::string, TearAnnotation> byId(const Session& s) {
    std::map<std::string, TearAnnotation> out;
    for (const auto& t : s.tears) out[t.id] = t;
    return out;
  }
  static nlohmann::json sidecar(const std::string& png) {
    std::ifstream in(png + ".json");
    return nlohmann::json::parse(in);
  }
  static std::map<std::string, nlohmann::json> listed(const nlohmann::json& side) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& t : side["tear_list"]) out[t["id"]] = t;
    return out;
  }

  // A session holding kTear1 (T1) and kTear2 (T2), written by a script through annulo-cli.
  void seedTwoTears() {
    std::ofstream(dir_ / "seed.txt") << "reader Seed^Script\nopen " << (test::sourceDir() / "sample_data").string()
                                     << "\nseries " << truth_.xa.seriesInstanceUid << "\ntear " << kTear1 << "\ntear "
                                     << kTear2 << "\n";
    std::string out;
    ASSERT_EQ(test::runCommand(env() + test::cliPath() + " run '" + at("seed.txt") + "' 2>&1", &out), 0) << out;
    ASSERT_EQ(onDisk().tears.size(), 2u);
  }

  PhantomTruth truth_;
  test::TempDir dir_;
  fs::path sessionPath_;
};

TEST_F(SharedSessionGui, TheCliAddsWhileTheViewerIsOpenAndTheViewerKeepsAndListsBoth) {
  auto viewer =
      startViewer("viewer", opening("Viewer^One") + "tear " + kTear1 + "\nsignal " + at("added") + "\nwait-for " +
                                at("go") + "\ntear " + kTear2 + "\ntab tears\nscreenshot " + at("shot.png") + "\n");
  ASSERT_TRUE(waitFor(dir_ / "added")) << "the viewer never added its first tear";
  // The viewer is open, holding T1; the CLI adds a tear to the same session.
  std::string out;
  ASSERT_EQ(test::runCommand(env() + test::cliPath() + " annotate '" + sessionPath_.string() +
                                 "' --observer Cli^Two --add '" + kCliTear + " series=" + truth_.xa.seriesInstanceUid +
                                 "' 2>&1",
                             &out),
            0)
      << out;
  EXPECT_NE(out.find("added T2"), std::string::npos) << out;
  signal("go");
  const auto [rc, log] = viewer.get();
  ASSERT_EQ(rc, 0) << log;

  // On disk: all three, each with its own id and writer.
  const auto tears = byId(onDisk());
  ASSERT_EQ(tears.size(), 3u);
  ASSERT_TRUE(tears.count("T1") && tears.count("T2") && tears.count("T3"));
  EXPECT_EQ(tears.at("T1").createdBy, "Viewer^One");
  EXPECT_EQ(tears.at("T2").createdBy, "Cli^Two");
  EXPECT_EQ(tears.at("T2").level, "L3-L4");
  EXPECT_EQ(tears.at("T3").createdBy, "Viewer^One");
  EXPECT_EQ(tears.at("T3").level, "L5-S1");
  // In the viewer: the CLI's tear listed beside its own.
  const auto side = sidecar(at("shot.png"));
  const auto shown = listed(side);
  ASSERT_EQ(shown.size(), 3u) << side.dump();
  EXPECT_EQ(shown.at("T2")["created_by"], "Cli^Two");
  EXPECT_TRUE(side["conflicts"].empty());
}

TEST_F(SharedSessionGui, TwoViewersEditingDifferentTearsKeepBothEdits) {
  seedTwoTears();
  // Both open before either edits; one changes T1, then the other T2.
  auto one = startViewer("one", opening("Viewer^One") + "signal " + at("open1") + "\nwait-for " + at("go1") +
                                    "\nedit-tear T1 grade=4\nsignal " + at("edited1") + "\nwait-for " + at("go3") +
                                    "\nrefresh\nscreenshot " + at("one.png") + "\n");
  ASSERT_TRUE(waitFor(dir_ / "open1"));  // both open before either edits
  auto two = startViewer("two", opening("Viewer^Two") + "signal " + at("open2") + "\nwait-for " + at("go2") +
                                    "\nedit-tear T2 comment=\"seen by two\"\nscreenshot " + at("two.png") + "\n");
  ASSERT_TRUE(waitFor(dir_ / "open2"));
  signal("go1");
  ASSERT_TRUE(waitFor(dir_ / "edited1"));
  signal("go2");
  const auto [rc2, log2] = two.get();
  ASSERT_EQ(rc2, 0) << log2;
  signal("go3");
  const auto [rc1, log1] = one.get();
  ASSERT_EQ(rc1, 0) << log1;

  const auto tears = byId(onDisk());
  ASSERT_EQ(tears.size(), 2u);
  EXPECT_EQ(tears.at("T1").grade, 4) << "viewer one's edit was lost";
  EXPECT_EQ(tears.at("T1").modifiedBy, "Viewer^One");
  EXPECT_EQ(tears.at("T2").comment, "seen by two");
  EXPECT_EQ(tears.at("T2").modifiedBy, "Viewer^Two");
  // Each viewer shows the other's edit, and no conflict.
  for (const char* png : {"one.png", "two.png"}) {
    const auto side = sidecar(at(png));
    const auto shown = listed(side);
    ASSERT_EQ(shown.size(), 2u) << png;
    EXPECT_EQ(shown.at("T1")["grade"], 4) << png;
    EXPECT_EQ(shown.at("T2")["comment"], "seen by two") << png;
    EXPECT_TRUE(side["conflicts"].empty()) << png;
  }
}

TEST_F(SharedSessionGui, TheSameTearEditedInTwoViewersIsAConflictUntilTheReaderChooses) {
  seedTwoTears();
  auto one = startViewer("one", opening("Viewer^One") + "signal " + at("open1") + "\nwait-for " + at("go1") +
                                    "\nedit-tear T1 grade=4\nscreenshot " + at("one.png") + "\n");
  ASSERT_TRUE(waitFor(dir_ / "open1"));
  auto two = startViewer("two", opening("Viewer^Two") + "signal " + at("open2") + "\nwait-for " + at("go2") +
                                    "\nedit-tear T1 grade=2 comment=\"smaller\"\nscreenshot " + at("conflict.png") +
                                    "\nresolve T1 mine\nscreenshot " + at("resolved.png") + "\n");
  ASSERT_TRUE(waitFor(dir_ / "open2"));
  signal("go1");
  const auto [rc1, log1] = one.get();
  ASSERT_EQ(rc1, 0) << log1;
  ASSERT_EQ(byId(onDisk()).at("T1").grade, 4);
  signal("go2");
  const auto [rc2, log2] = two.get();
  ASSERT_EQ(rc2, 0) << log2;

  // Viewer two's edit met viewer one's: both versions kept, shown as a conflict.
  const auto side = sidecar(at("conflict.png"));
  ASSERT_EQ(side["conflicts"].size(), 1u) << side.dump();
  EXPECT_EQ(side["conflicts"][0], "T1");
  // Viewer two kept its own version: the file now holds it.
  EXPECT_TRUE(sidecar(at("resolved.png"))["conflicts"].empty());
  const auto tears = byId(onDisk());
  EXPECT_EQ(tears.at("T1").grade, 2);
  EXPECT_EQ(tears.at("T1").comment, "smaller");
  EXPECT_EQ(tears.at("T1").modifiedBy, "Viewer^Two");
  EXPECT_EQ(tears.at("T2").comment, "") << "the other tear is untouched";
}

}  // namespace
}  // namespace annulo
