// Where sessions live and their permissions: private by default, whatever the umask.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include "annulo/annotation/SessionFolder.h"
#include "annulo/annotation/SessionLock.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/SessionSync.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::TempDir;

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Restores an environment variable when the test ends.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~EnvVar() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class Umask {
 public:
  explicit Umask(mode_t m) : old_(::umask(m)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

TearAnnotation tear(double x) {
  TearAnnotation t;
  t.level = "L4-L5";
  t.geometry.points = {{x, 1, 0}};
  t.geometry.image.sopInstanceUid = "1.2.3";
  return t;
}

TEST(SessionFolder, FolderComesFromTheEnvironmentInOrder) {
  EnvVar dir("ANNULO_SESSION_DIR", "/srv/shared/sessions");
  EXPECT_EQ(defaultSessionFolder(), "/srv/shared/sessions");
  EnvVar noDir("ANNULO_SESSION_DIR", nullptr);
  EnvVar data("XDG_DATA_HOME", "/x/data");
  EXPECT_EQ(defaultSessionFolder(), "/x/data/annulo/sessions");
  EnvVar noData("XDG_DATA_HOME", "");
  EnvVar home("HOME", "/home/reader");
  EXPECT_EQ(defaultSessionFolder(), "/home/reader/.local/share/annulo/sessions");
  EXPECT_EQ(sessionFileFor("/f", "1.2.840.5", "/data"), "/f/1.2.840.5.json");
  EXPECT_EQ(sessionFileFor("/f", "../../etc/passwd", "/data").rfind("/f/study-", 0), 0u)
      << "a bad UID never names a path";
  EXPECT_NE(sessionFileFor("/f", "", "/a"), sessionFileFor("/f", "", "/b"));
}

TEST(SessionFolder, SessionFileStays0600AfterTwentyEditsUnderUmask022) {
  Umask m(022);
  TempDir dir;
  const std::string folder = (dir / "data/annulo/sessions").string();
  ASSERT_TRUE(createPrivateFolder(folder).ok());
  EXPECT_EQ(modeOf((dir / "data").string()), 0700u);
  EXPECT_EQ(modeOf((dir / "data/annulo").string()), 0700u);
  EXPECT_EQ(modeOf(folder), 0700u);
  const std::string path = folder + "/1.2.3.json";
  auto sync = std::make_shared<SessionSync>(path);
  ASSERT_TRUE(sync->open().ok());
  AnnotationModel model({}, sync->hook(), "reader");
  for (int i = 0; i < 20; ++i) {
    if (i % 3 == 2) {
      ASSERT_TRUE(model.remove(model.tears().back().id).ok());
    } else {
      ASSERT_TRUE(model.add(tear(i)).ok());
    }
    ASSERT_EQ(modeOf(path), 0600u) << "after edit " << i + 1;
  }
  EXPECT_EQ(modeOf(backupPath(path)), 0600u);
  EXPECT_EQ(modeOf(lockPath(path)), 0600u);
  ASSERT_TRUE(saveSession(model.session(), path).ok());
  EXPECT_EQ(modeOf(path), 0600u);
  // Nothing else (temporary files) left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(folder)) files += e.is_regular_file();
  EXPECT_EQ(files, 3) << "session, .bak and .lock only";
}

TEST(SessionFolder, ASharedFolderKeepsItsPermissionsAndItsFilesAreGroupWritable) {
  Umask m(022);
  TempDir dir;
  const std::string shared = (dir / "shared").string();
  ASSERT_EQ(::mkdir(shared.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(shared.c_str(), 02770), 0);
  ASSERT_TRUE(createPrivateFolder(shared).ok());
  EXPECT_EQ(modeOf(shared), 02770u) << "an existing folder is left as the user set it";
  const std::string path = shared + "/s.json";
  Session s;
  s.tears.push_back(tear(1));
  ASSERT_TRUE(saveSession(s, path).ok());
  EXPECT_EQ(modeOf(path), 0660u);
}

}  // namespace
}  // namespace annulo
