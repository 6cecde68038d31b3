// Placeholder until the SR export lands; replaced by the SR implementation.
#include <iostream>

#include "CliArgs.h"
#include "Commands.h"

namespace annulo::cli {

int runExportSr(const std::vector<std::string>&) {
  std::cerr << "annulo-cli: not available yet\n";
  return kExitFailure;
}

}  // namespace annulo::cli
