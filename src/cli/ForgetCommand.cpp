// annulo-cli forget: wipe one study from this machine and say what was removed.

#include <iostream>
#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/net/ForgetStudy.h"

namespace annulo::cli {

int runForget(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {}, {"--json"});
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli forget: " << (args ? "expects one STUDY_UID" : args.message()) << "\n"
              << "usage: annulo-cli forget STUDY_UID [--json]\n"
              << "  removes the study's session (and its backup/lock files), its retrieved copy in the cache,\n"
              << "  its outbox items and its recent-list entries\n";
    return kExitUsage;
  }
  auto r = forgetStudy(args->positional[0]);
  if (!r) {
    std::cerr << "annulo-cli forget: " << r.message() << "\n";
    return kExitUsage;
  }
  if (args->has("--json")) {
    std::cout
        << nlohmann::json({{"study_uid", args->positional[0]}, {"removed", r->removed}, {"kept", r->kept}}).dump(2)
        << "\n";
  } else {
    if (r->removed.empty()) std::cout << "nothing of study " << args->positional[0] << " was stored here\n";
    for (const auto& p : r->removed) std::cout << "removed " << p << "\n";
    for (const auto& p : r->kept) std::cerr << "kept " << p << "\n";
  }
  return r->kept.empty() ? kExitOk : kExitFailure;
}

}  // namespace annulo::cli
