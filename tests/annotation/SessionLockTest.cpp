// The session lock: a stuck holder makes another writer give up with a clear
// message and change nothing; a dead holder's lock is released by the kernel.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "annulo/annotation/SessionStore.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::TempDir;

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A child process that takes the lock, says so on a pipe and holds it until killed.
class StuckHolder {
 public:
  explicit StuckHolder(const std::string& session) {
    int ready[2];
    EXPECT_EQ(pipe(ready), 0);
    pid_ = fork();
    if (pid_ == 0) {
      close(ready[0]);
      LockOptions o;
      o.holder = "Dr. Stuck";
      auto lock = SessionLock::acquire(session, o);
      const char c = lock.ok() ? 'y' : 'n';
      if (write(ready[1], &c, 1) != 1) _exit(2);
      for (;;) pause();
    }
    close(ready[1]);
    char c = 0;
    EXPECT_EQ(read(ready[0], &c, 1), 1);
    close(ready[0]);
    locked_ = c == 'y';
  }
  ~StuckHolder() { release(); }
  void release() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  bool locked() const { return locked_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool locked_ = false;
};

Session oneTear() {
  Session s;
  s.sessionUid = "2.25.7";
  TearAnnotation t;
  t.id = "T1";
  t.trackingUid = "2.25.8";
  t.level = "L4-L5";
  t.geometry.points = {{1, 2, 0}};
  t.geometry.image.sopInstanceUid = "1.2.3";
  s.tears.push_back(t);
  s.nextId = 2;
  return s;
}

TEST(SessionLock, AStuckHolderMakesAWriterFailClearlyAndChangeNothing) {
  TempDir dir;
  const std::string path = (dir / "s.json").string();
  ASSERT_TRUE(saveSession(oneTear(), path).ok());
  const std::string before = readAll(path), bakBefore = readAll(backupPath(path));
  StuckHolder holder(path);
  ASSERT_TRUE(holder.locked());
  LockOptions quick;
  quick.timeout = std::chrono::milliseconds(300);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = updateSession(
      path,
      [](Session& s) {
        s.tears.clear();
        return Status();
      },
      {}, quick);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(r.ok()) << "the edit must not happen while another writer holds the lock";
  EXPECT_NE(r.message().find(lockPath(path)), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("pid " + std::to_string(holder.pid())), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("Dr. Stuck"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("nothing was changed"), std::string::npos) << r.message();
  EXPECT_GE(waited, 0.29);
  EXPECT_LT(waited, 3.0);
  EXPECT_EQ(readAll(path), before);
  EXPECT_EQ(readAll(backupPath(path)), bakBefore);
  // The holder dies (as a crashed viewer would): the kernel frees the lock.
  holder.release();
  auto ok = updateSession(
      path,
      [](Session& s) {
        s.tears.clear();
        return Status();
      },
      {}, quick);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_TRUE(loadSession(path)->tears.empty());
}

TEST(SessionLock, TheCliWaitsForTheLockThenGivesUpWithoutWriting) {
  TempDir dir;
  const std::string path = (dir / "s.json").string();
  ASSERT_TRUE(saveSession(oneTear(), path).ok());
  const std::string before = readAll(path);
  StuckHolder holder(path);
  ASSERT_TRUE(holder.locked());
  std::string out;
  const int rc = test::runCommand(
      "ANNULO_SESSION_LOCK_TIMEOUT=0.5 " + test::cliPath() + " annotate " + path + " --remove T1 2>&1", &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("another writer holds the session lock"), std::string::npos) << out;
  EXPECT_NE(out.find(std::to_string(holder.pid())), std::string::npos) << out;
  EXPECT_EQ(out.find("removed T1"), std::string::npos) << out;
  EXPECT_EQ(readAll(path), before) << "a writer that cannot get the lock changes nothing";
  holder.release();
  EXPECT_EQ(test::runCommand(test::cliPath() + " annotate " + path + " --remove T1 2>&1", &out), 0) << out;
  EXPECT_TRUE(loadSession(path)->tears.empty());
}

TEST(SessionLock, TwoLocksInOneProcessExcludeEachOther) {
  TempDir dir;
  const std::string path = (dir / "s.json").string();
  auto first = SessionLock::acquire(path);
  ASSERT_TRUE(first.ok()) << first.message();
  LockOptions quick;
  quick.timeout = std::chrono::milliseconds(100);
  EXPECT_FALSE(SessionLock::acquire(path, quick).ok()) << "open-file-description locks, not per-process ones";
}

}  // namespace
}  // namespace annulo
