#include "Report.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <optional>

namespace annulo::bench {
namespace {

// Targets of the loader (docs/guide/LOADING.md has the peer figures).
constexpr double kMinSpeedupVsItk = 5.0;
constexpr double kMaxRssPerPixelByte = 1.2;

constexpr double kMB = 1e6;               // throughput and data size: decimal MB
constexpr double kMiB = 1024.0 * 1024.0;  // memory: MiB

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  return buffer;
}

template <typename T, typename Get>
T median(const std::vector<Measurement>& runs, Get get) {
  std::vector<T> v;
  for (const auto& r : runs) v.push_back(T(get(r)));
  if (v.empty()) return T{};
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : T((v[n / 2 - 1] + v[n / 2]) / 2);
}

double mbPerSecond(std::uint64_t bytes, double ms) { return ms > 0 ? double(bytes) / kMB / (ms / 1e3) : 0; }
double rssRatio(const LoaderResult& l, std::uint64_t bytes) {
  return bytes ? double(l.peakRssKiB()) * 1024.0 / double(bytes) : 0;
}

// How many times faster Annulo is than `other` (same bytes, so a time ratio).
std::optional<double> speedup(const DataSetResult& d, const std::string& other, const std::string& self = "annulo") {
  const LoaderResult* a = d.find(self);
  const LoaderResult* o = d.find(other);
  if (!a || !o || !a->measured() || !o->measured() || a->medianMs() <= 0) return std::nullopt;
  return o->medianMs() / a->medianMs();
}

// The same for whole processes (start-up, load, every sample summed, teardown).
std::optional<double> processSpeedup(const DataSetResult& d, const std::string& other, const std::string& self) {
  const LoaderResult* a = d.find(self);
  const LoaderResult* o = d.find(other);
  if (!a || !o || !a->measured() || !o->measured() || a->medianProcessMs() <= 0) return std::nullopt;
  return o->medianProcessMs() / a->medianProcessMs();
}

// "int16", "uint8", ...: which native ITK variant ran on this data set.
std::string nativeItk(const DataSetResult& d) {
  const LoaderResult* l = d.find("itk-native");
  return l ? l->variant : std::string("native");
}

std::string speedupText(const std::optional<double>& s) { return s ? format("%.2fx", *s) : std::string("n/a"); }

// Every loader's runs must agree with each other and with the reference
// (plain DCMTK, else Annulo). Lossy JPEG decoded by another library (GDCM's
// libjpeg vs DCMTK's IJG) may round differently: said, not failed.
struct SumCheck {
  bool comparable = false;
  bool equal = false;
  std::string text;
};

const LoaderResult* sumReference(const DataSetResult& d) {
  for (const char* id : {"dcmtk", "dcmtk-huge", "annulo"})
    if (const LoaderResult* l = d.find(id); l && l->measured()) return l;
  return nullptr;
}

bool runsAgree(const LoaderResult& l) {
  return std::all_of(l.runs.begin(), l.runs.end(), [&](const Measurement& m) {
    return m.sum == l.runs.front().sum && m.samples == l.runs.front().samples;
  });
}

bool isLossy(const DataSetResult& d) { return d.name.size() > 5 && d.name.compare(d.name.size() - 5, 5, "-jpeg") == 0; }

SumCheck checkSum(const DataSetResult& d, const LoaderResult& l) {
  SumCheck c;
  const LoaderResult* ref = sumReference(d);
  if (!ref || !l.measured()) {
    c.text = "not compared";
    return c;
  }
  c.comparable = true;
  const Measurement& a = l.runs.front();
  const Measurement& r = ref->runs.front();
  c.equal = runsAgree(l) && runsAgree(*ref) && a.sum == r.sum && a.samples == r.samples;
  const bool otherDecoder = l.id.rfind("itk", 0) == 0 || l.id == "pydicom";
  if (c.equal)
    c.text = "OK";
  else if (isLossy(d) && otherDecoder && a.samples == r.samples)
    c.text = format("lossy, %+.3g%% (other JPEG decoder)", 100.0 * (a.sum - r.sum) / r.sum), c.comparable = false;
  else
    c.text = format("MISMATCH %.0f vs %.0f", a.sum, r.sum);
  return c;
}

SumCheck checkSums(const DataSetResult& d) {
  SumCheck all;
  const LoaderResult* ref = sumReference(d);
  if (!ref) {
    all.text = "not compared (reference loader failed)";
    return all;
  }
  all.comparable = true;
  all.equal = true;
  std::string bad;
  for (const auto& l : d.loaders) {
    const SumCheck c = checkSum(d, l);
    if (c.comparable && !c.equal) {
      all.equal = false;
      bad += " " + l.id + ": " + c.text + ";";
    }
  }
  all.text = all.equal ? format("every loader == %s %.0f (%llu samples): OK", ref->id.c_str(), ref->runs.front().sum,
                                static_cast<unsigned long long>(ref->runs.front().samples))
                       : "!!! PIXEL SUM MISMATCH !!!" + bad;
  return all;
}

std::string runList(const LoaderResult& l) {
  std::string s;
  for (const auto& r : l.runs) s += (s.empty() ? "" : " ") + format("%.0f", r.ms);
  return s;
}

void printRow(std::ostream& out, const DataSetResult& d, const LoaderResult& l) {
  if (!l.measured()) {
    out << format("  %-26s %s\n", l.label.c_str(),
                  (l.skipped.empty() ? "FAILED: " + l.error.substr(0, l.error.find('\n')) : l.skipped).c_str());
    return;
  }
  const double first = l.medianFirstFrameMs();
  // "-": not measured (the CLI reports its load time but not its CPU; pydicom runs under the parent's timer only).
  auto ms = [](double v, bool known) { return known ? format("%.0f", v) : std::string("-"); };
  const bool cli = l.id == "cli-stats", proc = l.id != "pydicom";
  out << format("  %-26s %8.0f %8s %7.0f %8s %8s %8.1f %6.2f %7s  %-10s %s\n", l.label.c_str(), l.medianMs(),
                ms(l.medianCpuMs(), !cli).c_str(), mbPerSecond(d.pixelBytes, l.medianMs()),
                ms(l.medianProcessMs(), proc).c_str(), ms(l.medianProcessCpuMs(), proc).c_str(),
                double(l.peakRssKiB()) / 1024.0, rssRatio(l, d.pixelBytes), ms(first, first >= 0).c_str(),
                checkSum(d, l).text.c_str(), runList(l).c_str());
}

TargetCheck annuloFailed(const DataSetResult& d, const std::string& target) {
  return {d.name, target, "Annulo failed", Verdict::Fail};
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void addChecks(const DataSetResult& d, std::vector<TargetCheck>& out) {
  const LoaderResult* a = d.find("annulo");
  auto verdict = [](std::optional<double> v, bool pass) {
    return !v ? Verdict::Skip : pass ? Verdict::Pass : Verdict::Fail;
  };
  const SumCheck sums = checkSums(d);
  out.push_back({d.name, "pixel sum: every loader agrees",
                 sums.comparable ? (sums.equal ? "equal" : "MISMATCH") : "n/a",
                 !sums.comparable ? Verdict::Skip
                 : sums.equal     ? Verdict::Pass
                                  : Verdict::Fail});
  if (!a || !a->measured()) {
    out.push_back(annuloFailed(d, "Annulo loads"));
    return;
  }
  const bool compressed =
      endsWith(d.name, "-jpll") || endsWith(d.name, "-jls") || endsWith(d.name, "-jpeg") || endsWith(d.name, "-rle");
  if (!compressed) {
    const auto itk = speedup(d, "itk-float");
    out.push_back({d.name, format(">= %.0fx ITK float (in-process)", kMinSpeedupVsItk),
                   speedupText(itk) + " (vs ITK " + nativeItk(d) + ": " + speedupText(speedup(d, "itk-native")) + ")",
                   verdict(itk, itk && *itk >= kMinSpeedupVsItk)});
    const auto plain = speedup(d, "dcmtk");
    out.push_back({d.name, "no slower than plain DCMTK (in-process)", speedupText(plain),
                   verdict(plain, plain && *plain >= 1.0)});
  }
  // Issue 20: whole-process ratios on two cores.
  if (endsWith(d.name, "-jpll") || endsWith(d.name, "-jls")) {
    const auto cli = processSpeedup(d, "dcmtk", "cli-stats");
    const auto child = processSpeedup(d, "dcmtk", "annulo");
    out.push_back({d.name, ">= 1.7x plain DCMTK decode (process)",
                   "annulo-cli " + speedupText(cli) + ", bench child " + speedupText(child) +
                       " (THP peer: " + speedupText(processSpeedup(d, "dcmtk-huge", "cli-stats")) + ")",
                   verdict(cli, cli && *cli >= 1.7)});
  }
  if (d.name.rfind("mr-", 0) == 0 || (d.name.rfind("xa-", 0) == 0 && endsWith(d.name, "-16"))) {
    const auto cli = processSpeedup(d, "dcmtk", "cli-stats");
    out.push_back({d.name, "annulo-cli stats >= 1.2x plain DCMTK (process)",
                   speedupText(cli) + " (THP peer: " + speedupText(processSpeedup(d, "dcmtk-huge", "cli-stats")) + ")",
                   verdict(cli, cli && *cli >= 1.2)});
  }
  if (const LoaderResult* cli = d.find("cli-stats"); cli && cli->measured()) {
    // The CLI's statistics pass adds almost nothing to its own load: its whole
    // process against the benchmark child that loads and sums with one thread.
    const auto own = processSpeedup(d, "annulo", "cli-stats");
    out.push_back({d.name, "annulo-cli no slower than its loader (process)", speedupText(own),
                   verdict(own, own && *own >= 0.97)});
    const double ratio = rssRatio(*cli, d.pixelBytes);
    out.push_back({d.name, format("annulo-cli peak RSS <= %.1fx pixels", kMaxRssPerPixelByte),
                   format("%.2fx (%.1f MiB)", ratio, double(cli->peakRssKiB()) / 1024.0),
                   ratio <= kMaxRssPerPixelByte ? Verdict::Pass : Verdict::Fail});
  }
  const double ratio = rssRatio(*a, d.pixelBytes);
  out.push_back(
      {d.name, format("loader peak RSS <= %.1fx pixels", kMaxRssPerPixelByte),
       format("%.2fx (%.1f MiB for %.1f MiB)", ratio, double(a->peakRssKiB()) / 1024.0, double(d.pixelBytes) / kMiB),
       ratio <= kMaxRssPerPixelByte ? Verdict::Pass : Verdict::Fail});
  if (const auto t1 = speedup(d, "annulo-t1"))
    out.push_back({d.name, "thread scaling (1 -> all threads)", speedupText(t1), Verdict::Skip});
}

const char* verdictName(Verdict v) { return v == Verdict::Pass ? "PASS" : v == Verdict::Fail ? "FAIL" : "SKIP"; }

nlohmann::json loaderJson(const DataSetResult& d, const LoaderResult& l) {
  nlohmann::json j = {{"id", l.id}, {"label", l.label}};
  if (!l.error.empty()) j["error"] = l.error;
  if (!l.skipped.empty()) j["skipped"] = l.skipped;
  if (!l.measured()) return j;
  j["pixelMB"] = double(d.pixelBytes) / kMB;
  j["medianMs"] = l.medianMs();
  j["mbPerS"] = mbPerSecond(d.pixelBytes, l.medianMs());
  j["peakRssMiB"] = double(l.peakRssKiB()) / 1024.0;
  j["baselineRssMiB"] = double(l.baselineRssKiB()) / 1024.0;
  j["peakRssPerPixelByte"] = rssRatio(l, d.pixelBytes);
  j["medianMinorFaults"] = l.medianMinorFaults();
  j["medianCpuMs"] = l.medianCpuMs();
  j["medianProcessMs"] = l.medianProcessMs();
  j["medianProcessCpuMs"] = l.medianProcessCpuMs();
  j["medianFirstFrameMs"] = l.medianFirstFrameMs();
  j["sumCheck"] = checkSum(d, l).text;
  j["runs"] = nlohmann::json::array();
  for (const auto& r : l.runs) j["runs"].push_back(toJson(r));
  return j;
}

}  // namespace

double LoaderResult::medianMs() const {
  return median<double>(runs, [](const Measurement& m) { return m.ms; });
}
double LoaderResult::medianCpuMs() const {
  return median<double>(runs, [](const Measurement& m) { return m.cpuMs; });
}
double LoaderResult::medianProcessMs() const {
  return median<double>(runs, [](const Measurement& m) { return m.processMs; });
}
double LoaderResult::medianProcessCpuMs() const {
  return median<double>(runs, [](const Measurement& m) { return m.processCpuMs; });
}
double LoaderResult::medianFirstFrameMs() const {
  return median<double>(runs, [](const Measurement& m) { return m.firstFrameMs; });
}
long LoaderResult::medianMinorFaults() const {
  return median<long>(runs, [](const Measurement& m) { return m.minorFaults; });
}
long LoaderResult::peakRssKiB() const {
  long v = 0;
  for (const auto& r : runs) v = std::max(v, r.peakRssKiB);
  return v;
}
long LoaderResult::baselineRssKiB() const {
  if (runs.empty()) return 0;
  long v = runs.front().baselineRssKiB;
  for (const auto& r : runs) v = std::min(v, r.baselineRssKiB);
  return v;
}

const LoaderResult* DataSetResult::find(const std::string& id) const {
  for (const auto& l : loaders)
    if (l.id == id) return &l;
  return nullptr;
}

std::vector<TargetCheck> checkTargets(const std::vector<DataSetResult>& results) {
  std::vector<TargetCheck> out;
  for (const auto& d : results) addChecks(d, out);
  return out;
}

void printTables(std::ostream& out, const std::vector<DataSetResult>& results) {
  for (const auto& d : results) {
    out << "\n== " << d.description << "  [" << d.name << ", "
        << format("%.1f MB = %.1f MiB stored pixels]", double(d.pixelBytes) / kMB, double(d.pixelBytes) / kMiB)
        << " ==\n";
    out << format("  %-26s %8s %8s %7s %8s %8s %8s %6s %7s  %-10s %s\n", "loader", "load ms", "load CPU", "MB/s",
                  "proc ms", "proc CPU", "peak MiB", "RSS/px", "1st fr", "sum", "load runs (ms)");
    for (const auto& l : d.loaders) printRow(out, d, l);
    out << "  Annulo load speedup: " << speedupText(speedup(d, "itk-float")) << " vs ITK float, "
        << speedupText(speedup(d, "itk-native")) << " vs ITK " << nativeItk(d) << ", "
        << speedupText(speedup(d, "dcmtk")) << " vs plain DCMTK (" << speedupText(speedup(d, "dcmtk-huge"))
        << " vs its THP-buffer twin); 1 -> all threads " << speedupText(speedup(d, "annulo-t1")) << "\n";
    out << "  Whole process, annulo-cli stats: " << speedupText(processSpeedup(d, "dcmtk", "cli-stats"))
        << " vs plain DCMTK, " << speedupText(processSpeedup(d, "dcmtk-huge", "cli-stats")) << " vs its THP twin, "
        << speedupText(processSpeedup(d, "itk-float", "cli-stats")) << " vs ITK float\n";
    out << "  Pixel sum: " << checkSums(d).text << "\n";
  }
  out << "\n  load ms / load CPU: the load inside the process (median; CPU = user+system of all threads);"
         " proc ms / proc CPU: the whole\n  process (start, load, sum of every sample, exit) as the parent measures it;"
         " peak MiB: peak RSS (max of runs); RSS/px: peak RSS / stored\n  pixel bytes; 1st fr: load start to the first"
         " decoded frame; MB = 10^6 bytes. Peers without a 1-thread row are single-threaded (CPU ~ wall).\n";
}

void printTargets(std::ostream& out, const std::vector<TargetCheck>& checks) {
  out << "\nTargets (Annulo):\n";
  int nameWidth = 8;
  for (const auto& c : checks) nameWidth = std::max(nameWidth, int(c.dataSet.size()));
  for (const auto& c : checks)
    out << format("  %-*s  %-44s %-56s %s\n", nameWidth, c.dataSet.c_str(), c.target.c_str(), c.value.c_str(),
                  verdictName(c.verdict));
}

nlohmann::json reportJson(const std::vector<DataSetResult>& results, const std::vector<TargetCheck>& checks) {
  nlohmann::json j;
  j["dataSets"] = nlohmann::json::array();
  for (const auto& d : results) {
    nlohmann::json dj = {{"name", d.name}, {"description", d.description}, {"pixelBytes", d.pixelBytes}};
    dj["loaders"] = nlohmann::json::array();
    for (const auto& l : d.loaders) dj["loaders"].push_back(loaderJson(d, l));
    for (const char* other : {"itk-float", "itk-native", "dcmtk", "dcmtk-huge", "pydicom", "annulo-t1"})
      if (const auto s = speedup(d, other)) dj["annuloSpeedup"][other] = *s;
    for (const char* other : {"itk-float", "dcmtk", "dcmtk-huge", "annulo"})
      if (const auto s = processSpeedup(d, other, "cli-stats")) dj["cliProcessSpeedup"][other] = *s;
    const SumCheck sums = checkSums(d);
    dj["pixelSumCheck"] = {{"comparable", sums.comparable}, {"equal", sums.equal}, {"text", sums.text}};
    j["dataSets"].push_back(dj);
  }
  j["targets"] = nlohmann::json::array();
  for (const auto& c : checks)
    j["targets"].push_back(
        {{"dataSet", c.dataSet}, {"target", c.target}, {"value", c.value}, {"result", verdictName(c.verdict)}});
  return j;
}

}  // namespace annulo::bench
