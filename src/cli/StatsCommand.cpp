#include <chrono>
#include <iomanip>
#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "SeriesJson.h"
#include "annulo/dicom/LoadStatistics.h"

namespace annulo::cli {

int runStats(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {}, {"--json"});
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli stats: " << (args ? "expects one PATH" : args.message())
              << "\nusage: annulo-cli stats PATH [--json]\n";
    return kExitUsage;
  }
  const auto start = std::chrono::steady_clock::now();
  // Statistics computed by the loader's workers as the slices land (no second pass).
  auto loaded = loadSeriesWithStats(args->positional[0]);
  const double loadMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!loaded) {
    std::cerr << "annulo-cli stats: " << loaded.message() << "\n";
    return kExitFailure;
  }
  // One load reads all series together (shared threads); its time is shared in
  // proportion to each series' pixel bytes.
  double totalBytes = 0;
  const auto& series = loaded->load.series;
  for (const auto& s : series) totalBytes += double(s.pixels.size());
  nlohmann::json out;
  out["series"] = nlohmann::json::array();
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const ModalityStats& st = loaded->stats[i];
    const double ms = totalBytes > 0 ? loadMs * double(s.pixels.size()) / totalBytes : loadMs;
    if (args->has("--json")) {
      out["series"].push_back({{"series_uid", s.series.instanceUid},
                               {"modality", s.series.modality},
                               {"dims", {s.columns, s.rows, s.sliceCount()}},
                               {"spacing", {s.spacing[0], s.spacing[1], s.spacing[2]}},
                               {"origin", {s.origin[0], s.origin[1], s.origin[2]}},
                               {"min", st.min},
                               {"max", st.max},
                               {"mean", st.mean},
                               {"sum", st.sum},
                               {"load_ms", ms}});
    } else {
      std::cout << std::setprecision(10) << "series " << s.series.instanceUid << " (" << s.series.modality << ")\n"
                << "  dims " << s.columns << " x " << s.rows << " x " << s.sliceCount() << "\n"
                << "  spacing " << s.spacing[0] << " " << s.spacing[1] << " " << s.spacing[2] << "\n"
                << "  origin " << s.origin[0] << " " << s.origin[1] << " " << s.origin[2] << "\n"
                << "  min " << st.min << "  max " << st.max << "  mean " << st.mean << "  sum " << st.sum << "\n"
                << "  load " << std::setprecision(4) << ms << " ms\n";
    }
  }
  if (args->has("--json")) {
    out["rejected"] = rejectedJson(loaded->load.rejected);
    std::cout << out.dump(2) << "\n";
  } else {
    printRejectedText(std::cout, loaded->load.rejected);
  }
  return series.empty() ? kExitFailure : kExitOk;
}

}  // namespace annulo::cli
