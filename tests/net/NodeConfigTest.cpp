// The node configuration file: defaults, a full file, errors naming the key,
// and the CLI resolving a node by name.

#include <gtest/gtest.h>

#include <fstream>

#include "annulo/net/NodeConfig.h"
#include "annulo/net/UserFolders.h"
#include "net/PrivateHome.h"
#include "peers/LocalOrthanc.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

TEST(NodeConfig, MissingFileGivesTheDefaults) {
  test::PrivateHome home;
  EXPECT_EQ(nodeConfigPath(), home.home() / ".config/annulo/nodes.json");
  auto c = loadDefaultNodeConfig();
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->local.aeTitle, "ANNULO");
  EXPECT_EQ(c->local.bindAddress, "127.0.0.1");
  EXPECT_EQ(c->local.port, 11112);
  EXPECT_TRUE(c->nodes.empty());
}

TEST(NodeConfig, ReadsLocalAeNodesTlsAndTimeouts) {
  const std::string text = R"({
    "local": {"ae_title": "READING1", "port": 11200, "bind": "0.0.0.0",
              "tls": {"certificate": "scp.pem", "key": "scp.key", "ca": "/abs/peers.pem"}},
    "timeouts": {"connect": 3, "association": 7, "dimse": 60},
    "nodes": [
      {"name": "pacs", "ae_title": "ORTHANC", "host": "pacs.example.org", "port": 4242, "retrieve": "move",
       "tls": {"ca": "ca.pem", "certificate": "/abs/me.pem", "key": "me.key"},
       "incoming": {"allowed": true, "check_host": true}},
      {"name": "web", "protocol": "dicomweb", "url": "https://pacs.example.org/dicom-web", "ca": "hospital.pem"},
      {"name": "modality", "ae_title": "CARM", "host": "10.0.0.5", "incoming": {"allowed": false}}
    ]})";
  auto c = parseNodeConfig(text, "/etc/annulo/nodes.json");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->local.aeTitle, "READING1");
  EXPECT_EQ(c->local.bindAddress, "0.0.0.0");
  ASSERT_EQ(c->nodes.size(), 3u);
  const ConfiguredNode* p = c->find("pacs");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(describe(p->node), "ORTHANC@pacs.example.org:4242");
  EXPECT_EQ(p->node.callingAe, "READING1");
  EXPECT_EQ(p->node.connectTimeoutS, 3);
  EXPECT_EQ(p->node.acseTimeoutS, 7);
  EXPECT_EQ(p->node.dimseTimeoutS, 60);
  EXPECT_EQ(p->retrieve, RetrieveMethod::Move);
  EXPECT_TRUE(p->node.tls.enabled);
  EXPECT_TRUE(p->node.tls.verifyPeer);
  EXPECT_EQ(p->node.tls.caFile, "/etc/annulo/ca.pem");  // relative to the file
  EXPECT_EQ(p->node.tls.certFile, "/abs/me.pem");
  EXPECT_TRUE(p->checkHost);
  EXPECT_EQ(c->find("web")->protocol, "dicomweb");
  EXPECT_EQ(c->find("web")->url, "https://pacs.example.org/dicom-web");
  EXPECT_EQ(c->find("web")->caFile, "/etc/annulo/hospital.pem");  // relative to the file
  EXPECT_TRUE(c->local.tls.enabled);                              // the SCP's own TLS
  EXPECT_EQ(c->local.tls.certFile, "/etc/annulo/scp.pem");
  EXPECT_EQ(c->local.tls.keyFile, "/etc/annulo/scp.key");
  EXPECT_EQ(c->local.tls.caFile, "/abs/peers.pem");
  EXPECT_FALSE(c->find("modality")->incomingAllowed);
  EXPECT_EQ(c->find("modality")->node.port, 104);
  EXPECT_EQ(c->find("nobody"), nullptr);
}

TEST(NodeConfig, ErrorsNameTheFileAndTheProblem) {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"[1]", "not a JSON object"},
           {R"({"nodes": [{"ae_title": "X", "host": "h"}]})", "without a \"name\""},
           {R"({"nodes": [{"name": "a", "ae_title": "X", "host": "h", "retrieve": "push"}]})", "not get or move"},
           {R"({"nodes": [{"name": "a", "ae_title": "THIS_AE_IS_TOO_LONG", "host": "h"}]})", "longer than 16"},
           {R"({"nodes": [{"name": "a", "ae_title": "X", "host": "h"}, {"name": "a", "ae_title": "Y", "host": "h"}]})",
            "given twice"},
           {R"({"local": {"port": 0}})", "local port 0"},
           {R"({"nodes": [{"name": "w", "protocol": "dicomweb"}]})", "a dicomweb node needs \"url\""},
           {R"({"local": {"port": "x"}})", "type must be number"}}) {
    auto c = parseNodeConfig(text, "/home/u/.config/annulo/nodes.json");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.message().find("/home/u/.config/annulo/nodes.json"), std::string::npos) << c.message();
    EXPECT_NE(c.message().find(expected), std::string::npos) << c.message();
  }
}

TEST(NodeConfig, CliUsesANamedNodeAndOurConfiguredAeTitle) {
  test::PrivateHome home;
  const int port = test::freeLoopbackPort();
  std::filesystem::create_directories(home.home() / ".config/annulo");
  std::ofstream(home.home() / ".config/annulo/nodes.json")
      << R"({"local": {"ae_title": "READING1"}, "nodes": [{"name": "pacs", "ae_title": "ORTHANC", "host": "127.0.0.1",
             "port": )"
      << port << "}]}";
  std::string out;
  EXPECT_EQ(test::runCommand(test::cliPath() + " echo pacs 2>&1", &out), 1) << out;
  EXPECT_NE(out.find("connection refused by 127.0.0.1:" + std::to_string(port)), std::string::npos) << out;
  EXPECT_EQ(test::runCommand(test::cliPath() + " echo nosuchnode 2>&1", &out), 2) << out;
  EXPECT_NE(out.find("neither AET@host:port nor a node in"), std::string::npos) << out;
  EXPECT_NE(out.find("nodes.json"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
