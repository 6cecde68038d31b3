// annulo-cli listen: run our storage SCP for a while (a colleague's workstation
// or a PACS sending to us), accepting only the configured peers.

#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/net/Credentials.h"
#include "annulo/net/StorageScp.h"
#include "annulo/net/UserFolders.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli listen [-o DIR] [--port N] [--bind ADDR] [--ae AE] [--peer AE[@HOST]]... [--seconds N]\n"
    "  defaults from the node configuration: our AE, port and bind address (127.0.0.1) under \"local\", and as\n"
    "  peers every node with \"incoming\": {\"allowed\": true} (its AE title, and its host with \"check_host\")\n"
    "  -o DIR  default ~/.cache/annulo/received (private); runs until Ctrl-C or --seconds\n"
    "  --tls --tls-cert FILE --tls-key FILE [--tls-ca FILE]  DICOM TLS (default: \"local\": {\"tls\": ...}); with\n"
    "          --tls-ca only peers showing a certificate that CA signed get in; plain DICOM is refused\n";

std::atomic<bool> interrupted{false};

int usageError(const std::string& why) {
  std::cerr << "annulo-cli listen: " << why << "\n" << kUsage;
  return kExitUsage;
}

Result<int> wholeNumber(const std::string& text, const char* what, int lo, int hi) {
  auto n = parseNumbers(text, ',');
  if (!n || n->size() != 1 || (*n)[0] < lo || (*n)[0] > hi)
    return makeError(std::string(what) + " needs a whole number " + std::to_string(lo) + ".." + std::to_string(hi));
  return int((*n)[0]);
}

// The SCP's TLS: "local" "tls" of the node configuration, the options on top.
Result<TlsSettings> scpTls(const Args& args, const NodeConfig& config, const std::string& aeTitle) {
  TlsSettings t = config.local.tls;
  if (args.has("--tls") || args.value("--tls-cert")) t.enabled = true;
  if (auto f = args.value("--tls-cert")) t.certFile = *f;
  if (auto f = args.value("--tls-key")) t.keyFile = *f;
  if (auto f = args.value("--tls-ca")) t.caFile = *f;
  if (t.enabled && !t.keyFile.empty()) {  // a key passphrase only ever from the credentials file
    auto secret = credentialsFor(aeTitle);
    if (!secret) return secret.error();
    t.keyPassword = secret->keyPassword;
  }
  return t;
}

}  // namespace

int runListen(const std::vector<std::string>& argv) {
  quietNetworkLog();
  auto args = parseArgs(
      argv, {"-o", "--port", "--bind", "--ae", "--peer", "--seconds", "--nodes", "--tls-cert", "--tls-key", "--tls-ca"},
      {"--tls"}, {"--peer"});
  if (!args) return usageError(args.message());
  if (!args->positional.empty()) return usageError("unexpected argument '" + args->positional[0] + "'");
  auto config = nodeConfigFromArgs(*args);
  if (!config) return usageError(config.message());
  StorageScpConfig c;
  c.aeTitle = args->value("--ae").value_or(config->local.aeTitle);
  c.bindAddress = args->value("--bind").value_or(config->local.bindAddress);
  c.port = config->local.port;
  auto tls = scpTls(*args, *config, c.aeTitle);
  if (!tls) return usageError(tls.message());
  c.tls = *tls;
  if (auto p = args->value("--port")) {
    auto n = wholeNumber(*p, "--port", 0, 65535);
    if (!n) return usageError(n.message());
    c.port = *n;
  }
  for (const auto& n : config->nodes)
    if (n.incomingAllowed && n.protocol == "dimse")
      c.peers.push_back({n.node.calledAe, n.checkHost ? n.node.host : ""});
  for (const auto& p : args->all("--peer")) {
    const auto at = p.find('@');
    c.peers.push_back({p.substr(0, at), at == std::string::npos ? "" : p.substr(at + 1)});
  }
  if (c.peers.empty()) return usageError("no peers may connect: give --peer AE or configure nodes");
  c.folder = args->value("-o").value_or((annuloCacheDir() / "received").string());
  c.log = [](const std::string& line) { std::cerr << line << "\n"; };
  int seconds = 0;
  if (auto s = args->value("--seconds")) {
    auto n = wholeNumber(*s, "--seconds", 1, 86400 * 365);
    if (!n) return usageError(n.message());
    seconds = *n;
  }
  auto scp = StorageScp::start(c);
  if (!scp) {
    std::cerr << "annulo-cli listen: " << scp.message() << "\n";
    return kExitFailure;
  }
  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!interrupted && (seconds == 0 || std::chrono::steady_clock::now() < end))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*scp)->stop();
  std::cout << (*scp)->received().size() << " instance(s) received into " << c.folder.string() << ", "
            << (*scp)->rejectedAssociations() << " association(s) rejected\n";
  return kExitOk;
}

}  // namespace annulo::cli
