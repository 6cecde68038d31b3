#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "SeriesJson.h"

namespace annulo::cli {

int runInfo(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {}, {"--json"});
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli info: " << (args ? "expects one PATH" : args.message())
              << "\nusage: annulo-cli info PATH [--json]\n";
    return kExitUsage;
  }
  LoadOptions options;
  options.readPixels = false;
  auto loaded = loadSeries(args->positional[0], options);
  if (!loaded) {
    std::cerr << "annulo-cli info: " << loaded.message() << "\n";
    return kExitFailure;
  }
  if (args->has("--json")) {
    nlohmann::json j;
    j["series"] = nlohmann::json::array();
    for (const auto& s : loaded->series) j["series"].push_back(seriesSummary(s));
    j["rejected"] = rejectedJson(loaded->rejected);
    j["files_seen"] = loaded->filesSeen;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << loaded->filesSeen << " file(s), " << loaded->series.size() << " series\n";
    for (const auto& s : loaded->series) printSeriesText(std::cout, s);
    printRejectedText(std::cout, loaded->rejected);
  }
  return loaded->series.empty() ? kExitFailure : kExitOk;
}

}  // namespace annulo::cli
