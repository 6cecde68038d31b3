#include "Dispatch.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "CliArgs.h"

namespace annulo::cli {
namespace {

// The folder of this executable (not argv[0]: it may have come through PATH).
std::string ownFolder() {
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return {};
  const std::string self(path, std::size_t(n));
  return self.substr(0, self.rfind('/') + 1);
}

}  // namespace

int runGuarded(const std::string& command, CommandFn run, const std::vector<std::string>& args) {
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << "annulo-cli " << command << ": " << e.what() << "\n";
    return kExitFailure;
  }
}

int execSibling(const std::string& executable, const std::string& command, const std::vector<std::string>& args) {
  const std::string path = ownFolder() + executable;
  std::vector<std::string> strings = {path, command};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::cout.flush();
  ::execv(path.c_str(), argv.data());
  std::cerr << "annulo-cli " << command << ": cannot run " << path << ": " << std::strerror(errno) << "\n";
  return kExitFailure;
}

int siblingMain(const char* name, const CommandTable& table, int argc, char** argv) {
  const std::string command = argc >= 2 ? argv[1] : "";
  const auto it = table.find(command);
  if (it == table.end()) {
    std::cerr << name << ": unknown command '" << command << "' (this program is run by annulo-cli)\n";
    return kExitUsage;
  }
  return runGuarded(command, it->second, std::vector<std::string>(argv + 2, argv + argc));
}

}  // namespace annulo::cli
