// annulo-cli get: C-GET (or C-MOVE to our storage SCP) a study or one series into
// a folder (one file per instance; default the private retrieve cache).

#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/net/DicomWeb.h"
#include "annulo/net/Move.h"
#include "annulo/net/Retrieve.h"
#include "annulo/net/UserFolders.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli get STUDY_UID --from PEER | --dicomweb URL [-o DIR] [--series UID] [--move [--port N]] "
    "[--json]\n"
    "  --dicomweb  WADO-RS (PS3.18 10.4) of the whole study instead of C-GET/C-MOVE\n"
    "  -o DIR    default ~/.cache/annulo/retrieved/STUDY_UID (XDG_CACHE_HOME honoured), private (0700/0600)\n"
    "  --series  that series only (see find --series)\n"
    "  --move    C-MOVE to our storage SCP instead of C-GET (also when the node configuration says\n"
    "            \"retrieve\": \"move\"); the SCP listens on --port (default: the configuration's local port),\n"
    "            with DICOM TLS when \"local\" has \"tls\" (the PACS then sends with TLS)\n";

int usageError(const std::string& why) {
  std::cerr << "annulo-cli get: " << why << "\n" << kUsage << kNodeOptionsUsage;
  return kExitUsage;
}

Result<RetrieveReport> retrieve(const PacsNode& node, const Args& args, const std::string& folder) {
  auto config = nodeConfigFromArgs(args);
  if (!config) return config.error();
  const ConfiguredNode* named = args.value("--from") ? config->find(nodeNameOf(*args.value("--from"))) : nullptr;
  const bool move = args.has("--move") || (named && named->retrieve == RetrieveMethod::Move);
  RetrieveOptions ro;
  ro.seriesInstanceUid = args.value("--series").value_or("");
  if (!move) return retrieveStudy(node, args.positional[0], folder, ro);
  MoveOptions mo;
  mo.retrieve = ro;
  mo.bindAddress = config->local.bindAddress;
  mo.port = config->local.port;
  mo.scpTls = config->local.tls;  // the PACS sends to us with TLS when it is set up so (UseDicomTls)
  if (auto p = args.value("--port")) {
    auto n = parseNumbers(*p, ',');
    if (!n || n->size() != 1 || (*n)[0] < 1 || (*n)[0] > 65535) return makeError("--port needs a port 1..65535");
    mo.port = int((*n)[0]);
  }
  return moveStudy(node, args.positional[0], folder, mo);
}

}  // namespace

int runGet(const std::vector<std::string>& argv) {
  quietNetworkLog();
  std::set<std::string> valued = kNodeOptions;
  valued.insert({"--from", "--dicomweb", "-o", "--series", "--port"});
  auto args = parseArgs(argv, valued, withNodeFlags({"--json", "--move"}));
  if (!args) return usageError(args.message());
  if (args->positional.size() != 1) return usageError("expects one STUDY_UID");
  const auto web = args->value("--dicomweb");
  if (!args->value("--from") == !web) return usageError("one of --from AET@HOST:PORT or --dicomweb URL is required");
  const std::string folder = args->value("-o").value_or((retrievedDir() / args->positional[0]).string());
  std::string peer;
  Result<RetrieveReport> r = makeError("no peer");
  // --from takes a configured DICOMweb node by name too; --dicomweb a URL or such a name.
  auto any = anyNodeFromArgs(web ? *web : *args->value("--from"), *args);
  if (!any) return usageError(any.message());
  if (web && !any->web) return usageError("--dicomweb needs a URL or a configured dicomweb node");
  if (any->web) {
    if (args->has("--move") || args->value("--series")) return usageError("--move and --series are DIMSE only");
    peer = describe(*any->web);
    r = wadoRetrieveStudy(*any->web, args->positional[0], folder);
  } else {
    peer = describe(*any->dimse);
    r = retrieve(*any->dimse, *args, folder);
  }
  if (!r) {
    std::cerr << "annulo-cli get: " << r.message() << "\n";
    return kExitFailure;
  }
  if (args->has("--json")) {
    nlohmann::json j = {{"peer", peer},
                        {"study_uid", args->positional[0]},
                        {"folder", folder},
                        {"files", r->files},
                        {"completed", r->completed},
                        {"failed", r->failed},
                        {"warning", r->warning},
                        {"status", r->status},
                        {"status_meaning", r->statusMeaning},
                        {"failures", r->failures},
                        {"bytes", r->bytes},
                        {"seconds", r->seconds}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << r->files.size() << " instance(s) written to " << folder << " (completed " << r->completed
              << ", failed " << r->failed << ", warning " << r->warning << "; final status " << r->statusMeaning
              << ")\n";
    for (const auto& f : r->failures) std::cerr << "failed: " << f << "\n";
  }
  if (r->files.empty()) {
    if (!args->has("--json")) std::cerr << "annulo-cli get: nothing received for study " << args->positional[0] << "\n";
    return kExitFailure;
  }
  return r->ok() ? kExitOk : kExitFailure;
}

}  // namespace annulo::cli
