// The persistent outbox against a real peer: nothing is lost when the PACS is
// down or the sender is killed, nothing is stored twice, and two retriers never
// send the same item at once.

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
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "annulo/dicom/FileCollector.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/net/Outbox.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/net/UserFolders.h"
#include "net/OrthancServer.h"
#include "net/PrivateHome.h"
#include "support/TestSupport.h"

extern char** environ;

namespace annulo {
namespace {

namespace fs = std::filesystem;
using test::runCommand;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }
int cli(const std::string& args, std::string* out = nullptr) {
  return runCommand(test::cliPath() + " " + args + " 2>&1", out);
}
int cliStdout(const std::string& args, std::string* out) {
  return runCommand(test::cliPath() + " " + args + " 2>/dev/null", out);
}
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

std::string bytesOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

nlohmann::json outboxJson() {
  std::string out;
  EXPECT_EQ(cliStdout("outbox list --json", &out), 0) << out;
  return nlohmann::json::parse(out, nullptr, false);
}

class OutboxFault : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(sampleData() / "xa")) ANNULO_SKIP_MISSING("sample_data missing");
    if (test::orthancBinary().empty()) ANNULO_SKIP_MISSING("Orthanc is not installed (tools/setup.sh installs it)");
    std::string error;
    ASSERT_TRUE(server_.start(error)) << error;
  }

  // The sample study annotated and reported as `annulo-cli annotate && export-sr` do it.
  std::string writeSr() {
    const auto session = dir_ / "session.json";
    const auto sr = dir_ / "report.dcm";
    LoadOptions lo;
    lo.readPixels = false;
    auto sample = loadSeries((sampleData() / "xa").string(), lo);
    EXPECT_TRUE(sample.ok() && sample->series.size() == 1);
    if (!sample.ok() || sample->series.empty()) return {};
    std::string out;
    EXPECT_EQ(cli("annotate " + q(session) + " --source " + q(sampleData()) +
                      " --add \"level=L4-L5 type=radial grade=3 clock=6 zone=central frame=30 point=256,300 series=" +
                      sample->series[0].series.instanceUid + "\"",
                  &out),
              0)
        << out;
    EXPECT_EQ(cli("export-sr " + q(session) + " -o " + q(sr), &out), 0) << out;
    return sr.string();
  }

  std::string where() const { return "127.0.0.1:" + std::to_string(server_.node().port); }

  test::PrivateHome home_;
  test::OrthancServer server_;
  test::TempDir dir_;
};

TEST_F(OutboxFault, PacsDownThenRetryStoresTheReportExactlyOnce) {
  const std::string sr = writeSr();
  ASSERT_FALSE(sr.empty());
  const std::string uid = sopInstanceUid(sr);
  server_.stop();

  std::string out;
  EXPECT_EQ(cli("send " + q(sr) + " --to " + server_.nodeText(), &out), 1) << out;
  EXPECT_NE(out.find("connection refused"), std::string::npos) << out;
  EXPECT_NE(out.find("kept in the outbox"), std::string::npos) << out;
  auto j = outboxJson();
  ASSERT_EQ(j["items"].size(), 1u) << j.dump(2);
  auto item = j["items"][0];
  EXPECT_EQ(item["state"], "failed");
  EXPECT_EQ(item["sop_instance_uid"], uid);
  EXPECT_EQ(item["node"], server_.nodeText());
  EXPECT_EQ(item["attempts"], 1);
  EXPECT_NE(item["reason"].get<std::string>().find("connection refused by " + where()), std::string::npos)
      << item.dump();
  EXPECT_FALSE(item["last_attempt"].get<std::string>().empty());
  // The object waits in the outbox, byte for byte, private to the user.
  EXPECT_EQ(bytesOf(item["file"].get<std::string>()), bytesOf(sr));
  EXPECT_TRUE(item["file"].get<std::string>().rfind(home_.home().string(), 0) == 0) << item["file"];
  // A periodic retry right after the failure waits for the back-off (30 s after one attempt).
  EXPECT_TRUE(Outbox::atDefaultLocation().retryDue(std::chrono::system_clock::now()).items.empty());

  std::string error;
  ASSERT_TRUE(server_.restart(error)) << error;
  EXPECT_EQ(cli("outbox retry", &out), 0) << out << server_.log();
  EXPECT_NE(out.find("1 sent, 0 failed"), std::string::npos) << out;
  EXPECT_EQ(server_.storedSopInstanceUids(), std::multiset<std::string>{uid});
  j = outboxJson();
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["state"], "sent");
  EXPECT_EQ(j["items"][0]["attempts"], 2);
  EXPECT_EQ(j["items"][0]["reason"], "");

  // A second retry has nothing to do; clear removes the sent item.
  EXPECT_EQ(cli("outbox retry", &out), 0) << out;
  EXPECT_NE(out.find("0 sent, 0 failed"), std::string::npos) << out;
  EXPECT_EQ(server_.storedSopInstanceUids(), std::multiset<std::string>{uid});
  EXPECT_EQ(cli("outbox clear", &out), 0) << out;
  EXPECT_NE(out.find("removed 1 item"), std::string::npos) << out;
  EXPECT_TRUE(outboxJson()["items"].empty());
  EXPECT_TRUE(home_.notPrivate().empty()) << ::testing::PrintToString(home_.notPrivate());
}

pid_t spawnCli(const std::vector<std::string>& args) {
  std::vector<std::string> all = {test::cliPath()};
  all.insert(all.end(), args.begin(), args.end());
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

// True once some item of the outbox says its C-STORE has started.
bool sendingStarted(const fs::path& box) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(box, ec)) {
    std::ifstream in(e.path() / "state.json");
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    if (text.find("\"sending") != std::string::npos) return true;
  }
  return false;
}

TEST_F(OutboxFault, SigkillDuringSendLosesNothingAndRetryStoresEachOnce) {
  const auto files = sampleFiles();
  ASSERT_EQ(files.size(), 16u);  // the XA cine and 15 MR slices
  std::multiset<std::string> expected;
  std::map<std::string, std::string> sourceOf;
  for (const auto& f : files) {
    expected.insert(sopInstanceUid(f));
    sourceOf[sopInstanceUid(f)] = f;
  }
  const pid_t pid =
      spawnCli({"send", (sampleData() / "xa").string(), (sampleData() / "mr").string(), "--to", server_.nodeText()});
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!sendingStarted(outboxDir()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  ASSERT_TRUE(sendingStarted(outboxDir())) << "the send never started";
  // Mid-batch: once the PACS holds the first instance (the XA cine goes first).
  while (server_.storedSopInstanceUids().empty() && std::chrono::steady_clock::now() < deadline) {
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sender had finished before it was killed; status " << status;
  const std::size_t storedBeforeKill = server_.storedSopInstanceUids().size();

  // Every object is there, whole (byte for byte the source), once; no half file.
  auto j = outboxJson();
  ASSERT_EQ(j["items"].size(), files.size()) << j.dump(2);
  std::set<std::string> seen;
  std::size_t notSent = 0;
  for (const auto& item : j["items"]) {
    const std::string uid = item["sop_instance_uid"];
    EXPECT_TRUE(seen.insert(uid).second) << "listed twice: " << uid;
    ASSERT_TRUE(sourceOf.count(uid)) << uid;
    EXPECT_EQ(bytesOf(item["file"].get<std::string>()), bytesOf(sourceOf[uid])) << uid;
    if (item["state"] != "sent") ++notSent;
  }
  EXPECT_GT(notSent, 0u) << "killed during the send, yet every item says sent";
  for (const auto& e : fs::recursive_directory_iterator(outboxDir()))
    EXPECT_FALSE(isPrivateTemp(e.path())) << "half-written file left: " << e.path();

  std::string out;
  EXPECT_EQ(cli("outbox retry --json", &out), 0) << out;
  EXPECT_EQ(server_.storedSopInstanceUids(), expected) << "stored before the kill: " << storedBeforeKill;
  j = outboxJson();
  for (const auto& item : j["items"]) EXPECT_EQ(item["state"], "sent") << item.dump();
  std::cout << "[outbox] killed with " << storedBeforeKill << " of " << files.size() << " stored, " << notSent
            << " not yet sent; retry stored the rest, each SOP instance once\n";
}

TEST_F(OutboxFault, TwoRetriersNeverSendTheSameItemTwice) {
  const auto files = sampleFiles();
  const Outbox box = Outbox::atDefaultLocation();
  PacsNode down = server_.node();
  for (const auto& f : files) ASSERT_TRUE(box.enqueue(f, down).ok());
  // Four processes retry the same 16 items at once.
  std::vector<pid_t> retriers;
  for (int k = 0; k < 4; ++k) retriers.push_back(spawnCli({"outbox", "retry"}));
  for (pid_t p : retriers) {
    ASSERT_GT(p, 0);
    ::waitpid(p, nullptr, 0);
  }
  auto items = box.list();
  ASSERT_TRUE(items.ok()) << items.message();
  ASSERT_EQ(items->size(), files.size());
  for (const auto& i : *items) {
    EXPECT_EQ(i.state, OutboxState::Sent) << i.id << " " << i.reason;
    EXPECT_EQ(i.attempts, 1) << i.id << " was sent by both retriers";
  }
  EXPECT_EQ(server_.storedSopInstanceUids().size(), files.size());
}

// Holds an item the way a sender does (an OFD write lock on its lock file).
class HeldClaim {
 public:
  explicit HeldClaim(const fs::path& itemDir) : fd_(::open((itemDir / "lock").c_str(), O_RDWR | O_CREAT, 0600)) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    held_ = fd_ >= 0 && ::fcntl(fd_, F_OFD_SETLK, &fl) == 0;
  }
  ~HeldClaim() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool held() const { return held_; }

 private:
  int fd_;
  bool held_ = false;
};

TEST_F(OutboxFault, AnItemHeldByAnotherSenderIsNotSentAgain) {
  const auto files = sampleFiles();
  const Outbox box = Outbox::atDefaultLocation();
  auto first = box.enqueue(files[0], server_.node());
  auto second = box.enqueue(files[1], server_.node());
  ASSERT_TRUE(first.ok() && second.ok());
  std::string out;
  {
    HeldClaim claim(box.dir() / first->id);
    ASSERT_TRUE(claim.held());
    EXPECT_EQ(cli("outbox retry", &out), 0) << out;
    EXPECT_NE(out.find("1 sent, 0 failed, 1 being sent by another process"), std::string::npos) << out;
    EXPECT_EQ(server_.storedSopInstanceUids(), std::multiset<std::string>{second->sopInstanceUid});
    auto removed = box.clear(true);  // the held item stays
    ASSERT_TRUE(removed.ok()) << removed.message();
    EXPECT_EQ(*removed, std::vector<std::string>{second->id});
  }
  EXPECT_EQ(cli("outbox retry", &out), 0) << out;
  EXPECT_NE(out.find("1 sent, 0 failed"), std::string::npos) << out;
  EXPECT_EQ(server_.storedSopInstanceUids(),
            (std::multiset<std::string>{first->sopInstanceUid, second->sopInstanceUid}));
}

// No Orthanc needed below.

TEST(Outbox, NotDicomIsRefusedAndStaleHalfItemsAreRemoved) {
  test::PrivateHome home;
  test::TempDir dir;
  const Outbox box(dir / "outbox");
  const auto junk = dir / "notes.txt";
  std::ofstream(junk) << "notes\n";
  PacsNode node;
  node.calledAe = "PACS";
  node.host = "127.0.0.1";
  node.port = 11112;
  auto r = box.enqueue(junk.string(), node);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("notes.txt"), std::string::npos) << r.message();

  // What a process killed mid-enqueue leaves: a hidden staging folder named with its pid.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  ::waitpid(dead, nullptr, 0);
  const auto stale = dir / "outbox" / (".1.2.3-abc.part-" + std::to_string(dead) + "-1");
  fs::create_directories(stale);
  std::ofstream(stale / "object.dcm") << "half";
  auto items = box.list();
  ASSERT_TRUE(items.ok()) << items.message();
  EXPECT_TRUE(items->empty());
  EXPECT_FALSE(fs::exists(stale));

  const auto sample = sampleFiles();
  if (sample.empty()) return;
  auto a = box.enqueue(sample[0], node);
  ASSERT_TRUE(a.ok()) << a.message();
  auto again = box.enqueue(sample[0], node);  // same object, same node: one item
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(a->id, again->id);
  node.port = 11113;
  auto other = box.enqueue(sample[0], node);  // another peer: its own item
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, a->id);
  items = box.list();
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(items->size(), 2u);
  auto removed = box.removeStudy(items->at(0).studyInstanceUid);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->size(), 2u);
}

TEST(Outbox, PeriodicRetryBacksOff) {
  using std::chrono::seconds;
  EXPECT_EQ(outboxRetryDelay(0), seconds(0));
  EXPECT_EQ(outboxRetryDelay(1), seconds(30));
  EXPECT_EQ(outboxRetryDelay(2), seconds(60));
  EXPECT_EQ(outboxRetryDelay(5), seconds(480));
  EXPECT_EQ(outboxRetryDelay(7), seconds(1800));
  EXPECT_EQ(outboxRetryDelay(100), seconds(1800));
  OutboxItem i;
  i.state = OutboxState::Failed;
  i.attempts = 2;
  i.lastAttempt = "2026-12-02T04:00:00Z";
  const auto t = std::chrono::system_clock::from_time_t(1796184000);  // 2026-12-02T04:00:00Z
  EXPECT_FALSE(outboxRetryDue(i, t + seconds(59)));
  EXPECT_TRUE(outboxRetryDue(i, t + seconds(60)));
  i.state = OutboxState::Sent;
  EXPECT_FALSE(outboxRetryDue(i, t + seconds(3600)));
  i.state = OutboxState::Pending;
  i.attempts = 0;
  EXPECT_TRUE(outboxRetryDue(i, t));
}

}  // namespace
}  // namespace annulo
