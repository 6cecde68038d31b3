// annulo-cli hiz: high-intensity zone candidates on a sagittal T2 MR series.

#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "SeriesJson.h"
#include "annulo/processing/HizDetector.h"

namespace annulo::cli {

int runHiz(const std::vector<std::string>& argv) {
  const char* usageText =
      "usage: annulo-cli hiz PATH [--series UID] [--min-score S=0.7] [--json]\n"
      "  bright foci in the posterior annulus, best first; score = (focus - annulus) / (nucleus - annulus);\n"
      "  level counted up from the lowest lumbar disc (L5-S1), with a warning when the sacrum is not in view\n";
  auto args = parseArgs(argv, {"--series", "--min-score"}, {"--json"});
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli hiz: " << (args ? "expects one PATH" : args.message()) << "\n" << usageText;
    return kExitUsage;
  }
  HizOptions o;
  if (auto v = args->value("--min-score")) {
    auto n = parseNumbers(*v, ',');
    if (!n || n->size() != 1 || (*n)[0] < 0 || (*n)[0] > 10) {
      std::cerr << "annulo-cli hiz: --min-score takes a number in 0..10\n";
      return kExitUsage;
    }
    o.minScore = (*n)[0];
  }
  auto loaded = loadSeries(args->positional[0]);
  if (!loaded) {
    std::cerr << "annulo-cli hiz: " << loaded.message() << "\n";
    return kExitFailure;
  }
  const std::string uid = args->value("--series").value_or("");
  const Series* s = nullptr;
  if (!uid.empty()) {
    s = findSeries(*loaded, uid);
  } else {
    for (const Series& c : loaded->series)
      if (!s && c.series.modality == "MR") s = &c;
    if (!s && !loaded->series.empty()) s = &loaded->series.front();
  }
  if (!s) {
    reportNoSeries(std::cerr, "hiz", *loaded);
    return kExitFailure;
  }
  auto found = detectHiz(*s, o);
  if (!found) {
    std::cerr << "annulo-cli hiz: " << found.message() << "\n";
    return kExitFailure;
  }
  if (args->has("--json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const HizCandidate& c : *found)
      list.push_back({{"slice", c.slice},
                      {"pixel", {c.pixel[0], c.pixel[1]}},
                      {"position_mm", {c.positionMm[0], c.positionMm[1], c.positionMm[2]}},
                      {"score", c.score},
                      {"radius_mm", c.radiusMm},
                      {"focus", c.focus},
                      {"annulus", c.annulus},
                      {"nucleus", c.nucleus},
                      {"contrast_to_noise", c.contrastToNoise},
                      {"level", c.level},
                      {"level_certain", c.levelCertain},
                      {"discs_below", c.discsBelow},
                      {"level_method", c.levelMethod},
                      {"size_mm", c.sizeMm},
                      {"csf", c.csf},
                      {"ratio_to_nucleus", c.ratioToNucleus},
                      {"ratio_to_csf", c.ratioToCsf},
                      {"slices_seen", c.slicesSeen},
                      {"warnings", c.warnings}});
    std::cout << nlohmann::json({{"series_uid", s->series.instanceUid}, {"candidates", list}}).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << found->size() << " HIZ candidate" << (found->size() == 1 ? "" : "s") << " in " << s->series.modality
            << " series " << s->series.instanceUid << "\n";
  for (const HizCandidate& c : *found)
    std::cout << std::fixed << std::setprecision(1) << "  slice " << c.slice << " pixel (" << c.pixel[0] << ", "
              << c.pixel[1] << ") LPS (" << c.positionMm[0] << ", " << c.positionMm[1] << ", " << c.positionMm[2]
              << ") mm  score " << std::setprecision(2) << c.score << "  size " << std::setprecision(1) << c.sizeMm
              << " mm  level " << (c.level.empty() ? "?" : c.level) << (c.levelCertain ? "" : " (sacrum not in view)")
              << "  x nucleus " << std::setprecision(2) << c.ratioToNucleus << "  x CSF " << c.ratioToCsf << "\n";
  return kExitOk;
}

}  // namespace annulo::cli
