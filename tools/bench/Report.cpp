#include "Report.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <optional>

namespace annulo::bench {
namespace {

// Targets of the loader (shared/guide/LOADING.md has the peer figures).
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
std::optional<double> speedup(const DataSetResult& d, const std::string& other) {
  const LoaderResult* a = d.find("annulo");
  const LoaderResult* o = d.find(other);
  if (!a || !o || !a->measured() || !o->measured() || a->medianMs() <= 0) return std::nullopt;
  return o->medianMs() / a->medianMs();
}

// "int16", "uint8", ...: which native ITK variant ran on this data set.
std::string nativeItk(const DataSetResult& d) {
  const LoaderResult* l = d.find("itk-native");
  return l ? l->variant : std::string("native");
}

std::string speedupText(const std::optional<double>& s) { return s ? format("%.2fx", *s) : std::string("n/a"); }

// Every Annulo run must give the same sum, and it must be the plain loader's.
struct SumCheck {
  bool comparable = false;
  bool equal = false;
  std::string text;
};

SumCheck checkSums(const DataSetResult& d) {
  SumCheck c;
  const LoaderResult* a = d.find("annulo");
  const LoaderResult* p = d.find("dcmtk");
  if (!a || !p || !a->measured() || !p->measured()) {
    c.text = "not compared (a loader failed)";
    return c;
  }
  c.comparable = true;
  auto allEqual = [](const LoaderResult& l) {
    return std::all_of(l.runs.begin(), l.runs.end(), [&](const Measurement& m) { return m.sum == l.runs.front().sum; });
  };
  const double sa = a->runs.front().sum, sp = p->runs.front().sum;
  c.equal = allEqual(*a) && allEqual(*p) && sa == sp && a->runs.front().samples == p->runs.front().samples;
  c.text = c.equal ? format("Annulo %.0f == plain DCMTK %.0f (%llu samples): OK", sa, sp,
                            static_cast<unsigned long long>(a->runs.front().samples))
                   : format("!!! PIXEL SUM MISMATCH !!! Annulo %.0f (%llu samples) vs plain DCMTK %.0f (%llu samples)%s",
                            sa, static_cast<unsigned long long>(a->runs.front().samples), sp,
                            static_cast<unsigned long long>(p->runs.front().samples),
                            allEqual(*a) && allEqual(*p) ? "" : "; sums also differ between runs");
  return c;
}

std::string runList(const LoaderResult& l) {
  std::string s;
  for (const auto& r : l.runs) s += (s.empty() ? "" : " ") + format("%.0f", r.ms);
  return s;
}

void printRow(std::ostream& out, const DataSetResult& d, const LoaderResult& l) {
  const double mb = double(d.pixelBytes) / kMB;
  if (!l.measured()) {
    out << format("  %-24s %9.1f   %s\n", l.label.c_str(), mb,
                  (l.skipped.empty() ? "FAILED: " + l.error.substr(0, l.error.find('\n')) : l.skipped).c_str());
    return;
  }
  out << format("  %-24s %9.1f %10.1f %8.1f %9.1f %9.1f %7.2f %10ld  %s\n", l.label.c_str(), mb, l.medianMs(),
                mbPerSecond(d.pixelBytes, l.medianMs()), double(l.peakRssKiB()) / 1024.0,
                double(l.baselineRssKiB()) / 1024.0, rssRatio(l, d.pixelBytes), l.medianMinorFaults(),
                runList(l).c_str());
}

TargetCheck annuloFailed(const DataSetResult& d, const std::string& target) {
  return {d.name, target, "Annulo failed", Verdict::Fail};
}

void addChecks(const DataSetResult& d, std::vector<TargetCheck>& out) {
  const LoaderResult* a = d.find("annulo");
  const std::string itkTarget = format(">= %.0fx ITK float throughput", kMinSpeedupVsItk);
  const char* const targets[] = {"faster than pydicom", "no slower than plain DCMTK loader"};
  const std::string rssTarget = format("peak RSS <= %.1fx pixel data", kMaxRssPerPixelByte);
  if (!a || !a->measured()) {
    for (const std::string& t : {itkTarget, std::string(targets[0]), std::string(targets[1]), rssTarget,
                                 std::string("pixel sum == plain DCMTK")})
      out.push_back(annuloFailed(d, t));
    return;
  }
  auto verdict = [](std::optional<double> v, bool pass) { return !v ? Verdict::Skip : pass ? Verdict::Pass : Verdict::Fail; };
  const auto itk = speedup(d, "itk-float");
  const auto itkNative = speedup(d, "itk-native");
  out.push_back({d.name, itkTarget, speedupText(itk) + " (vs ITK " + nativeItk(d) + ": " +
                                        speedupText(itkNative) + ")",
                 verdict(itk, itk && *itk >= kMinSpeedupVsItk)});
  const auto py = speedup(d, "pydicom");
  out.push_back({d.name, targets[0], speedupText(py), verdict(py, py && *py > 1.0)});
  const auto plain = speedup(d, "dcmtk");
  out.push_back({d.name, targets[1], speedupText(plain), verdict(plain, plain && *plain >= 1.0)});
  const double ratio = rssRatio(*a, d.pixelBytes);
  out.push_back({d.name, rssTarget, format("%.2fx (%.1f MiB for %.1f MiB)", ratio, double(a->peakRssKiB()) / 1024.0,
                                           double(d.pixelBytes) / kMiB),
                 ratio <= kMaxRssPerPixelByte ? Verdict::Pass : Verdict::Fail});
  const SumCheck sums = checkSums(d);
  out.push_back({d.name, "pixel sum == plain DCMTK", sums.comparable ? (sums.equal ? "equal" : "MISMATCH") : "n/a",
                 !sums.comparable ? Verdict::Skip : sums.equal ? Verdict::Pass : Verdict::Fail});
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
  j["runs"] = nlohmann::json::array();
  for (const auto& r : l.runs) j["runs"].push_back(toJson(r));
  return j;
}

}  // namespace

double LoaderResult::medianMs() const { return median<double>(runs, [](const Measurement& m) { return m.ms; }); }
double LoaderResult::medianCpuMs() const {
  return median<double>(runs, [](const Measurement& m) { return m.cpuMs; });
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
    out << format("  %-24s %9s %10s %8s %9s %9s %7s %10s  %s\n", "loader", "pixel MB", "median ms", "MB/s",
                  "peak MiB", "base MiB", "RSS/px", "min.faults", "runs (ms)");
    for (const auto& l : d.loaders) printRow(out, d, l);
    out << "  Annulo speedup: " << speedupText(speedup(d, "itk-float")) << " vs ITK float, "
        << speedupText(speedup(d, "itk-native")) << " vs ITK " << nativeItk(d) << ", "
        << speedupText(speedup(d, "dcmtk")) << " vs plain DCMTK, " << speedupText(speedup(d, "pydicom"))
        << " vs pydicom\n";
    out << "  Pixel sum: " << checkSums(d).text << "\n";
  }
  out << "\n  peak MiB: peak RSS of the whole loader process (fresh process per run, max of runs);"
         " base MiB: its RSS before the load;\n  RSS/px: peak RSS / stored pixel bytes; MB = 10^6 bytes;"
         " min.faults: minor page faults during the load (median).\n";
}

void printTargets(std::ostream& out, const std::vector<TargetCheck>& checks) {
  out << "\nTargets (Annulo):\n";
  int nameWidth = 8;
  for (const auto& c : checks) nameWidth = std::max(nameWidth, int(c.dataSet.size()));
  for (const auto& c : checks)
    out << format("  %-*s  %-34s %-40s %s\n", nameWidth, c.dataSet.c_str(), c.target.c_str(), c.value.c_str(),
                  verdictName(c.verdict));
}

nlohmann::json reportJson(const std::vector<DataSetResult>& results, const std::vector<TargetCheck>& checks) {
  nlohmann::json j;
  j["dataSets"] = nlohmann::json::array();
  for (const auto& d : results) {
    nlohmann::json dj = {{"name", d.name}, {"description", d.description}, {"pixelBytes", d.pixelBytes}};
    dj["loaders"] = nlohmann::json::array();
    for (const auto& l : d.loaders) dj["loaders"].push_back(loaderJson(d, l));
    for (const char* other : {"itk-float", "itk-native", "dcmtk", "pydicom"})
      if (const auto s = speedup(d, other)) dj["annuloSpeedup"][other] = *s;
    const SumCheck sums = checkSums(d);
    dj["pixelSumCheck"] = {{"comparable", sums.comparable}, {"equal", sums.equal}, {"text", sums.text}};
    j["dataSets"].push_back(dj);
  }
  j["targets"] = nlohmann::json::array();
  for (const auto& c : checks)
    j["targets"].push_back({{"dataSet", c.dataSet}, {"target", c.target}, {"value", c.value},
                            {"result", verdictName(c.verdict)}});
  return j;
}

}  // namespace annulo::bench
