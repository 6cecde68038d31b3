// DICOM TLS on our storage SCP (issue 18): peers with a certificate our CA signed
// store over TLS (our client, DCMTK's storescu, Orthanc answering a C-MOVE with
// UseDicomTls); plain DICOM and certificates signed by nobody we trust are
// refused with a log line saying so. Certificates are made in the test.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "annulo/dicom/FileCollector.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/net/Echo.h"
#include "annulo/net/Move.h"
#include "annulo/net/StorageScp.h"
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

std::vector<std::string> mrFiles() {
  auto c = collectFiles((test::sourceDir() / "sample_data" / "mr").string());
  return c ? c->files : std::vector<std::string>{};
}

struct Lines {
  std::mutex m;
  std::string text;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& l) {
      std::lock_guard<std::mutex> g(m);
      text += l + "\n";
    };
  }
  std::string all() {
    std::lock_guard<std::mutex> g(m);
    return text;
  }
};

class ScpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (runCommand("command -v openssl >/dev/null") != 0) ANNULO_SKIP_MISSING("openssl CLI missing");
    if (mrFiles().empty()) ANNULO_SKIP_MISSING("sample_data missing");
    std::string log;
    ASSERT_TRUE(test::makeCertificates(certs_.path(), log)) << log;
  }
  TlsSettings ours() const {  // the SCP's side: our certificate, peers verified against the CA
    TlsSettings t;
    t.enabled = true;
    t.certFile = (certs_ / "annulo.pem").string();
    t.keyFile = (certs_ / "annulo.key").string();
    t.caFile = (certs_ / "ca.pem").string();
    return t;
  }
  PacsNode sender(int port, const std::string& cert) const {  // a peer calling our SCP over TLS
    PacsNode n;
    n.calledAe = "ANNULO";
    n.host = "127.0.0.1";
    n.port = port;
    n.callingAe = "SENDER";
    n.acseTimeoutS = 3;
    n.tls.enabled = true;
    n.tls.caFile = (certs_ / "ca.pem").string();
    n.tls.certFile = (certs_ / (cert + ".pem")).string();
    n.tls.keyFile = (certs_ / (cert + ".key")).string();
    return n;
  }
  test::TempDir certs_, dir_;
};

TEST_F(ScpTls, TrustedPeersStoreOverTlsAndPlainDicomIsRefused) {
  Lines log;
  StorageScpConfig c;
  c.port = 0;
  c.peers = {{"SENDER", ""}};
  c.folder = dir_ / "in";
  c.tls = ours();
  c.log = log.sink();
  auto scp = StorageScp::start(c);
  ASSERT_TRUE(scp.ok()) << scp.message();
  const int port = (*scp)->port();
  const auto files = mrFiles();

  auto r = storeFiles(sender(port, "orthanc"), files);  // our client, a certificate our CA signed
  ASSERT_TRUE(r.ok()) << r.message() << log.all();
  EXPECT_EQ(r->stored, files.size());

  // DCMTK's storescu as a second TLS client, verifying our certificate against the CA.
  std::string out;
  const std::string storescu = "storescu -xt -aet SENDER -aec ANNULO +tls " + shellQuote(certs_ / "orthanc.key") + " " +
                               shellQuote(certs_ / "orthanc.pem") + " +cf " + shellQuote(certs_ / "ca.pem") +
                               " 127.0.0.1 " + std::to_string(port) + " " + shellQuote(files[0]) + " 2>&1";
  EXPECT_EQ(runCommand(storescu, &out), 0) << out << log.all();

  PacsNode plain = sender(port, "orthanc");  // plain DICOM to the TLS port
  plain.tls.enabled = false;
  EXPECT_FALSE(echo(plain).ok());
  EXPECT_NE(runCommand("storescu -aet SENDER -aec ANNULO 127.0.0.1 " + std::to_string(port) + " " +
                           shellQuote(files[0]) + " 2>&1",
                       &out),
            0)
      << out;
  auto stranger = echo(sender(port, "stranger"));  // TLS, but a certificate nobody we trust signed
  EXPECT_FALSE(stranger.ok());
  (*scp)->stop();

  EXPECT_EQ((*scp)->received().size(), files.size() + 1);
  EXPECT_EQ((*scp)->rejectedAssociations(), 3);
  const std::string text = log.all();
  EXPECT_NE(text.find("(DICOM TLS, peer certificates verified)"), std::string::npos) << text;
  std::size_t refusals = 0;
  for (auto at = text.find("refused connection from 127.0.0.1: TLS handshake failed"); at != std::string::npos;
       at = text.find("refused connection from 127.0.0.1: TLS handshake failed", at + 1))
    ++refusals;
  EXPECT_EQ(refusals, 3u) << text;
}

TEST_F(ScpTls, NeedsOurCertificateAndKey) {
  StorageScpConfig c;
  c.port = 0;
  c.folder = dir_ / "in";
  c.tls.enabled = true;
  auto scp = StorageScp::start(c);
  ASSERT_FALSE(scp.ok());
  EXPECT_NE(scp.message().find("needs our certificate and its private key"), std::string::npos) << scp.message();
  c.tls = ours();
  c.tls.keyFile = (certs_ / "stranger.key").string();
  scp = StorageScp::start(c);
  ASSERT_FALSE(scp.ok());
  EXPECT_NE(scp.message().find("is not the private key of"), std::string::npos) << scp.message();
}

// `annulo-cli listen` with TLS from the node configuration's "local" section.
TEST_F(ScpTls, ListenCommandTakesTlsFromTheNodeConfiguration) {
  test::PrivateHome home;
  const int port = test::freeLoopbackPort();
  const fs::path nodes = dir_ / "nodes.json";
  std::ofstream(nodes) << nlohmann::json({{"local",
                                           {{"port", port},
                                            {"tls",
                                             {{"certificate", (certs_ / "annulo.pem").string()},
                                              {"key", (certs_ / "annulo.key").string()},
                                              {"ca", (certs_ / "ca.pem").string()}}}}}})
                              .dump();
  const fs::path log = dir_ / "listen.log";
  std::string pid;
  ASSERT_EQ(runCommand(test::cliPath() + " listen --nodes " + shellQuote(nodes) +
                           " --peer SENDER --seconds 20 >/dev/null 2>" + shellQuote(log) + " & echo $!",
                       &pid),
            0);
  PacsNode n = sender(port, "orthanc");
  n.connectTimeoutS = 1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!echo(n).ok() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto r = storeFiles(n, mrFiles());
  n.tls.enabled = false;
  EXPECT_FALSE(echo(n).ok());
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->stored, mrFiles().size());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("(DICOM TLS, peer certificates verified)"), std::string::npos) << text;
  EXPECT_NE(text.find("refused connection from 127.0.0.1: TLS handshake failed"), std::string::npos) << text;
  (void)runCommand("kill -TERM " + std::to_string(std::stoi(pid)));
}

// Orthanc answering a C-MOVE opens a TLS association to our SCP (its modality entry
// has UseDicomTls); the CLI's get --move takes both sides' TLS from nodes.json.
TEST_F(ScpTls, OrthancMovesIntoOurScpOverTls) {
  if (test::orthancBinary().empty()) ANNULO_SKIP_MISSING("Orthanc is not installed (tools/setup.sh installs it)");
  test::PrivateHome home;
  const int scpPort = test::freeLoopbackPort();
  TlsSettings client = ours();  // our certificate also when we call Orthanc
  test::LocalOrthanc orthanc{dir_ / "orthanc", "TLSPACS"};
  orthanc.setTls(client);
  const nlohmann::json us = {{"AET", "ANNULO"},     {"Host", "127.0.0.1"}, {"Port", scpPort},
                             {"UseDicomTls", true}, {"AllowMove", true},   {"AllowFind", true}};
  const nlohmann::json settings = {{"Name", "annulo-move-tls"},
                                   {"DicomTlsEnabled", true},
                                   {"DicomTlsCertificate", (certs_ / "orthanc.pem").string()},
                                   {"DicomTlsPrivateKey", (certs_ / "orthanc.key").string()},
                                   {"DicomTlsTrustedCertificates", (certs_ / "ca.pem").string()},
                                   {"DicomTlsRemoteCertificateRequired", true},
                                   {"DicomAlwaysAllowEcho", true},
                                   {"DicomAlwaysAllowStore", true},
                                   {"DicomModalities", {{"annulo", us}}},
                                   {"DicomThreadsCount", 2}};
  std::string error;
  ASSERT_TRUE(orthanc.start(test::orthancBinary(), settings, error)) << error;
  const auto files = mrFiles();
  auto stored = storeFiles(orthanc.node(), files);
  ASSERT_TRUE(stored.ok() && stored->stored == files.size()) << (stored.ok() ? "" : stored.message());
  LoadOptions lo;
  lo.readPixels = false;
  auto sample = loadSeries((test::sourceDir() / "sample_data" / "mr").string(), lo);
  ASSERT_TRUE(sample.ok());
  const std::string study = sample->series.at(0).study.instanceUid;

  MoveOptions o;
  o.port = scpPort;
  PacsNode quick = orthanc.node();  // our SCP without TLS: Orthanc's TLS sub-operations cannot reach it
  quick.dimseTimeoutS = 8;
  auto plainScp = moveStudy(quick, study, (dir_ / "plain").string(), o);
  EXPECT_TRUE(!plainScp.ok() || plainScp->files.empty()) << plainScp->files.size();
  o.scpTls = ours();
  auto r = moveStudy(orthanc.node(), study, (dir_ / "moved").string(), o);
  ASSERT_TRUE(r.ok()) << r.message() << orthanc.log();
  EXPECT_EQ(r->completed, int(files.size())) << orthanc.log();
  EXPECT_EQ(r->files.size(), files.size());

  const fs::path nodes = dir_ / "nodes.json";
  const nlohmann::json tls = {{"certificate", (certs_ / "annulo.pem").string()},
                              {"key", (certs_ / "annulo.key").string()},
                              {"ca", (certs_ / "ca.pem").string()}};
  std::ofstream(nodes) << nlohmann::json({{"local", {{"port", scpPort}, {"tls", tls}}},
                                          {"nodes",
                                           {{{"name", "tlspacs"},
                                             {"ae_title", "TLSPACS"},
                                             {"host", "127.0.0.1"},
                                             {"port", orthanc.node().port},
                                             {"retrieve", "move"},
                                             {"tls", tls}}}}})
                              .dump();
  std::string out;
  ASSERT_EQ(
      runCommand(test::cliPath() + " get " + study + " --from tlspacs --nodes " + shellQuote(nodes) + " --json 2>&1",
                 &out),
      0)
      << out << orthanc.log();
  EXPECT_EQ(nlohmann::json::parse(out, nullptr, false).value("completed", -1), int(files.size())) << out;
  EXPECT_EQ(fileCount((retrievedDir() / study).string()), files.size());
}

}  // namespace
}  // namespace annulo
