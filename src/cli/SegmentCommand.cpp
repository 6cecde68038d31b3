// annulo-cli segment: contrast-leak segmentation of an annulogram cine.
// annulo-cli segment-report: accuracy of that segmentation (and of the HIZ detector)
// against phantoms with known truth.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "CliArgs.h"
#include "Commands.h"
#include "SeriesJson.h"
#include "annulo/phantom/PhantomEvaluation.h"
#include "annulo/processing/LeakReport.h"
#include "annulo/processing/LeakSegmenter.h"

namespace annulo::cli {
namespace {

const char* kSegmentUsage =
    "usage: annulo-cli segment PATH --seed X,Y [--disc X1,Y1;X2,Y2;...] [--series UID] [--mask-frame N]\n"
    "                          [--no-motion] [--threads N] [--json] -o OUT\n"
    "  --seed X,Y   injection point (needle tip) in image pixels (column,row) of the first frame\n"
    "  --disc ...   disc outline polygon in the same coordinates; estimated when absent\n"
    "  writes OUT.nrrd (labels 0/1/2: background / intradiscal contrast / leak) and OUT.json\n";

const char* kReportUsage =
    "usage: annulo-cli segment-report [--seeds N] [--first-seed N] [--noise A,B,...] [--size N] [--frames N]\n"
    "                                 [--outline estimated|given|both] [--no-hiz] [--json]\n"
    "  phantoms with known truth: Dice of the leak (label 2) at the last frame, onset frame,\n"
    "  exit direction error, HIZ distance. Targets: Dice >= 0.90, onset +-1 frame, direction\n"
    "  <= 15 deg, HIZ <= 3 mm. Exit status 1 when any case misses a target.\n";

// "X1,Y1;X2,Y2;..." -> polygon.
Result<std::vector<Point2>> parsePolygon(const std::string& text) {
  std::vector<Point2> out;
  std::stringstream ss(text);
  std::string vertex;
  while (std::getline(ss, vertex, ';')) {
    if (vertex.empty()) continue;
    auto xy = parseNumbers(vertex, ',');
    if (!xy || xy->size() != 2) return makeError("--disc vertex '" + vertex + "' is not X,Y");
    out.push_back({(*xy)[0], (*xy)[1]});
  }
  return out;
}

// The series to segment: by UID, else the first X-ray cine, else the first cine.
const Series* pickCine(const LoadResult& loaded, const std::string& uid) {
  if (!uid.empty()) return findSeries(loaded, uid);
  for (const Series& s : loaded.series)
    if (s.sliceCount() > 1 && (s.series.modality == "XA" || s.series.modality == "RF")) return &s;
  for (const Series& s : loaded.series)
    if (s.sliceCount() > 1) return &s;
  return loaded.series.empty() ? nullptr : &loaded.series.front();
}

std::string stripExtension(const std::string& out) {
  for (const char* ext : {".nrrd", ".json"}) {
    const std::string e = ext;
    if (out.size() > e.size() && out.compare(out.size() - e.size(), e.size(), e) == 0)
      return out.substr(0, out.size() - e.size());
  }
  return out;
}

}  // namespace

int runSegment(const std::vector<std::string>& argv) {
  auto args =
      parseArgs(argv, {"--seed", "--disc", "--series", "--mask-frame", "--threads", "-o"}, {"--no-motion", "--json"});
  if (!args || args->positional.size() != 1 || !args->value("-o") || !args->value("--seed")) {
    std::cerr << "annulo-cli segment: " << (args ? "expects one PATH, --seed X,Y and -o OUT" : args.message()) << "\n"
              << kSegmentUsage;
    return kExitUsage;
  }
  LeakSegmentationOptions o;
  auto seed = parseNumbers(*args->value("--seed"), ',');
  if (!seed || seed->size() != 2) {
    std::cerr << "annulo-cli segment: --seed takes X,Y (the injection point in pixels)\n" << kSegmentUsage;
    return kExitUsage;
  }
  o.injectionPoint = {(*seed)[0], (*seed)[1]};
  if (auto d = args->value("--disc")) {
    auto polygon = parsePolygon(*d);
    if (!polygon) {
      std::cerr << "annulo-cli segment: " << polygon.message() << "\n" << kSegmentUsage;
      return kExitUsage;
    }
    if (polygon->empty()) {
      std::cerr << "annulo-cli segment: --disc is empty: give at least 3 vertices X1,Y1;X2,Y2;X3,Y3\n";
      return kExitUsage;
    }
    o.discOutline = std::move(polygon).value();
  }
  for (const auto& [key, target] : {std::pair<std::string, int*>{"--mask-frame", &o.maskFrame}}) {
    if (auto v = args->value(key)) {
      auto n = parseNumbers(*v, ',');
      if (!n || n->size() != 1 || (*n)[0] < 1) {
        std::cerr << "annulo-cli segment: " << key << " takes a 1-based frame number\n";
        return kExitUsage;
      }
      *target = int((*n)[0]);
    }
  }
  if (auto v = args->value("--threads")) {
    auto n = parseNumbers(*v, ',');
    if (!n || n->size() != 1 || (*n)[0] < 0 || (*n)[0] > 256) {
      std::cerr << "annulo-cli segment: --threads takes 0..256 (0 = one per core)\n";
      return kExitUsage;
    }
    o.threads = unsigned((*n)[0]);
  }
  o.motionCorrection = !args->has("--no-motion");

  auto loaded = loadSeries(args->positional[0]);
  if (!loaded) {
    std::cerr << "annulo-cli segment: " << loaded.message() << "\n";
    return kExitFailure;
  }
  const Series* s = pickCine(*loaded, args->value("--series").value_or(""));
  if (!s) {
    reportNoSeries(std::cerr, "segment", *loaded);
    return kExitFailure;
  }
  auto result = segmentLeak(*s, o);
  if (!result) {
    std::cerr << "annulo-cli segment: " << result.message() << "\n";
    return kExitFailure;
  }
  const std::string base = stripExtension(*args->value("-o"));
  const nlohmann::json report = leakReportJson(*result, *s);
  {
    const auto parent = std::filesystem::path(base).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      std::cerr << "annulo-cli segment: cannot create folder " << parent.string() << ": " << ec.message() << "\n";
      return kExitFailure;
    }
    std::ofstream out(base + ".json");
    out << report.dump(2) << "\n";
    if (!out) {
      std::cerr << "annulo-cli segment: cannot write " << base << ".json\n";
      return kExitFailure;
    }
  }
  if (Status st = writeLabelNrrd(*result, *s, base + ".nrrd"); !st) {
    std::cerr << "annulo-cli segment: " << st.message() << "\n";
    return kExitFailure;
  }
  if (args->has("--json")) {
    std::cout << report.dump(2) << "\n";
    return kExitOk;
  }
  const LeakSegmentation& r = *result;
  const bool mm = r.calibration != Calibration::None;
  std::cout << "wrote " << base << ".nrrd and " << base << ".json (" << r.frames << " frames, " << r.columns << "x"
            << r.rows << ")\n";
  std::cout << "calibration: " << calibrationName(r.calibration) << (mm ? "" : " (areas in pixels)") << "\n";
  std::cout << "disc outline: " << (r.discOutlineEstimated ? "estimated" : "given") << "\n";
  if (r.leakOnsetFrame)
    std::cout << "leak onset: frame " << *r.leakOnsetFrame << " (" << std::fixed << std::setprecision(0)
              << *r.leakOnsetMs << " ms)\n";
  else
    std::cout << "leak onset: none\n";
  std::cout << std::fixed << std::setprecision(1) << "final leak area: " << r.finalLeakAreaMm2 << (mm ? " mm2" : " px")
            << ", accumulated " << r.accumulatedLeakAreaMm2 << (mm ? " mm2" : " px") << "\n";
  std::cout << "leak paths: " << r.paths.size() << "\n";
  for (const LeakPath& p : r.paths)
    std::cout << "  exit (" << p.exitPoint[0] << ", " << p.exitPoint[1] << ") direction " << p.directionDeg << " deg ("
              << p.clock << " o'clock), exit at " << p.exitClock << " o'clock on the disc\n";
  for (const std::string& w : r.warnings) std::cout << "warning: " << w << "\n";
  return kExitOk;
}

int runSegmentReport(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {"--seeds", "--first-seed", "--noise", "--size", "--frames", "--outline"},
                        {"--no-hiz", "--json"});
  if (!args || !args->positional.empty()) {
    std::cerr << "annulo-cli segment-report: " << (args ? "takes no PATH" : args.message()) << "\n" << kReportUsage;
    return kExitUsage;
  }
  auto integer = [&](const std::string& key, int fallback, int lo, int hi) -> std::optional<int> {
    auto v = args->value(key);
    if (!v) return fallback;
    auto n = parseNumbers(*v, ',');
    if (!n || n->size() != 1 || (*n)[0] < lo || (*n)[0] > hi) return std::nullopt;
    return int((*n)[0]);
  };
  const auto seeds = integer("--seeds", 5, 1, 1000);
  const auto firstSeed = integer("--first-seed", 1, 0, 1000000);
  const auto size = integer("--size", 256, 128, 2048);
  const auto frames = integer("--frames", 24, 8, 500);
  std::vector<double> noises = {0.5, 1.0, 2.0};
  if (auto v = args->value("--noise")) {
    auto n = parseNumbers(*v, ',');
    if (!n || n->empty()) {
      std::cerr << "annulo-cli segment-report: --noise takes A,B,... (noise scales)\n";
      return kExitUsage;
    }
    noises = *n;
  }
  const std::string outline = args->value("--outline").value_or("estimated");
  if (!seeds || !firstSeed || !size || !frames || (outline != "estimated" && outline != "given" && outline != "both")) {
    std::cerr << "annulo-cli segment-report: bad option value\n" << kReportUsage;
    return kExitUsage;
  }
  const std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("annulo-segment-report-" + std::to_string(::getpid()));
  std::vector<bool> modes;
  if (outline != "given") modes.push_back(false);
  if (outline != "estimated") modes.push_back(true);

  nlohmann::json rows = nlohmann::json::array();
  int misses = 0, cases = 0;
  const bool json = args->has("--json");
  if (!json)
    std::cout << "seed  noise  outline    Dice(leak)  Dice(disc)  onset(found/true)  tears/paths  dir.err(deg)  "
                 "HIZ(mm)  result\n";
  for (double noise : noises) {
    for (int k = 0; k < *seeds; ++k) {
      for (bool given : modes) {
        PhantomCase c;
        c.seed = std::uint32_t(*firstSeed + k);
        c.noiseScale = noise;
        c.xaSize = *size;
        c.xaFrames = *frames;
        c.giveOutline = given;
        c.runHiz = !args->has("--no-hiz") && given == modes.front();  // once per seed and noise
        ++cases;
        auto r = evaluateOnPhantom(c, work.string());
        if (!r) {
          ++misses;
          if (json)
            rows.push_back({{"seed", c.seed}, {"noise", noise}, {"error", r.message()}});
          else
            std::cout << std::setw(4) << c.seed << "  " << noise << "  error: " << r.message() << "\n";
          continue;
        }
        const bool diceOk = r->leakDice >= 0.90 || (r->onsetTruth == 0 && r->truthLeakAreaMm2 == 0);
        const bool onsetOk = r->onsetTruth == 0 ? !r->onsetFound : r->onsetWithin(1);
        const bool dirOk = r->worstDirectionErrorDeg <= 15.0;
        const bool hizOk = !c.runHiz || (r->hizDistanceMm && *r->hizDistanceMm <= 3.0);
        const bool ok = diceOk && onsetOk && dirOk && hizOk;
        misses += ok ? 0 : 1;
        if (json) {
          rows.push_back(
              {{"seed", c.seed},
               {"noise", noise},
               {"outline", given ? "given" : "estimated"},
               {"size", c.xaSize},
               {"frames", c.xaFrames},
               {"leak_dice", r->leakDice},
               {"intradiscal_dice", r->intradiscalDice},
               {"onset_found", r->onsetFound ? nlohmann::json(*r->onsetFound) : nlohmann::json(nullptr)},
               {"onset_truth", r->onsetTruth},
               {"tears", r->tearsTruth},
               {"paths", r->pathsFound},
               {"direction_error_deg", r->worstDirectionErrorDeg},
               {"hiz_distance_mm", r->hizDistanceMm ? nlohmann::json(*r->hizDistanceMm) : nlohmann::json(nullptr)},
               {"leak_seconds", r->leakSeconds},
               {"pass", ok}});
        } else {
          std::ostringstream hiz;
          if (c.runHiz) {
            if (r->hizDistanceMm)
              hiz << std::fixed << std::setprecision(2) << *r->hizDistanceMm;
            else
              hiz << "none";
          } else {
            hiz << "-";
          }
          std::cout << std::fixed << std::setw(4) << c.seed << "  " << std::setprecision(1) << std::setw(5) << noise
                    << "  " << std::setw(9) << std::left << (given ? "given" : "estimated") << std::right << "  "
                    << std::setprecision(3) << std::setw(10) << r->leakDice << "  " << std::setw(10)
                    << r->intradiscalDice << "  " << std::setw(8)
                    << (r->onsetFound ? std::to_string(*r->onsetFound) : "none") << "/" << std::setw(2) << r->onsetTruth
                    << std::string(7, ' ') << std::setw(5) << r->tearsTruth << "/" << r->pathsFound
                    << std::string(6, ' ') << std::setprecision(1) << std::setw(8) << r->worstDirectionErrorDeg << "  "
                    << std::setw(9) << hiz.str() << "  " << (ok ? "ok" : "MISS") << "\n";
        }
      }
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(work, ec);
  if (json)
    std::cout << nlohmann::json({{"cases", rows}, {"misses", misses}}).dump(2) << "\n";
  else
    std::cout << (misses == 0 ? "all " + std::to_string(cases) + " cases meet the targets"
                              : std::to_string(misses) + " of " + std::to_string(cases) + " cases miss a target")
              << "\n";
  return misses == 0 ? kExitOk : kExitFailure;
}

}  // namespace annulo::cli
