#include "PacsNodeArg.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include <filesystem>

#include "annulo/net/AnyNode.h"
#include "annulo/net/Credentials.h"
#include "annulo/net/UserFolders.h"

namespace annulo::cli {

std::set<std::string> withNodeFlags(std::set<std::string> own) {
  own.insert(kNodeFlags.begin(), kNodeFlags.end());
  return own;
}

std::string nodeNameOf(const std::string& text) { return text.find('@') == std::string::npos ? text : std::string(); }

Result<NodeConfig> nodeConfigFromArgs(const Args& args) {
  if (auto f = args.value("--nodes")) {
    if (!std::filesystem::exists(*f)) return makeError(*f + ": no such node configuration file");
    return loadNodeConfig(*f);
  }
  return loadDefaultNodeConfig();
}

namespace {

Result<PacsNode> baseNode(const std::string& text, const NodeConfig& config) {
  if (text.find('@') != std::string::npos) {
    auto node = parsePacsNode(text);
    if (!node) return node;
    node->callingAe = config.local.aeTitle;
    node->connectTimeoutS = config.connectTimeoutS;
    node->acseTimeoutS = config.acseTimeoutS;
    node->dimseTimeoutS = config.dimseTimeoutS;
    return node;
  }
  const ConfiguredNode* n = config.find(text);
  if (!n)
    return makeError("'" + text + "' is neither AET@host:port nor a node in " +
                     (config.source.empty() ? nodeConfigPath().string() + " (no such file)" : config.source.string()));
  if (n->protocol != "dimse") return makeError("node '" + text + "' speaks " + n->protocol + ", not DICOM (DIMSE)");
  return n->node;
}

}  // namespace

Result<PacsNode> nodeFromArgs(const std::string& text, const Args& args) {
  auto config = nodeConfigFromArgs(args);
  if (!config) return config.error();
  auto node = baseNode(text, *config);
  if (!node) return node;
  if (auto ae = args.value("--calling-ae")) node->callingAe = *ae;
  if (args.has("--tls") || args.value("--tls-ca") || args.value("--tls-cert")) node->tls.enabled = true;
  if (auto f = args.value("--tls-ca")) node->tls.caFile = *f;
  if (auto f = args.value("--tls-cert")) node->tls.certFile = *f;
  if (auto f = args.value("--tls-key")) node->tls.keyFile = *f;
  if (args.has("--tls-no-verify")) node->tls.verifyPeer = false;
  if (node->tls.enabled && !node->tls.keyFile.empty()) {  // a key passphrase only ever from the credentials file
    auto secret = credentialsFor(nodeNameOf(text).empty() ? node->calledAe : nodeNameOf(text));
    if (!secret) return secret.error();
    node->tls.keyPassword = secret->keyPassword;
  }
  if (auto t = args.value("--timeout")) {
    auto n = parseNumbers(*t, ',');
    if (!n || n->size() != 1 || (*n)[0] < 1) return makeError("--timeout needs a number of seconds >= 1");
    node->connectTimeoutS = int((*n)[0]);
  }
  if (auto s = validate(*node); !s) return s.error();
  return node;
}

Result<AnyNode> anyNodeFromArgs(const std::string& text, const Args& args) {
  auto config = nodeConfigFromArgs(args);
  if (!config) return config.error();
  const ConfiguredNode* named = config->find(text);
  const auto ca = args.value("--ca-file");
  if (!looksLikeDicomWeb(text) && !(named && named->protocol == "dicomweb")) {
    if (ca) return makeError("--ca-file is for https (DICOMweb); DICOM TLS takes --tls-ca");
    auto dimse = nodeFromArgs(text, args);
    if (!dimse) return dimse.error();
    AnyNode n;
    n.dimse = *dimse;
    return n;
  }
  auto n = resolveAnyNode(text, *config);
  if (!n) return n;
  if (ca) {
    if (!std::filesystem::is_regular_file(*ca)) return makeError("--ca-file " + *ca + ": no such file");
    n->web->caFile = *ca;
  }
  return n;
}

OutboxNodeResolver nodeResolverFromConfig() { return configuredNodeResolver(); }

void quietNetworkLog() { OFLog::configure(OFLogger::FATAL_LOG_LEVEL); }

}  // namespace annulo::cli
