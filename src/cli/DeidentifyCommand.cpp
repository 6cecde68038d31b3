// annulo-cli deidentify: PS3.15 Annex E de-identification of a file, folder or DICOMDIR.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "CliArgs.h"
#include "Commands.h"
#include "DeidArgs.h"
#include "annulo/deid/Deidentify.h"

namespace annulo::cli {
namespace {

constexpr const char* kUsage =
    "usage: annulo-cli deidentify IN -o OUT [--pseudonym NAME] [--id ID]\n"
    "         [--keep dates-shifted|patient-characteristics|descriptors|device-identity]...\n"
    "         [--key FILE] [--uid-map FILE] [--blank X,Y,W,H]...\n";

}  // namespace

int runDeidentify(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {"-o", "--pseudonym", "--id", "--key", "--uid-map", "--keep", "--blank"}, {},
                        {"--keep", "--blank"});
  if (!args || args->positional.size() != 1 || !args->value("-o")) {
    std::cerr << "annulo-cli deidentify: " << (args ? "needs IN and -o OUT" : args.message()) << "\n" << kUsage;
    return kExitUsage;
  }
  auto options = deidOptionsFrom(*args, "deidentify");
  if (!options) return options.error().message == "usage" ? kExitUsage : kExitFailure;
  const deid::DeidOptions& o = *options;
  auto report = deid::deidentify(args->positional[0], *args->value("-o"), o);
  if (!report) {
    std::cerr << "annulo-cli deidentify: " << report.message() << "\n";
    return kExitFailure;
  }
  for (const auto& f : report->files) {
    if (f.refusal.empty())
      std::cout << "written  " << f.output << "\n";
    else
      std::cout << "refused  " << f.input << ": " << f.refusal << "\n";
    for (const auto& w : f.warnings) std::cout << "  warning: " << w << "\n";
  }
  if (auto map = args->value("--uid-map")) {
    if (Status s = deid::writeUidMap(*report, *map); !s) {
      std::cerr << "annulo-cli deidentify: " << s.message() << "\n";
      return kExitFailure;
    }
  }
  std::cout << report->written() << " written, " << report->refused() << " refused";
  for (const auto& m : report->method) std::cout << (&m == &report->method.front() ? "; " : ", ") << m;
  std::cout << "\n";
  return report->written() > 0 ? kExitOk : kExitFailure;
}

}  // namespace annulo::cli
