// DICOM TLS against Orthanc with DicomTlsEnabled, certificates made in the test
// with the openssl CLI: a CA, Orthanc's certificate and ours signed by it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "annulo/net/Echo.h"
#include "annulo/net/Find.h"
#include "annulo/net/Store.h"
#include "net/PrivateHome.h"
#include "net/TestCertificates.h"
#include "peers/LocalOrthanc.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;
using test::runCommand;

using test::makeCertificates;
std::string q(const fs::path& p) { return test::shellQuote(p); }

class OrthancTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::orthancBinary().empty()) ANNULO_SKIP_MISSING("Orthanc is not installed (tools/setup.sh installs it)");
    if (runCommand("command -v openssl >/dev/null") != 0) ANNULO_SKIP_MISSING("openssl CLI missing");
    std::string log;
    ASSERT_TRUE(makeCertificates(certs_.path(), log)) << log;
    tls_.enabled = true;
    tls_.caFile = (certs_ / "ca.pem").string();
    tls_.certFile = (certs_ / "annulo.pem").string();
    tls_.keyFile = (certs_ / "annulo.key").string();
    orthanc_.setTls(tls_);
    const nlohmann::json allow = {{"AET", "ANNULO"}, {"Host", "127.0.0.1"}, {"Port", 104}};
    const nlohmann::json settings = {{"Name", "annulo-tls"},
                                     {"DicomTlsEnabled", true},
                                     {"DicomTlsCertificate", (certs_ / "orthanc.pem").string()},
                                     {"DicomTlsPrivateKey", (certs_ / "orthanc.key").string()},
                                     {"DicomTlsTrustedCertificates", (certs_ / "ca.pem").string()},
                                     {"DicomTlsRemoteCertificateRequired", true},
                                     {"DicomCheckCalledAet", true},
                                     {"DicomAlwaysAllowEcho", true},
                                     {"DicomAlwaysAllowStore", true},
                                     {"DicomAlwaysAllowFind", true},
                                     {"DicomModalities", {{"annulo", allow}}},
                                     {"DicomThreadsCount", 2}};
    std::string error;
    ASSERT_TRUE(orthanc_.start(test::orthancBinary(), settings, error)) << error;
  }

  test::PrivateHome home_;
  test::TempDir certs_, dir_;
  TlsSettings tls_;
  test::LocalOrthanc orthanc_{dir_.path(), "ANNULOTLS"};
};

TEST_F(OrthancTls, EchoStoreAndFindOverVerifiedTls) {
  auto e = echo(orthanc_.node());
  ASSERT_TRUE(e.ok()) << e.message();
  const fs::path sr = test::sourceDir() / "sample_data" / "mr";
  if (!fs::exists(sr)) return;
  std::string out;
  const std::string peer = "ANNULOTLS@127.0.0.1:" + std::to_string(orthanc_.node().port);
  const std::string tlsArgs =
      " --tls --tls-ca " + q(tls_.caFile) + " --tls-cert " + q(tls_.certFile) + " --tls-key " + q(tls_.keyFile);
  EXPECT_EQ(runCommand(test::cliPath() + " echo " + peer + tlsArgs + " 2>&1", &out), 0) << out;
  EXPECT_EQ(runCommand(test::cliPath() + " send " + q(sr) + " --to " + peer + tlsArgs + " --json 2>/dev/null", &out), 0)
      << out << orthanc_.log();
  const auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << out;
  EXPECT_EQ(j["stored"], 15);
  StudyQuery query;
  auto found = findStudies(orthanc_.node(), query);
  ASSERT_TRUE(found.ok()) << found.message();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->at(0).numberOfInstances, 15);
}

TEST_F(OrthancTls, PeerNotSignedByOurCaIsRefused) {
  PacsNode n = orthanc_.node();
  n.tls.caFile = (certs_ / "stranger.pem").string();  // we trust someone else: Orthanc's certificate fails
  auto e = echo(n);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("TLS handshake with 127.0.0.1:" + std::to_string(n.port) + " failed"), std::string::npos)
      << e.message();
  // Without verification (the explicit test-only option) the same peer is reached.
  n.tls.verifyPeer = false;
  EXPECT_TRUE(echo(n).ok());
}

TEST_F(OrthancTls, OurCertificateNotTrustedByThePeerIsRefused) {
  PacsNode n = orthanc_.node();
  n.tls.certFile = (certs_ / "stranger.pem").string();
  n.tls.keyFile = (certs_ / "stranger.key").string();
  auto e = echo(n);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("does not trust our certificate"), std::string::npos) << e.message();
  n.tls.enabled = false;  // plain DICOM to a TLS port
  n.connectTimeoutS = 2;
  n.acseTimeoutS = 3;
  e = echo(n);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("use --tls"), std::string::npos) << e.message();
}

TEST(DicomTlsSettings, VerificationNeedsACaAndACertificateNeedsItsKey) {
  PacsNode n;
  n.calledAe = "PACS";
  n.host = "127.0.0.1";
  n.port = 11112;
  n.tls.enabled = true;
  auto s = validate(n);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no CA certificate"), std::string::npos) << s.message();
  n.tls.verifyPeer = false;
  n.tls.certFile = "/etc/hostname";
  EXPECT_NE(validate(n).message().find("needs its private key"), std::string::npos);
  n.tls.certFile.clear();
  EXPECT_TRUE(validate(n).ok());
}

}  // namespace
}  // namespace annulo
