#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "annulo/annotation/SessionStore.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::TempDir;

// Tear number i of a known stream of edits: every field derives from i.
TearAnnotation expectedTear(int i) {
  TearAnnotation t;
  t.id = "T" + std::to_string(i);
  t.trackingUid = "2.25." + std::to_string(1000 + i);
  t.level = i % 2 ? "L4-L5" : "L5-S1";
  t.type = TearType(i % 4);
  t.grade = i % 6;
  t.clock = 1 + i % 12;
  t.zone = SpinalZone(i % 7);
  t.leak = LeakPattern(i % 5);
  t.pain = PainResponse(i % 4);
  t.comment = "edit " + std::to_string(i) + " \"quoted\" \xc3\xa9";
  t.observer = "Dr. Test";
  t.observedAt = "2026-11-26T10:00:00";
  t.createdBy = "Dr. Create " + std::to_string(i);
  t.createdAt = "2026-11-26T10:00:0" + std::to_string(i % 10) + "Z";
  t.modifiedBy = "Dr. Modify";
  t.modifiedAt = "2026-11-27T11:00:00Z";
  t.geometry.kind = i % 3 ? GeometryKind::Polyline : GeometryKind::Point;
  t.geometry.points = {{0.1 * i, 200.25, 0}};
  if (i % 3) t.geometry.points.push_back({1.0 / 3.0 * i, 1e-7, 0});
  t.geometry.image = {"1.2.840.10008.5.1.4.1.1.12.1", "1.2.3.4." + std::to_string(i), "1.2.3", "1.2", 1 + i % 40};
  if (i % 2) {
    LeakFigures f;
    f.areaMm2 = 12.345678901234 * i;
    f.onsetMs = 333.5;
    f.onsetFrame = 6;
    f.exitDirectionDeg = 187.25;
    f.calibration = "magnification-corrected";
    t.leakFigures = f;
  }
  if (i % 5 == 0) t.catheter = CatheterPlan{{10, 20}, {200, 300}, 77.125, "detector"};
  return t;
}

TEST(SessionStore, JsonRoundTripKeepsEveryField) {
  Session s;
  s.sessionUid = "2.25.42";
  s.sourcePath = "/data/study";
  s.studyInstanceUid = "1.2.3";
  s.observer = "Dr. Test";
  s.nextId = 11;
  for (int i = 1; i <= 10; ++i) s.tears.push_back(expectedTear(i));
  auto back = sessionFromJson(sessionToJson(s));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->sessionUid, s.sessionUid);
  EXPECT_EQ(back->nextId, 11);
  ASSERT_EQ(back->tears.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(back->tears[std::size_t(i)] == s.tears[std::size_t(i)]) << "tear " << i + 1;
}

TEST(SessionStore, CorruptFileIsAClearErrorAndNothingIsOverwritten) {
  TempDir dir;
  const std::string path = (dir / "session.json").string();
  Session s;
  s.tears.push_back(expectedTear(1));
  ASSERT_TRUE(saveSession(s, path).ok());
  s.tears.push_back(expectedTear(2));
  ASSERT_TRUE(saveSession(s, path).ok());
  // The backup is the previous complete state.
  auto bak = loadSession(backupPath(path));
  ASSERT_TRUE(bak.ok());
  EXPECT_EQ(bak->tears.size(), 1u);
  // Truncate the live file as a crash of some other program might.
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(path, std::ios::trunc) << text.substr(0, text.size() / 2);
  auto r = loadSession(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("corrupt or truncated"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find(".bak"), std::string::npos) << r.message();
  std::ifstream in(path);
  std::string after((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(after, text.substr(0, text.size() / 2)) << "loading never rewrites a corrupt file";
  EXPECT_TRUE(loadSession(backupPath(path)).ok());
}

// The writer is killed (SIGKILL) at random moments during a stream of edits;
// the file on disk must always be a complete, valid state of that stream, and
// hold every edit the writer acknowledged (a byte on a pipe after each add
// returned). The kill comes after 1-4 acknowledgements plus 0-3 ms, so it lands
// at any point of a save however loaded the machine is (a fixed sleep left some
// trials with no edit at all under load).
TEST(SessionStore, SurvivesSigkillAtRandomPointsDuringEdits) {
  TempDir dir;
  const std::string path = (dir / "session.json").string();
  std::mt19937 rng(7);
  int lastCount = 0;
  for (int trial = 0; trial < 25; ++trial) {
    int acks[2];
    ASSERT_EQ(pipe(acks), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(acks[0]);
      Session start;
      if (auto existing = loadSession(path)) start = *existing;
      AnnotationModel m(start, [&](const Session& s) { return saveSession(s, path); });
      for (int i = int(start.tears.size()) + 1; i < 100000; ++i) {
        if (!m.add(expectedTear(i)).ok()) _exit(3);
        if (write(acks[1], "a", 1) != 1) _exit(4);
      }
      _exit(0);
    }
    close(acks[1]);
    const int wanted = std::uniform_int_distribution<int>(1, 4)(rng);
    int acknowledged = 0;
    char byte;
    while (acknowledged < wanted) {
      pollfd p{acks[0], POLLIN, 0};
      ASSERT_EQ(poll(&p, 1, 30000), 1) << "trial " << trial << ": no acknowledgement within 30 s";
      if (read(acks[0], &byte, 1) != 1) break;
      ++acknowledged;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(rng)));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    while (read(acks[0], &byte, 1) == 1) ++acknowledged;  // sent before the kill
    close(acks[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer ended by itself (status " << status << ")";
    auto s = loadSession(path);
    ASSERT_TRUE(s.ok()) << "trial " << trial << ": " << s.message();
    const int n = int(s->tears.size());
    EXPECT_GE(n, lastCount + acknowledged) << "trial " << trial << ": an acknowledged edit was lost";
    EXPECT_LE(n, lastCount + acknowledged + 1) << "at most the edit being saved when killed is extra";
    for (int i = 0; i < n; ++i) ASSERT_TRUE(s->tears[std::size_t(i)] == expectedTear(i + 1)) << "tear " << i + 1;
    lastCount = n;
  }
  RecordProperty("edits_on_disk", lastCount);
  std::cout << "[ info ] " << lastCount << " edits on disk after 25 kills\n";
}

}  // namespace
}  // namespace annulo
