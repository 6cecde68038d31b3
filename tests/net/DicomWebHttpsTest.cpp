// Issue 16: DICOMweb over https with a CA the user chose to trust, and DICOMweb
// nodes of nodes.json taken by name (their CA and credentials entry) by the core,
// the CLI's find/get/send and the viewer. The archive is a private Orthanc with a
// login behind https (tls_proxy.py: Debian's Orthanc 1.10.1 crashes on its own
// SslEnabled with OpenSSL 3); the certificate is signed by a CA made in the test.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "annulo/dicom/FileCollector.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/net/AnyNode.h"
#include "annulo/net/NodeConfig.h"
#include "annulo/net/Store.h"
#include "annulo/net/UserFolders.h"
#include "net/PrivateHome.h"
#include "net/TestCertificates.h"
#include "peers/LocalOrthanc.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

// Files found under `folder`; 0 when it does not exist (a failed retrieve).
std::size_t fileCount(const std::string& folder) {
  auto c = collectFiles(folder);
  return c ? c->files.size() : 0;
}
using test::runCommand;
using test::shellQuote;

constexpr const char* kPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

fs::path sampleData() { return test::sourceDir() / "sample_data"; }

std::vector<std::string> filesOf(const char* sub) {
  auto c = collectFiles((sampleData() / sub).string());
  return c ? c->files : std::vector<std::string>{};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class HttpsDicomWeb : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::orthancBinary().empty()) ANNULO_SKIP_MISSING("Orthanc is not installed (tools/setup.sh installs it)");
    if (!fs::exists(kPlugin)) ANNULO_SKIP_MISSING(kPlugin << " (tools/setup.sh installs orthanc-dicomweb)");
    if (runCommand("command -v openssl >/dev/null") != 0) ANNULO_SKIP_MISSING("openssl CLI missing");
    if (filesOf("mr").empty()) ANNULO_SKIP_MISSING("sample_data missing");
    std::string log;
    ASSERT_TRUE(test::makeCertificates(certs_.path(), log)) << log;
    // Orthanc wants its https certificate and key in one PEM file.
    ASSERT_EQ(runCommand("cat " + shellQuote(certs_ / "orthanc.pem") + " " + shellQuote(certs_ / "orthanc.key") +
                         " > " + shellQuote(certs_ / "orthanc-https.pem")),
              0);
    const nlohmann::json settings = {{"Name", "annulo-https"},
                                     {"Plugins", {kPlugin}},
                                     {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}},
                                     {"AuthenticationEnabled", true},
                                     {"RegisteredUsers", {{"reader", "s3cret-pw"}}},
                                     {"DicomAlwaysAllowStore", true},
                                     {"HttpThreadsCount", 4}};
    std::string error;
    ASSERT_TRUE(orthanc_.start(test::orthancBinary(), settings, error)) << error;
    auto put = storeFiles(orthanc_.node(), filesOf("mr"));
    ASSERT_TRUE(put.ok() && put->stored == filesOf("mr").size()) << (put.ok() ? "" : put.message());
    const int httpsPort = test::freeLoopbackPort();
    ASSERT_TRUE(startProxy(httpsPort));
    url_ = "https://127.0.0.1:" + std::to_string(httpsPort) + "/dicom-web";
    // The node configuration next to the CA: "ca" relative to the file's folder.
    nodes_ = certs_ / "nodes.json";
    std::ofstream(nodes_)
        << nlohmann::json({{"nodes", {{{"name", "web"}, {"protocol", "dicomweb"}, {"url", url_}, {"ca", "ca.pem"}}}}})
               .dump();
    // The login under the node's name only: a bare URL finds no entry (by host:port).
    const fs::path creds = certs_ / "credentials.json";
    std::ofstream(creds)
        << nlohmann::json({{"nodes", {{"web", {{"basic", {{"user", "reader"}, {"password", "s3cret-pw"}}}}}}}}).dump();
    ::chmod(creds.c_str(), 0600);
    ::setenv("ANNULO_NODES", nodes_.c_str(), 1);
    ::setenv("ANNULO_CREDENTIALS", creds.c_str(), 1);
    LoadOptions lo;
    lo.readPixels = false;
    auto sample = loadSeries((sampleData() / "mr").string(), lo);
    ASSERT_TRUE(sample.ok());
    study_ = sample->series.at(0).study.instanceUid;
  }
  // https on `port` with Orthanc's certificate, forwarding to its plain HTTP port.
  bool startProxy(int port) {
    std::string pid;
    const fs::path script = test::sourceDir() / "tests" / "net" / "tls_proxy.py";
    runCommand("python3 " + shellQuote(script) + " " + std::to_string(port) + " " +
                   std::to_string(orthanc_.httpPort()) + " " + shellQuote(certs_ / "orthanc.pem") + " " +
                   shellQuote(certs_ / "orthanc.key") + " > /dev/null 2>&1 & echo $!",
               &pid);
    proxyPid_ = std::atoi(pid.c_str());
    for (int i = 0; i < 100; ++i) {
      if (runCommand("curl -s -o /dev/null --max-time 2 --cacert " + shellQuote(certs_ / "ca.pem") +
                     " https://127.0.0.1:" + std::to_string(port) + "/") == 0)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void TearDown() override {
    if (proxyPid_ > 0) ::kill(proxyPid_, SIGTERM);
    ::unsetenv("ANNULO_NODES");
    ::unsetenv("ANNULO_CREDENTIALS");
  }

  test::PrivateHome home_;  // first: HOME and the XDG/ANNULO variables cleared for all below
  test::TempDir certs_, dir_;
  test::LocalOrthanc orthanc_{dir_ / "orthanc", "HTTPSPACS"};
  std::string url_, study_;
  fs::path nodes_;
  pid_t proxyPid_ = -1;
};

TEST_F(HttpsDicomWeb, RefusedWithoutTheCaAcceptedWithItAndTheNamedNodeBringsItsLogin) {
  DicomWebNode bare;
  bare.baseUrl = url_;
  auto untrusted = qidoFindStudies(bare, {});  // the system's CAs did not sign Orthanc's certificate
  ASSERT_FALSE(untrusted.ok());
  EXPECT_TRUE(contains(untrusted.message(), "not signed by a CA we trust")) << untrusted.message();
  EXPECT_TRUE(contains(untrusted.message(), "--ca-file")) << untrusted.message();
  bare.caFile = (certs_ / "stranger.pem").string();  // another CA: still refused
  auto other = qidoFindStudies(bare, {});
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(contains(other.message(), "not signed by the CA in " + bare.caFile)) << other.message();
  bare.caFile = (certs_ / "ca.pem").string();  // the right CA: TLS passes, and the archive asks for a login
  auto noLogin = qidoFindStudies(bare, {});
  ASSERT_FALSE(noLogin.ok());
  EXPECT_TRUE(contains(noLogin.message(), "HTTP 401")) << noLogin.message();

  auto config = loadDefaultNodeConfig();
  ASSERT_TRUE(config.ok()) << config.message();
  auto named = resolveAnyNode("web", *config);
  ASSERT_TRUE(named.ok()) << named.message();
  ASSERT_TRUE(named->isDicomWeb());
  EXPECT_EQ(named->web->caFile, (certs_ / "ca.pem").string());
  EXPECT_EQ(named->web->credentialName, "web");
  auto found = findStudiesOn(*named, {});
  ASSERT_TRUE(found.ok()) << found.message();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().studyInstanceUid, study_);
  EXPECT_EQ(found->front().numberOfInstances, 15);
}

TEST_F(HttpsDicomWeb, CliFindGetSendTakeTheNodeByNameAndTheCaFileOption) {
  const std::string cli = test::cliPath();
  std::string out;
  ASSERT_EQ(runCommand(cli + " find --on web --json 2>&1", &out), 0) << out;
  auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << out;
  ASSERT_EQ(j["studies"].size(), 1u) << out;

  // The URL without a CA: refused, naming the option; with --ca-file: TLS passes (no login under host:port).
  EXPECT_EQ(runCommand(cli + " find --dicomweb " + url_ + " 2>&1", &out), 1) << out;
  EXPECT_TRUE(contains(out, "--ca-file")) << out;
  EXPECT_EQ(
      runCommand(cli + " find --dicomweb " + url_ + " --ca-file " + shellQuote(certs_ / "ca.pem") + " 2>&1", &out), 1);
  EXPECT_TRUE(contains(out, "HTTP 401")) << out;
  EXPECT_EQ(runCommand(cli + " find --on web --ca-file " + shellQuote(certs_ / "stranger.pem") + " 2>&1", &out), 1);
  EXPECT_TRUE(contains(out, "not signed by the CA in")) << out;
  EXPECT_EQ(runCommand(cli + " find --on web --ca-file /nonexistent.pem 2>&1", &out), 2) << out;

  const fs::path folder = dir_ / "got";
  ASSERT_EQ(runCommand(cli + " get " + study_ + " --from web -o " + shellQuote(folder) + " --json 2>&1", &out), 0)
      << out;
  EXPECT_EQ(fileCount(folder.string()), 15u) << out;

  const auto xa = filesOf("xa");
  ASSERT_FALSE(xa.empty());
  ASSERT_EQ(runCommand(cli + " send " + shellQuote(xa[0]) + " --to web --json 2>&1", &out), 0) << out;
  j = nlohmann::json::parse(out, nullptr, false);
  EXPECT_EQ(j.value("stored", -1), 1) << out;
  ASSERT_EQ(runCommand(cli + " find --dicomweb web --study-uid " + study_ + " --json 2>&1", &out), 0) << out;
  j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_EQ(j["studies"].size(), 1u) << out;
  EXPECT_EQ(j["studies"][0]["instances"], 16) << out;
  // Series level by QIDO-RS: the MR series and the XA just sent.
  ASSERT_EQ(runCommand(cli + " find --on web --study-uid " + study_ + " --series --json 2>&1", &out), 0) << out;
  j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << out;
  std::multiset<std::string> modalities;
  for (const auto& s : j["series"]) modalities.insert(s.value("modality", ""));
  EXPECT_EQ(modalities, (std::multiset<std::string>{"MR", "XA"})) << out;
}

#ifdef ANNULO_VIEWER
// The viewer: a script retrieve by the node's name, and the PACS section showing
// the chosen node with its CA file (screenshot looked at by eye).
TEST_F(HttpsDicomWeb, ViewerRetrievesFromTheNamedNodeAndShowsItsCa) {
  if (runCommand("command -v xvfb-run > /dev/null") != 0) ANNULO_SKIP_MISSING("xvfb-run");
  const fs::path config = home_.home() / ".config" / "annulo";
  fs::create_directories(config);
  std::ofstream(config / "pacs.json") << nlohmann::json({{"node", "web"}}).dump();
  ::chmod((config / "pacs.json").c_str(), 0600);
  const fs::path png = dir_ / "https-node.png", script = dir_ / "script.txt";
  std::ofstream(script) << "retrieve web " << study_ << "\ntab pacs\nsize 1400x900\nscreenshot " << png.string()
                        << "\n";
  std::string out;
  runCommand(test::xvfbRun() + std::string(ANNULO_VIEWER) + " --script " + shellQuote(script) + " 2>&1", &out);
  std::ifstream in(png.string() + ".json");
  const auto side = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(side.is_object()) << out;
  EXPECT_EQ(side["series_count"], 1) << out;
  EXPECT_EQ(fileCount((retrievedDir() / study_).string()), 15u) << out;
  if (const char* keep = std::getenv("ANNULO_KEEP_SHOT"))
    fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
}
#endif

}  // namespace
}  // namespace annulo
