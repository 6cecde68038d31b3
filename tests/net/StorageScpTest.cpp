// Our storage SCP (only configured peers, loopback by default), C-MOVE into it
// from Orthanc, series-level C-FIND, and retrieves that leave only whole files in
// a private folder.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "annulo/dicom/FileCollector.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/net/Echo.h"
#include "annulo/net/Find.h"
#include "annulo/net/Move.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/net/StorageScp.h"
#include "annulo/net/Store.h"
#include "annulo/net/UserFolders.h"
#include "net/PrivateHome.h"
#include "peers/LocalOrthanc.h"
#include "support/TestSupport.h"

extern char** environ;

namespace annulo {
namespace {

namespace fs = std::filesystem;
using test::runCommand;

fs::path sampleData() { return test::sourceDir() / "sample_data"; }

std::vector<std::string> sampleFiles() {
  std::vector<std::string> files;
  for (const char* sub : {"xa", "mr"}) {
    auto c = collectFiles((sampleData() / sub).string());
    if (c) files.insert(files.end(), c->files.begin(), c->files.end());
  }
  return files;
}

std::string sopInstanceUid(const std::string& path) {
  DcmFileFormat f;
  OFString uid;
  if (f.loadFile(path.c_str()).good()) f.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  return uid.c_str();
}

// Is the port bound to 127.0.0.1 only (from /proc/net/tcp: local address 0100007F)?
bool listensOnLoopbackOnly(int port) {
  std::ifstream in("/proc/net/tcp");
  char hexPort[8];
  std::snprintf(hexPort, sizeof hexPort, "%04X", port);
  bool loopback = false, any = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find(std::string(":") + hexPort + " ") == std::string::npos || line.find(" 0A ") == std::string::npos)
      continue;
    loopback |= line.find("0100007F:" + std::string(hexPort)) != std::string::npos;
    any |= line.find("00000000:" + std::string(hexPort)) != std::string::npos;
  }
  return loopback && !any;
}

struct Log {
  std::mutex m;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& l) {
      std::lock_guard<std::mutex> g(m);
      lines.push_back(l);
    };
  }
  std::string all() {
    std::lock_guard<std::mutex> g(m);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

TEST(StorageScp, OnlyConfiguredPeersGetIn) {
  test::TempDir dir;
  Log log;
  StorageScpConfig c;
  c.aeTitle = "ANNULO";
  c.port = 0;
  c.peers = {{"ORTHANC", ""}, {"FARAWAY", "10.255.255.1"}};
  c.folder = dir / "in";
  c.log = log.sink();
  auto scp = StorageScp::start(c);
  ASSERT_TRUE(scp.ok()) << scp.message();
  EXPECT_TRUE(listensOnLoopbackOnly((*scp)->port()));

  PacsNode n;
  n.calledAe = "ANNULO";
  n.host = "127.0.0.1";
  n.port = (*scp)->port();
  n.callingAe = "ORTHANC";
  auto ok = echo(n);
  EXPECT_TRUE(ok.ok()) << ok.message() << log.all();

  n.callingAe = "STRANGER";  // unknown AE: PS3.8 reject reason "calling-AE-title-not-recognized"
  auto e = echo(n);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("calling AE title not recognised"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("permanent"), std::string::npos) << e.message();

  n.callingAe = "FARAWAY";  // a known AE title from the wrong host
  EXPECT_FALSE(echo(n).ok());

  n.callingAe = "ORTHANC";
  n.calledAe = "SOMEONEELSE";
  e = echo(n);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("called AE title not recognised"), std::string::npos) << e.message();

  (*scp)->stop();
  EXPECT_EQ((*scp)->rejectedAssociations(), 3);
  const std::string text = log.all();
  EXPECT_NE(text.find("rejected association from 127.0.0.1 (calling AE 'STRANGER', called AE 'ANNULO'): not a "
                      "configured peer"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("calling AE 'FARAWAY'"), std::string::npos) << text;
  EXPECT_NE(text.find("accepted association from 127.0.0.1 (calling AE 'ORTHANC'"), std::string::npos) << text;
}

TEST(StorageScp, StoresWhatAPeerSendsPrivately) {
  const auto files = sampleFiles();
  if (files.empty()) ANNULO_SKIP_MISSING("sample_data missing");
  test::TempDir dir;
  const mode_t old = ::umask(022);
  StorageScpConfig c;
  c.port = 0;
  c.peers = {{"SENDER", "localhost"}};
  c.folder = dir / "in" / "deeper";
  auto scp = StorageScp::start(c);
  ASSERT_TRUE(scp.ok()) << scp.message();
  PacsNode n;
  n.calledAe = "ANNULO";
  n.host = "127.0.0.1";
  n.port = (*scp)->port();
  n.callingAe = "SENDER";
  auto r = storeFiles(n, files);
  ::umask(old);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->stored, files.size());
  (*scp)->stop();
  ASSERT_EQ((*scp)->received().size(), files.size());
  for (const auto& f : files) {
    const fs::path back = c.folder / (sopInstanceUid(f) + ".dcm");
    ASSERT_TRUE(fs::exists(back)) << back;
    EXPECT_EQ(fs::status(back).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  }
  EXPECT_EQ(fs::status(c.folder).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir / "in").permissions() & fs::perms::all, fs::perms::owner_all);
}

class OrthancMove : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(sampleData() / "xa")) ANNULO_SKIP_MISSING("sample_data missing");
    if (test::orthancBinary().empty()) ANNULO_SKIP_MISSING("Orthanc is not installed (tools/setup.sh installs it)");
    scpPort_ = test::freeLoopbackPort();
    // Our AE registered as a modality at the PACS: where C-MOVE sends to.
    const nlohmann::json us = {{"AET", "ANNULO"},    {"Host", "127.0.0.1"}, {"Port", scpPort_},  {"AllowEcho", true},
                               {"AllowStore", true}, {"AllowFind", true},   {"AllowMove", true}, {"AllowGet", true}};
    const nlohmann::json settings = {{"Name", "annulo-move"},
                                     {"DicomCheckCalledAet", true},
                                     {"DicomAlwaysAllowStore", true},
                                     {"DicomModalities", {{"annulo", us}}},
                                     {"DicomThreadsCount", 2}};
    std::string error;
    ASSERT_TRUE(orthanc_.start(test::orthancBinary(), settings, error)) << error;
    auto r = storeFiles(orthanc_.node(), sampleFiles());
    ASSERT_TRUE(r.ok() && r->stored == sampleFiles().size()) << (r.ok() ? "" : r.message());
    LoadOptions lo;
    lo.readPixels = false;
    auto sample = loadSeries(sampleData().string(), lo);
    ASSERT_TRUE(sample.ok());
    study_ = sample->series.at(0).study.instanceUid;
  }

  std::string peer() const { return "MOVEPACS@127.0.0.1:" + std::to_string(orthanc_.node().port); }

  test::PrivateHome home_;
  test::TempDir dir_;
  test::LocalOrthanc orthanc_{dir_.path() / "orthanc", "MOVEPACS"};
  int scpPort_ = -1;
  std::string study_;
};

TEST_F(OrthancMove, MovesTheStudyAndOneSeriesIntoOurScp) {
  MoveOptions o;
  o.port = scpPort_;
  std::atomic<float> progress{0};
  o.retrieve.progress = &progress;
  auto r = moveStudy(orthanc_.node(), study_, (dir_ / "study").string(), o);
  ASSERT_TRUE(r.ok()) << r.message() << orthanc_.log();
  EXPECT_EQ(r->completed, 16);
  EXPECT_EQ(r->failed, 0);
  EXPECT_TRUE(r->ok());
  EXPECT_FLOAT_EQ(progress.load(), 1.0f);
  std::set<std::string> expected, got;
  for (const auto& f : sampleFiles()) expected.insert(sopInstanceUid(f));
  for (const auto& f : r->files) got.insert(sopInstanceUid(f));
  EXPECT_EQ(got, expected);
  auto back = loadSeries((dir_ / "study").string());
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->series.size(), 2u);

  // Series level: choose the MR series and move only that.
  auto series = findSeries(orthanc_.node(), study_);
  ASSERT_TRUE(series.ok()) << series.message();
  ASSERT_EQ(series->size(), 2u);
  const SeriesMatch* mr = nullptr;
  for (const auto& s : *series)
    if (s.modality == "MR") mr = &s;
  ASSERT_NE(mr, nullptr);
  EXPECT_EQ(mr->numberOfInstances, 15);
  o.retrieve.seriesInstanceUid = mr->seriesInstanceUid;
  r = moveStudy(orthanc_.node(), study_, (dir_ / "mr").string(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->files.size(), 15u);
  auto mrBack = loadSeries((dir_ / "mr").string());
  ASSERT_TRUE(mrBack.ok());
  ASSERT_EQ(mrBack->series.size(), 1u);
  EXPECT_EQ(mrBack->series[0].series.instanceUid, mr->seriesInstanceUid);

  // The CLI: series list, then get --move into the default private cache.
  std::string out;
  ASSERT_EQ(runCommand(test::cliPath() + " find --on " + peer() + " --study-uid " + study_ + " --series --json", &out),
            0)
      << out;
  EXPECT_EQ(nlohmann::json::parse(out)["series"].size(), 2u) << out;
  ASSERT_EQ(runCommand(test::cliPath() + " get " + study_ + " --from " + peer() + " --move --port " +
                           std::to_string(scpPort_) + " --json 2>&1",
                       &out),
            0)
      << out;
  EXPECT_EQ(nlohmann::json::parse(out)["completed"], 16) << out;
  EXPECT_EQ(collectFiles((retrievedDir() / study_).string())->files.size(), 16u);
  EXPECT_TRUE(home_.notPrivate().empty()) << ::testing::PrintToString(home_.notPrivate());
}

TEST_F(OrthancMove, UnknownDestinationIsRefusedByThePacs) {
  MoveOptions o;
  o.port = scpPort_;
  o.destinationAe = "NOTREGISTERED";
  auto r = moveStudy(orthanc_.node(), study_, (dir_ / "x").string(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("NOTREGISTERED"), std::string::npos) << r.message();
}

pid_t spawnQuiet(const std::vector<std::string>& args) {
  std::vector<std::string> all = args;
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// A retrieve killed mid-way: whatever has its final name is whole; the loader
// takes nothing else. (C-GET; the SCP path writes through the same code.)
TEST_F(OrthancMove, RetrieveKilledMidWayLeavesOnlyWholeFiles) {
  const fs::path folder = dir_ / "killed";
  const pid_t pid = spawnQuiet({test::cliPath(), "get", study_, "--from", peer(), "-o", folder.string()});
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  // Once the first instance is whole and the next one is being written.
  auto anything = [&] {
    std::error_code ec;
    bool whole = false, partial = false;
    for (const auto& e : fs::directory_iterator(folder, ec)) (isPrivateTemp(e.path()) ? partial : whole) = true;
    return whole && partial;
  };
  while (!anything() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  std::size_t whole = 0, hidden = 0;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (isPrivateTemp(e.path())) {
      ++hidden;
      continue;
    }
    DcmFileFormat f;  // every visible file reads completely, pixel data included
    ASSERT_TRUE(f.loadFile(e.path().c_str()).good()) << e.path();
    ASSERT_TRUE(f.getDataset()->tagExists(DCM_PixelData)) << e.path();
    ++whole;
  }
  EXPECT_LT(whole, 16u) << "the retrieve had finished before it was killed";
  auto c = collectFiles(folder.string());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->files.size(), whole);  // temporary files are not offered to the loader
  std::cout << "[retrieve] killed with " << whole << " whole file(s) and " << hidden << " hidden partial file(s)\n";
  // Retrieving again completes the folder and clears the dead process's partial file.
  auto again = retrieveStudy(orthanc_.node(), study_, folder.string());
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(collectFiles(folder.string())->files.size(), 16u);
  for (const auto& e : fs::directory_iterator(folder)) EXPECT_FALSE(isPrivateTemp(e.path())) << e.path();
}

TEST(StorageScp, ListenCommandAcceptsOnlyItsPeersIntoThePrivateCache) {
  const auto files = collectFiles((sampleData() / "mr").string());
  if (!files.ok()) ANNULO_SKIP_MISSING("sample_data missing");
  test::PrivateHome home;
  const int port = test::freeLoopbackPort();
  const fs::path log = home.home() / ".." / "listen.log";
  std::vector<std::string> argv = {test::cliPath(), "listen", "--port",    std::to_string(port),
                                   "--peer",        "SENDER", "--seconds", "30"};
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  PacsNode n;
  n.calledAe = "ANNULO";
  n.host = "127.0.0.1";
  n.port = port;
  n.callingAe = "SENDER";
  n.connectTimeoutS = 1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!echo(n).ok() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto r = storeFiles(n, files->files);
  n.callingAe = "STRANGER";
  auto e = echo(n);
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->stored, files->files.size());
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(collectFiles((annuloCacheDir() / "received").string())->files.size(), files->files.size());
  EXPECT_TRUE(home.notPrivate().empty()) << ::testing::PrintToString(home.notPrivate());
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("rejected association from 127.0.0.1 (calling AE 'STRANGER'"), std::string::npos) << text;
  EXPECT_NE(text.find("listening on 127.0.0.1:" + std::to_string(port)), std::string::npos) << text;
}

}  // namespace
}  // namespace annulo
