// annulo-cli get: C-GET a study into a folder (one file per instance).

#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/net/Retrieve.h"

namespace annulo::cli {
namespace {

const char* kUsage = "usage: annulo-cli get STUDY_UID --from AET@HOST:PORT -o DIR [--json]\n";

int usageError(const std::string& why) {
  std::cerr << "annulo-cli get: " << why << "\n" << kUsage << kNodeOptionsUsage;
  return kExitUsage;
}

}  // namespace

int runGet(const std::vector<std::string>& argv) {
  quietNetworkLog();
  std::set<std::string> valued = kNodeOptions;
  valued.insert({"--from", "-o"});
  auto args = parseArgs(argv, valued, withNodeFlags({"--json"}));
  if (!args) return usageError(args.message());
  if (args->positional.size() != 1) return usageError("expects one STUDY_UID");
  if (!args->value("--from")) return usageError("--from AET@HOST:PORT is required");
  if (!args->value("-o")) return usageError("-o DIR is required");
  auto node = nodeFromArgs(*args->value("--from"), *args);
  if (!node) return usageError(node.message());

  auto r = retrieveStudy(*node, args->positional[0], *args->value("-o"));
  if (!r) {
    std::cerr << "annulo-cli get: " << r.message() << "\n";
    return kExitFailure;
  }
  if (args->has("--json")) {
    nlohmann::json j = {{"peer", describe(*node)},  {"study_uid", args->positional[0]},
                        {"folder", *args->value("-o")}, {"files", r->files},
                        {"completed", r->completed}, {"failed", r->failed},
                        {"warning", r->warning},    {"status", r->status},
                        {"status_meaning", r->statusMeaning}, {"failures", r->failures},
                        {"bytes", r->bytes},        {"seconds", r->seconds}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << r->files.size() << " instance(s) written to " << *args->value("-o") << " (completed " << r->completed
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
