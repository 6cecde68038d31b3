// Patient data at rest: private folders/files whatever the umask, a credentials
// file others can read is refused, and forget leaves nothing of a study.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "annulo/dicom/FileCollector.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/net/Credentials.h"
#include "annulo/net/Outbox.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/net/UserFolders.h"
#include "net/PrivateHome.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

unsigned modeOf(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST(PrivateFiles, FoldersAndFilesArePrivateWhateverTheUmask) {
  test::TempDir dir;
  for (mode_t mask : {mode_t(022), mode_t(0), mode_t(002)}) {
    const mode_t old = ::umask(mask);
    const fs::path base = dir / ("m" + std::to_string(mask));
    ASSERT_TRUE(makePrivateDirs(base / "a" / "b").ok());
    ASSERT_TRUE(writePrivateFile(base / "a" / "b" / "f.json", "{}\n").ok());
    ASSERT_TRUE(copyPrivateFile(base / "a" / "b" / "f.json", base / "a" / "g.json").ok());
    ::umask(old);
    EXPECT_EQ(modeOf(base), 0700u);
    EXPECT_EQ(modeOf(base / "a" / "b"), 0700u);
    EXPECT_EQ(modeOf(base / "a" / "b" / "f.json"), 0600u);
    EXPECT_EQ(modeOf(base / "a" / "g.json"), 0600u);
  }
  // A folder the user made and shares keeps its mode.
  fs::create_directories(dir / "shared");
  ::chmod((dir / "shared").c_str(), 0750);
  ASSERT_TRUE(makePrivateDirs(dir / "shared" / "mine").ok());
  EXPECT_EQ(modeOf(dir / "shared"), 0750u);
  EXPECT_EQ(modeOf(dir / "shared" / "mine"), 0700u);
  // Nothing half-written stays beside the file.
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) EXPECT_FALSE(isPrivateTemp(e.path())) << e.path();
}

TEST(Credentials, AFileOthersCanReadIsRefusedWithTheFix) {
  test::TempDir dir;
  const fs::path file = dir / "credentials.json";
  std::ofstream(file) << R"({"nodes": {"pacs": {"basic": {"user": "reader", "password": "s3cret-pw"},
                                      "tls": {"key_password": "k3y-pw"}},
                                      "web": {"bearer": "t0ken"}}})";
  ::chmod(file.c_str(), 0644);
  auto c = credentialsFor("pacs", file);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.message().find("readable or writable by group/others (mode 0644)"), std::string::npos) << c.message();
  EXPECT_NE(c.message().find("chmod 600"), std::string::npos) << c.message();
  EXPECT_EQ(c.message().find("s3cret"), std::string::npos);
  ::chmod(file.c_str(), 0640);
  EXPECT_FALSE(credentialsFor("pacs", file).ok());
  ::chmod(file.c_str(), 0600);
  c = credentialsFor("pacs", file);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_TRUE(c->found);
  EXPECT_EQ(c->user, "reader");
  EXPECT_EQ(c->password, "s3cret-pw");
  EXPECT_EQ(c->keyPassword, "k3y-pw");
  EXPECT_EQ(credentialsFor("web", file)->bearerToken, "t0ken");
  EXPECT_FALSE(credentialsFor("other", file)->found);
  EXPECT_FALSE(credentialsFor("pacs", dir / "none.json")->found);  // no file: no secrets, no error
}

TEST(Credentials, TheCliRefusesAReadableFileForATlsNode) {
  test::PrivateHome home;
  const fs::path cfg = home.home() / ".config" / "annulo";
  fs::create_directories(cfg);
  std::ofstream(cfg / "me.pem") << "x";
  std::ofstream(cfg / "me.key") << "x";
  std::ofstream(cfg / "ca.pem") << "x";
  std::ofstream(cfg / "nodes.json") << R"({"nodes": [{"name": "pacs", "ae_title": "PACS", "host": "127.0.0.1",
      "port": 1, "tls": {"ca": "ca.pem", "certificate": "me.pem", "key": "me.key"}}]})";
  std::ofstream(cfg / "credentials.json") << R"({"nodes": {"pacs": {"tls": {"key_password": "k3y-pw"}}}})";
  ::chmod((cfg / "credentials.json").c_str(), 0644);
  std::string out;
  EXPECT_NE(test::runCommand(test::cliPath() + " echo pacs 2>&1", &out), 0) << out;
  EXPECT_NE(out.find("credentials.json is readable or writable by group/others"), std::string::npos) << out;
  EXPECT_EQ(out.find("k3y-pw"), std::string::npos) << out;
}

TEST(ForgetStudy, LeavesNothingOfTheStudyUnderHome) {
  const fs::path sample = test::sourceDir() / "sample_data" / "mr";
  if (!fs::exists(sample)) ANNULO_SKIP_MISSING("sample_data missing");
  test::PrivateHome home;
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries(sample.string(), lo);
  ASSERT_TRUE(loaded.ok());
  const std::string uid = loaded->series.at(0).study.instanceUid;
  const std::string other = uid + ".9";  // a study whose UID starts with this one's

  ASSERT_TRUE(makePrivateDirs(sessionDir()).ok());
  for (const std::string name : {uid + ".json", uid + ".json.bak", uid + ".json.lock", uid + ".bak", uid + ".lock",
                                 other + ".json", other + ".json.bak"})
    ASSERT_TRUE(writePrivateFile(sessionDir() / name, "{}").ok());
  ASSERT_TRUE(writePrivateFile(retrievedDir() / uid / "1.2.3.dcm", "x").ok());
  ASSERT_TRUE(writePrivateFile(retrievedDir() / other / "1.2.4.dcm", "x").ok());
  PacsNode node;
  node.calledAe = "PACS";
  node.host = "127.0.0.1";
  node.port = 11112;
  const Outbox box = Outbox::atDefaultLocation();
  const auto files = collectFiles(sample.string());
  ASSERT_TRUE(files.ok());
  for (const auto& f : files->files) ASSERT_TRUE(box.enqueue(f, node).ok());
  ASSERT_TRUE(
      writePrivateFile(annuloDataDir() / "recent.txt", (retrievedDir() / uid).string() + "\n/data/other-study\n").ok());

  std::string out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " forget " + uid + " 2>&1", &out), 0) << out;
  EXPECT_NE(out.find("removed " + (sessionDir() / (uid + ".json")).string()), std::string::npos) << out;
  EXPECT_NE(out.find("removed " + (retrievedDir() / uid).string()), std::string::npos) << out;
  EXPECT_NE(out.find("removed " + box.dir().string()), std::string::npos) << out;

  for (const auto& e : fs::recursive_directory_iterator(home.home())) {
    const std::string name = e.path().filename().string();
    EXPECT_FALSE(name == uid || name.rfind(uid + ".", 0) == 0 && name.rfind(other, 0) != 0) << e.path();
  }
  EXPECT_TRUE(box.list()->empty());
  std::ifstream recent(annuloDataDir() / "recent.txt");
  const std::string left((std::istreambuf_iterator<char>(recent)), {});
  EXPECT_EQ(left, "/data/other-study\n");
  // The other study is untouched.
  EXPECT_TRUE(fs::exists(sessionDir() / (other + ".json")));
  EXPECT_TRUE(fs::exists(sessionDir() / (other + ".json.bak")));
  EXPECT_TRUE(fs::exists(retrievedDir() / other / "1.2.4.dcm"));
  EXPECT_TRUE(home.notPrivate().empty()) << ::testing::PrintToString(home.notPrivate());
  // Nothing left to forget the second time.
  ASSERT_EQ(test::runCommand(test::cliPath() + " forget " + uid + " 2>&1", &out), 0) << out;
  EXPECT_NE(out.find("nothing of study"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
