#include "annulo/net/NodeConfig.h"

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "annulo/net/DicomWeb.h"
#include "annulo/net/UserFolders.h"

namespace annulo {
namespace {

using nlohmann::json;

std::string resolvePath(const std::string& p, const std::filesystem::path& base) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (base / p).string();
}

TlsSettings readTls(const json& j, const std::filesystem::path& base) {
  TlsSettings t;
  t.enabled = j.value("enabled", true);
  t.caFile = resolvePath(j.value("ca", ""), base);
  t.certFile = resolvePath(j.value("certificate", ""), base);
  t.keyFile = resolvePath(j.value("key", ""), base);
  t.verifyPeer = j.value("verify", true);
  return t;
}

Result<ConfiguredNode> readNode(const json& j, const NodeConfig& c, const std::filesystem::path& base) {
  ConfiguredNode n;
  n.name = j.value("name", "");
  if (n.name.empty()) return makeError("a node without a \"name\"");
  n.node.calledAe = j.value("ae_title", "");
  n.node.host = j.value("host", "");
  n.node.port = j.value("port", 104);
  n.node.callingAe = c.local.aeTitle;
  n.node.connectTimeoutS = c.connectTimeoutS;
  n.node.acseTimeoutS = c.acseTimeoutS;
  n.node.dimseTimeoutS = c.dimseTimeoutS;
  n.protocol = j.value("protocol", "dimse");
  n.url = j.value("url", "");
  n.caFile = resolvePath(j.value("ca", ""), base);
  const std::string retrieve = j.value("retrieve", "get");
  if (retrieve != "get" && retrieve != "move")
    return makeError("node '" + n.name + "': \"retrieve\" is '" + retrieve + "', not get or move");
  n.retrieve = retrieve == "move" ? RetrieveMethod::Move : RetrieveMethod::Get;
  if (j.contains("tls")) n.node.tls = readTls(j.at("tls"), base);
  if (j.contains("incoming")) {
    n.incomingAllowed = j.at("incoming").value("allowed", true);
    n.checkHost = j.at("incoming").value("check_host", false);
  }
  if (n.protocol != "dimse" && n.protocol != "dicomweb")
    return makeError("node '" + n.name + "': \"protocol\" is '" + n.protocol + "', not dimse or dicomweb");
  // TLS files are checked when the node is used: the file may name them before they exist.
  PacsNode plain = n.node;
  plain.tls.enabled = false;
  if (n.protocol == "dimse")
    if (auto s = validate(plain); !s) return makeError("node '" + n.name + "': " + s.message());
  if (n.protocol == "dicomweb" && !looksLikeDicomWeb(n.url))
    return makeError("node '" + n.name + "': a dicomweb node needs \"url\": \"http(s)://host:port/root\"");
  return n;
}

}  // namespace

const ConfiguredNode* NodeConfig::find(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

Result<NodeConfig> parseNodeConfig(const std::string& text, const std::filesystem::path& source) {
  const std::string where = source.empty() ? std::string("node configuration") : source.string();
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return makeError(where + ": not a JSON object");
  NodeConfig c;
  c.source = source;
  const auto base = source.parent_path();
  try {
    if (j.contains("local")) {
      const json& l = j.at("local");
      c.local.aeTitle = l.value("ae_title", c.local.aeTitle);
      c.local.port = l.value("port", c.local.port);
      c.local.bindAddress = l.value("bind", c.local.bindAddress);
      if (l.contains("tls")) c.local.tls = readTls(l.at("tls"), base);
    }
    if (j.contains("timeouts")) {
      const json& t = j.at("timeouts");
      c.connectTimeoutS = t.value("connect", c.connectTimeoutS);
      c.acseTimeoutS = t.value("association", c.acseTimeoutS);
      c.dimseTimeoutS = t.value("dimse", c.dimseTimeoutS);
    }
    if (c.local.port < 1 || c.local.port > 65535)
      return makeError(where + ": local port " + std::to_string(c.local.port) + " is not 1..65535");
    for (int t : {c.connectTimeoutS, c.acseTimeoutS, c.dimseTimeoutS})
      if (t < 1) return makeError(where + ": timeouts are whole seconds >= 1");
    for (const json& n : j.value("nodes", json::array())) {
      auto node = readNode(n, c, base);
      if (!node) return makeError(where + ": " + node.message());
      if (c.find(node->name)) return makeError(where + ": node '" + node->name + "' given twice");
      c.nodes.push_back(std::move(*node));
    }
  } catch (const json::exception& e) {
    return makeError(where + ": " + e.what());
  }
  return c;
}

Result<NodeConfig> loadNodeConfig(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    NodeConfig c;
    return c;
  }
  std::ifstream in(path);
  if (!in) return makeError(path.string() + ": cannot read");
  return parseNodeConfig(std::string(std::istreambuf_iterator<char>(in), {}), path);
}

Result<NodeConfig> loadDefaultNodeConfig() { return loadNodeConfig(nodeConfigPath()); }

}  // namespace annulo
