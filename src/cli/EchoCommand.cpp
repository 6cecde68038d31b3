// annulo-cli echo: C-ECHO, the "is the PACS there and does it know us" check.

#include <iostream>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/net/Echo.h"

namespace annulo::cli {

int runEcho(const std::vector<std::string>& argv) {
  quietNetworkLog();
  auto args = parseArgs(argv, kNodeOptions, kNodeFlags);
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli echo: " << (args ? "expects one AET@HOST:PORT" : args.message()) << "\n"
              << "usage: annulo-cli echo AET@HOST:PORT [--calling-ae AE] [--timeout S]\n"
              << kNodeOptionsUsage;
    return kExitUsage;
  }
  auto node = nodeFromArgs(args->positional[0], *args);
  if (!node) {
    std::cerr << "annulo-cli echo: " << node.message() << "\n";
    return kExitUsage;
  }
  auto r = echo(*node);
  if (!r) {
    std::cerr << "annulo-cli echo: " << r.message() << "\n";
    return kExitFailure;
  }
  std::cout << "C-ECHO " << describe(*node) << ": success (" << int(r->ms + 0.5) << " ms)\n";
  return kExitOk;
}

}  // namespace annulo::cli
