// annulo-bench-load: DICOM loading speed and memory of Annulo against its peers
// (ITK's GDCM path, a plain DCMTK read-into-buffer loader, pydicom + numpy) on
// generated phantoms. See docs/guide/LOADING.md for what bounds a loader here.
//
// Usage: annulo-bench-load [--dir DIR] [--quick] [--repeat N] [--sets A,B] [--loaders A,B] [--cli PATH]
//   --sets: data set names (default all: MR folder, 8/16-bit cines uncompressed,
//           JPEG lossless, JPEG-LS, lossy JPEG, RLE); --loaders: loader ids
//           (default all: annulo annulo-t1 cli-stats dcmtk dcmtk-huge itk-float
//           itk-float-t1 itk-native pydicom).
// Hidden: --run LOADER DATASET runs one load in this process and prints one
// result line; the parent starts one such process per measurement.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "BenchData.h"
#include "ChildProcess.h"
#include "Loaders.h"
#include "Measurement.h"
#include "Pydicom.h"
#include "Report.h"

namespace annulo::bench {
namespace {

struct Args {
  std::string dir = "/tmp/annulo-bench-data";
  bool quick = false;
  int repeat = 5;
  std::vector<std::string> sets, loaders;  // empty: all
  std::string cli;                         // annulo-cli; default: next to the build's src/
  std::string runLoader;                   // hidden child mode when set
  std::string runSet;
};

constexpr const char* kUsage =
    "usage: annulo-bench-load [--dir DIR] [--quick] [--repeat N] [--sets A,B] [--loaders A,B] [--cli PATH]\n";

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c != ',') {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

// Returns nullopt (after printing why) on bad arguments.
std::optional<Args> parseArgs(int argc, char** argv) {
  Args a;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool hasValue = i + 1 < args.size();
    if (arg == "--dir" && hasValue) {
      a.dir = args[++i];
    } else if (arg == "--sets" && hasValue) {
      a.sets = splitList(args[++i]);
    } else if (arg == "--loaders" && hasValue) {
      a.loaders = splitList(args[++i]);
    } else if (arg == "--cli" && hasValue) {
      a.cli = args[++i];
    } else if (arg == "--quick") {
      a.quick = true;
    } else if (arg == "--repeat" && hasValue) {
      try {
        a.repeat = std::stoi(args[++i]);
      } catch (const std::exception&) {
        a.repeat = 0;
      }
      if (a.repeat < 1) {
        std::cerr << "--repeat needs a positive number\n" << kUsage;
        return std::nullopt;
      }
    } else if (arg == "--run" && i + 2 < args.size()) {
      a.runLoader = args[++i];
      a.runSet = args[++i];
    } else {
      std::cerr << (arg == "--help" || arg == "-h" ? "" : "unknown or incomplete argument: " + arg + "\n") << kUsage;
      return std::nullopt;
    }
  }
  return a;
}

// ---- child side: one load, one result line ----

int childMain(const Args& a) {
  const auto sets = dataSets(a.dir, a.quick);
  const DataSet* set = findDataSet(sets, a.runSet);
  const std::string id = a.runLoader == "itk-float-t1" ? "itk-float" : a.runLoader;
  if (!set || !isInProcessLoader(id)) {
    std::cerr << "unknown loader or data set: " << a.runLoader << " " << a.runSet << "\n";
    return 2;
  }
  try {
    Probe probe;
    const LoadOutcome o = runLoader(id, *set, probe);
    Measurement m;
    m.ms = probe.elapsedMs;
    m.cpuMs = probe.cpuMs;
    m.peakRssKiB = probe.peakRssKiB;
    m.baselineRssKiB = probe.baselineRssKiB;
    m.ruMaxRssKiB = probe.ruMaxRssKiB;
    m.minorFaults = probe.minorFaults;
    m.majorFaults = probe.majorFaults;
    m.samples = o.samples;
    m.sum = o.sum;
    m.pixelType = o.pixelType;
    m.firstFrameMs = o.firstFrameMs;
    std::cout << kResultPrefix << toJson(m).dump() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << a.runLoader << " failed: " << e.what() << "\n";
    return 1;
  }
}

// ---- parent side ----

std::string selfExecutable() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw std::runtime_error("cannot find own executable via /proc/self/exe");
  return std::string(path, std::size_t(n));
}

struct Context {
  Args args;
  std::string self;
  std::optional<std::string> python;  // with pydicom and numpy
  std::string cli;                    // annulo-cli
};

// Annulo and the plain DCMTK loader run in a lean twin of this program that
// links what a real Annulo process links (no GDCM, no ITK peers), so their
// peak RSS is not inflated by the peers' libraries.
std::string executableFor(const Context& ctx, const std::string& loader) {
  if (loader.rfind("annulo", 0) != 0 && loader.rfind("dcmtk", 0) != 0) return ctx.self;
  const std::string lean = ctx.self.substr(0, ctx.self.rfind('/') + 1) + "../benchlean/annulo-bench-load-lean";
  return access(lean.c_str(), X_OK) == 0 ? lean : ctx.self;
}

Measurement measureInChild(const Context& ctx, const std::string& loader, const DataSet& set) {
  std::vector<std::string> argv = {executableFor(ctx, loader), "--dir", ctx.args.dir};
  if (ctx.args.quick) argv.push_back("--quick");
  argv.insert(argv.end(), {"--run", loader, set.name});
  // ITK's 1-thread figure: its global default, read when ITK starts.
  std::vector<std::string> env;
  if (loader == "itk-float-t1") env.push_back("ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS=1");
  const ProcessOutput p = runProcess(argv, env);
  auto m = parseResultLine(p.output);
  if (p.exitCode != 0 || !m) throw std::runtime_error(loader + " (" + describeExit(p) + "):\n" + p.output);
  m->processMs = p.wallMs;
  m->processCpuMs = p.cpuMs;
  m->processRssKiB = p.maxRssKiB;
  return *m;
}

// `annulo-cli stats DIR --json` as a user runs it: the whole process is the
// measurement (load, statistics of every sample, output, teardown).
Measurement measureCli(const Context& ctx, const DataSet& set) {
  const ProcessOutput p = runProcess({ctx.cli, "stats", set.dicomDir, "--json"});
  if (p.exitCode != 0) throw std::runtime_error("annulo-cli stats (" + describeExit(p) + "):\n" + p.output);
  const auto j = nlohmann::json::parse(p.output.substr(std::min(p.output.find('{'), p.output.size())), nullptr, false);
  if (j.is_discarded() || !j.contains("series") || j["series"].size() != 1)
    throw std::runtime_error("annulo-cli stats: unexpected output:\n" + p.output);
  const auto& s = j["series"][0];
  Measurement m;
  m.ms = s.value("load_ms", 0.0);
  m.processMs = m.ms > 0 ? p.wallMs : p.wallMs;
  m.processCpuMs = p.cpuMs;
  m.processRssKiB = p.maxRssKiB;
  m.peakRssKiB = p.maxRssKiB;
  m.sum = s.value("sum", 0.0);  // modality values; the phantoms' rescale is identity (slope 1, intercept 0)
  const auto& dims = s["dims"];
  m.samples = std::uint64_t(dims[0].get<double>() * dims[1].get<double>() * dims[2].get<double>());
  m.pixelType = "modality";
  return m;
}

Measurement measure(const Context& ctx, const std::string& loader, const DataSet& set) {
  if (loader == "pydicom") return runPydicom(*ctx.python, set);
  if (loader == "cli-stats") return measureCli(ctx, set);
  return measureInChild(ctx, loader, set);
}

std::vector<LoaderResult> plannedLoaders(const Context& ctx, const DataSet& set) {
  const std::string dcmtk = set.compressed() ? "DCMTK decode" : "DCMTK read-into-buffer";
  auto row = [](const std::string& id, const std::string& label, const std::string& variant) {
    LoaderResult r;
    r.id = id, r.label = label, r.variant = variant;
    return r;
  };
  std::vector<LoaderResult> all = {
      row("annulo", "Annulo loadSeries", ""),
      row("annulo-t1", "Annulo, 1 thread", ""),
      row("cli-stats", "annulo-cli stats", ""),
      row("dcmtk", dcmtk, ""),
      row("dcmtk-huge", dcmtk + ", THP buf", ""),
      row("itk-float", "ITK GDCM float", "float"),
      row("itk-float-t1", "ITK float, 1 thread", "float"),
      row("itk-native", "ITK GDCM " + set.itkNativeType, set.itkNativeType),
      row("pydicom", "pydicom + numpy", ""),
  };
  std::vector<LoaderResult> l;
  for (auto& r : all) {
    if (!ctx.args.loaders.empty() &&
        std::find(ctx.args.loaders.begin(), ctx.args.loaders.end(), r.id) == ctx.args.loaders.end())
      continue;
    if (r.id == "pydicom" && !ctx.python) r.skipped = "not installed";
    if (r.id == "pydicom" && set.compressed()) r.skipped = "native data sets only";
    if (r.id == "cli-stats" && access(ctx.cli.c_str(), X_OK) != 0) r.skipped = "no annulo-cli at " + ctx.cli;
    l.push_back(r);
  }
  return l;
}

// Loaders take turns within each repetition, so a slow drift of the machine
// spreads over all of them instead of biasing the one measured last.
DataSetResult benchmarkDataSet(const Context& ctx, const DataSet& set) {
  DataSetResult result{set.name, set.description, set.pixelBytes(), plannedLoaders(ctx, set)};
  const std::uint64_t warmed = warmPageCache(set);
  std::cerr << "[" << set.name << "] page cache warmed (" << warmed / 1000000 << " MB read)\n";
  for (int r = 1; r <= ctx.args.repeat; ++r) {
    // Alternate the order too, so no loader always follows the same one.
    std::vector<LoaderResult*> order;
    for (auto& l : result.loaders) order.push_back(&l);
    if (r % 2 == 0) std::reverse(order.begin(), order.end());
    for (LoaderResult* lp : order) {
      LoaderResult& l = *lp;
      if (!l.error.empty() || !l.skipped.empty()) continue;
      try {
        l.runs.push_back(measure(ctx, l.id, set));
        std::cerr << "[" << set.name << "] run " << r << "/" << ctx.args.repeat << "  " << l.label << ": "
                  << static_cast<long>(l.runs.back().ms) << " ms (process "
                  << static_cast<long>(l.runs.back().processMs) << " ms)\n";
      } catch (const std::exception& e) {
        l.error = e.what();
        std::cerr << "[" << set.name << "] " << l.label << " FAILED: " << e.what() << "\n";
      }
    }
  }
  return result;
}

std::string firstLineOf(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool prepareData(const std::vector<DataSet>& sets) {
  for (const auto& set : sets) {
    const auto t0 = std::chrono::steady_clock::now();
    bool generated = false;
    const Status st = ensureGenerated(set, generated);
    if (!st) {
      std::cerr << "cannot prepare data set " << set.name << ": " << st.message() << "\n";
      return false;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    char took[64];
    std::snprintf(took, sizeof took, "generated in %.1f s", s);
    std::cerr << "[" << set.name << "] " << (generated ? took : "reused") << " (" << set.root << ")\n";
  }
  return true;
}

void writeJson(const Context& ctx, const std::vector<DataSetResult>& results, const std::vector<TargetCheck>& checks,
               double totalSeconds, const std::vector<std::string>& loadAverages) {
  nlohmann::json j = reportJson(results, checks);
  j["tool"] = "annulo-bench-load";
  j["dir"] = ctx.args.dir;
  j["quick"] = ctx.args.quick;
  j["repeat"] = ctx.args.repeat;
  j["hardwareThreads"] = std::thread::hardware_concurrency();
  j["transparentHugePages"] = firstLineOf("/sys/kernel/mm/transparent_hugepage/enabled");
  j["python"] = ctx.python ? *ctx.python : std::string();
  j["totalSeconds"] = totalSeconds;
  j["loadAverageBeforeAfter"] = loadAverages;
  const std::string path = ctx.args.dir + "/results.json";
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  std::cout << (out ? "\nResults written to " + path : "\ncannot write " + path) << "\n";
}

int benchmarkMain(const Args& args) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string loadBefore = firstLineOf("/proc/loadavg");
  Context ctx{args, selfExecutable(), findPydicomPython(), args.cli};
  if (ctx.cli.empty()) ctx.cli = ctx.self.substr(0, ctx.self.rfind('/') + 1) + "../../src/annulo-cli";
  if (!ctx.python) std::cout << "pydicom: not installed\n";
  std::vector<DataSet> sets;
  for (const auto& s : dataSets(args.dir, args.quick))
    if (args.sets.empty() || std::find(args.sets.begin(), args.sets.end(), s.name) != args.sets.end() ||
        // a compressed set needs its source generated
        std::any_of(args.sets.begin(), args.sets.end(),
                    [&](const std::string& n) { return n.rfind(s.name + "-", 0) == 0; }))
      sets.push_back(s);
  if (!prepareData(sets)) return 1;
  if (!args.sets.empty())
    sets.erase(std::remove_if(sets.begin(), sets.end(),
                              [&](const DataSet& s) {
                                return std::find(args.sets.begin(), args.sets.end(), s.name) == args.sets.end();
                              }),
               sets.end());

  std::vector<DataSetResult> results;
  for (const auto& set : sets) results.push_back(benchmarkDataSet(ctx, set));

  // Other work on the machine (a parallel build) shows up as noise: say how busy it was.
  const std::string loadAfter = firstLineOf("/proc/loadavg");
  std::cout << "annulo-bench-load" << (args.quick ? " --quick" : "") << ": median of " << args.repeat
            << " runs, warm page cache, " << std::thread::hardware_concurrency() << " hardware threads, THP "
            << firstLineOf("/sys/kernel/mm/transparent_hugepage/enabled") << "\n"
            << "load average before: " << loadBefore << "; after: " << loadAfter << "\n";
  printTables(std::cout, results);
  const auto checks = checkTargets(results);
  printTargets(std::cout, checks);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  writeJson(ctx, results, checks, total, {loadBefore, loadAfter});
  std::cout << "Total run time: " << static_cast<long>(total + 0.5) << " s\n";

  bool anyFailed = false;
  for (const auto& d : results)
    for (const auto& l : d.loaders) anyFailed = anyFailed || !l.error.empty();
  return anyFailed ? 1 : 0;
}

}  // namespace
}  // namespace annulo::bench

int main(int argc, char** argv) {
  const auto args = annulo::bench::parseArgs(argc, argv);
  if (!args) return 2;
  try {
    return args->runLoader.empty() ? annulo::bench::benchmarkMain(*args) : annulo::bench::childMain(*args);
  } catch (const std::exception& e) {
    std::cerr << "annulo-bench-load: " << e.what() << "\n";
    return 1;
  }
}
