#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "SeriesJson.h"
#include "annulo/dicom/DisplayImage.h"

namespace annulo::cli {

int runExportPng(const std::vector<std::string>& argv) {
  const char* usageText = "usage: annulo-cli export-png PATH [--series UID] [--frame N] [--window C,W] -o OUT.png\n";
  auto args = parseArgs(argv, {"--series", "--frame", "--window", "-o"}, {});
  if (!args || args->positional.size() != 1 || !args->value("-o")) {
    std::cerr << "annulo-cli export-png: " << (args ? "expects one PATH and -o OUT.png" : args.message()) << "\n"
              << usageText;
    return kExitUsage;
  }
  int frame = 1;
  if (auto f = args->value("--frame")) {
    auto n = parseNumbers(*f, ',');
    if (!n || n->size() != 1 || (*n)[0] < 1) {
      std::cerr << "annulo-cli export-png: --frame takes a 1-based frame number\n" << usageText;
      return kExitUsage;
    }
    frame = int((*n)[0]);
  }
  std::optional<WindowPreset> window;
  if (auto w = args->value("--window")) {
    auto n = parseNumbers(*w, ',');
    if (!n || n->size() != 2 || (*n)[1] <= 0) {
      std::cerr << "annulo-cli export-png: --window takes CENTER,WIDTH with WIDTH > 0\n" << usageText;
      return kExitUsage;
    }
    window = WindowPreset{(*n)[0], (*n)[1], "command line"};
  }
  auto loaded = loadSeries(args->positional[0]);
  if (!loaded) {
    std::cerr << "annulo-cli export-png: " << loaded.message() << "\n";
    return kExitFailure;
  }
  const Series* s = findSeries(*loaded, args->value("--series").value_or(""));
  if (!s) {
    reportNoSeries(std::cerr, "export-png", *loaded);
    return kExitFailure;
  }
  if (std::size_t(frame) > s->sliceCount()) {
    std::cerr << "annulo-cli export-png: frame " << frame << " out of range 1.." << s->sliceCount() << "\n";
    return kExitFailure;
  }
  const Status st = writePng(renderSlice(*s, std::size_t(frame - 1), window), *args->value("-o"));
  if (!st) {
    std::cerr << "annulo-cli export-png: " << st.message() << "\n";
    return kExitFailure;
  }
  std::cout << "wrote " << *args->value("-o") << " (" << s->series.modality << " " << s->columns << "x" << s->rows
            << ", frame " << frame << " of " << s->sliceCount() << ")\n";
  return kExitOk;
}

}  // namespace annulo::cli
