// annulo-bench-pacs: C-STORE throughput of annulo's storeFiles against DCMTK's
// storescu, and C-GET of annulo's retrieveStudy against DCMTK's getscu: same
// files, same peer, same run. Not a test: run it by hand.
//
// usage: annulo-bench-pacs [--to AET@HOST:PORT] [--data DIR=sample_data] [--big-frames N=120]
//                          [--big-size N=1024] [--mr-slices N=300] [--runs N=5] [--orthanc PATH=/usr/sbin/Orthanc]
//                          [--keep]  (the retrieved files stay; the folder is printed)
//
// Without --to it starts a private Orthanc on free loopback ports (storage in a
// temp folder, OverwriteInstances on so every run really writes). Data sets: the
// sample data, a generated explicit-VR cine (--big-frames of --big-size^2, 8 bit;
// 0 leaves it out) and a generated --mr-slices 512^2 MR series. The two tools
// take turns in alternating order (annulo first in odd runs, DCMTK first in
// even ones), so neither always meets the peer after the other; figures are the
// median of --runs, MB/s (file bytes / wall time) and instances/s. The DCMTK
// tools' times include their process start (a few ms). C-GET (the cine and the
// MR, each its own study) goes into a fresh folder per run.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "ChildProcess.h"
#include "annulo/dicom/FileCollector.h"
#include "annulo/net/Echo.h"
#include "annulo/net/Retrieve.h"
#include "annulo/net/Store.h"
#include "annulo/phantom/Phantom.h"
#include "peers/LocalOrthanc.h"

namespace {

using namespace annulo;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Figures {
  double seconds = 0;
  bool ok = true;
  std::string error;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::uint64_t totalBytes(const std::vector<std::string>& files) {
  std::uint64_t n = 0;
  for (const auto& f : files) n += fs::file_size(f);
  return n;
}

// --keep: the retrieved files stay (e.g. for dciodvfy); set in main().
bool& keepFiles() {
  static bool keep = false;
  return keep;
}

Figures runOurs(const PacsNode& node, const std::vector<std::string>& files) {
  const auto t = Clock::now();
  auto r = storeFiles(node, files);
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - t).count();
  if (!r)
    f.ok = false, f.error = r.message();
  else if (!r->ok())
    f.ok = false, f.error = std::to_string(r->notStored) + " file(s) not stored";
  return f;
}

Figures runStorescu(const PacsNode& node, const std::vector<std::string>& files) {
  // -R -xt: one context per file's SOP class and syntax, JPEG-LS among them (the
  // sample is JPEG-LS and storescu cannot decompress it).
  std::vector<std::string> argv = {
      "storescu", "-R", "-xt", "-aet", node.callingAe, "-aec", node.calledAe, node.host, std::to_string(node.port)};
  argv.insert(argv.end(), files.begin(), files.end());
  const auto t = Clock::now();
  auto p = bench::runProcess(argv);
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - t).count();
  if (!p.started || p.exitCode != 0) f.ok = false, f.error = "storescu " + bench::describeExit(p) + ": " + p.output;
  return f;
}

void report(const std::string& label, const std::string& tool, const Figures& f, std::uint64_t bytes,
            std::size_t count) {
  std::cout << "  " << std::left << std::setw(30) << label << std::setw(12) << tool;
  if (!f.ok) {
    std::cout << "FAILED: " << f.error << "\n";
    return;
  }
  std::cout << std::right << std::fixed << std::setprecision(3) << std::setw(8) << f.seconds << " s "
            << std::setprecision(1) << std::setw(9) << double(bytes) / 1e6 / f.seconds << " MB/s " << std::setw(9)
            << double(count) / f.seconds << " instances/s\n";
}

// Runs both `runs` times in alternating order; the median of each, or its first failure.
template <typename Ours, typename Theirs>
std::pair<Figures, Figures> alternate(int runs, Ours ours, Theirs theirs) {
  std::vector<double> a, b;
  Figures fa, fb;
  for (int i = 0; i < runs; ++i) {
    Figures x, y;
    if (i % 2 == 0) {
      x = ours(i);
      y = theirs(i);
    } else {
      y = theirs(i);
      x = ours(i);
    }
    if (!x.ok && fa.ok) fa = x;
    if (!y.ok && fb.ok) fb = y;
    a.push_back(x.seconds);
    b.push_back(y.seconds);
  }
  if (fa.ok) fa.seconds = median(a);
  if (fb.ok) fb.seconds = median(b);
  return {fa, fb};
}

void printSpeedup(const Figures& ours, const Figures& theirs, const char* tool) {
  if (ours.ok && theirs.ok && ours.seconds > 0)
    std::cout << "  annulo / " << tool << ": " << std::setprecision(2) << theirs.seconds / ours.seconds
              << "x (target: no slower, >= 1.00x)\n";
}

void benchSet(const std::string& label, const PacsNode& node, const std::vector<std::string>& files, int runs) {
  const auto [ours, theirs] = alternate(
      runs, [&](int) { return runOurs(node, files); }, [&](int) { return runStorescu(node, files); });
  const auto bytes = totalBytes(files);
  std::cout << "C-STORE " << label << ": " << files.size() << " instance(s), " << std::fixed << std::setprecision(1)
            << double(bytes) / 1e6 << " MB, median of " << runs << ", alternating order\n";
  report(label, "annulo", ours, bytes, files.size());
  report(label, "storescu", theirs, bytes, files.size());
  printSpeedup(ours, theirs, "storescu");
  std::cout << std::flush;
}

Figures getOurs(const PacsNode& node, const std::string& study, const fs::path& folder, std::size_t expected) {
  const auto t = Clock::now();
  auto r = retrieveStudy(node, study, folder.string());
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - t).count();
  if (!r)
    f.ok = false, f.error = r.message();
  else if (!r->ok() || r->files.size() != expected)
    f.ok = false, f.error = std::to_string(r->files.size()) + " of " + std::to_string(expected) + " instances, " +
                            std::to_string(r->failed) + " failed";
  return f;
}

Figures getDcmtk(const PacsNode& node, const std::string& study, const fs::path& folder, std::size_t expected) {
  fs::create_directories(folder);
  const std::vector<std::string> argv = {"getscu",  "-S",
                                         "-aet",    node.callingAe,
                                         "-aec",    node.calledAe,
                                         "-k",      "QueryRetrieveLevel=STUDY",
                                         "-k",      "StudyInstanceUID=" + study,
                                         "-od",     folder.string(),
                                         node.host, std::to_string(node.port)};
  const auto t = Clock::now();
  auto p = bench::runProcess(argv);
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - t).count();
  std::size_t got = 0;
  for (const auto& e : fs::directory_iterator(folder)) got += e.is_regular_file();
  if (!p.started || p.exitCode != 0)
    f.ok = false, f.error = "getscu " + bench::describeExit(p) + ": " + p.output;
  else if (got != expected)
    f.ok = false, f.error = "getscu wrote " + std::to_string(got) + " of " + std::to_string(expected);
  return f;
}

void benchGet(const std::string& label, const PacsNode& node, const std::string& study,
              const std::vector<std::string>& files, const fs::path& scratch, int runs) {
  const fs::path base = scratch / ("get-" + study);
  const auto [ours, theirs] = alternate(
      runs, [&](int i) { return getOurs(node, study, base / ("annulo-" + std::to_string(i)), files.size()); },
      [&](int i) { return getDcmtk(node, study, base / ("getscu-" + std::to_string(i)), files.size()); });
  std::error_code ec;
  if (!keepFiles()) fs::remove_all(base, ec);
  const auto bytes = totalBytes(files);
  std::cout << "C-GET " << label << ": " << files.size() << " instance(s), " << std::fixed << std::setprecision(1)
            << double(bytes) / 1e6 << " MB, median of " << runs << ", alternating order\n";
  report(label, "annulo", ours, bytes, files.size());
  report(label, "getscu", theirs, bytes, files.size());
  std::cout << std::flush;
  printSpeedup(ours, theirs, "getscu");
}

std::vector<std::string> collect(const fs::path& dir) {
  std::vector<std::string> out;
  auto c = collectFiles(dir.string());
  if (c)
    for (const auto& f : c->files)
      if (fs::path(f).extension() == ".dcm") out.push_back(f);
  return out;
}

std::string arg(int argc, char** argv, const std::string& key, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == key) return argv[i + 1];
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = std::stoi(arg(argc, argv, "--runs", "5"));
  keepFiles() = std::find(argv + 1, argv + argc, std::string("--keep")) != argv + argc;
  const int bigFrames = std::stoi(arg(argc, argv, "--big-frames", "120"));
  const int mrSlices = std::stoi(arg(argc, argv, "--mr-slices", "300"));
  const int bigSize = std::stoi(arg(argc, argv, "--big-size", "1024"));
  const fs::path data = arg(argc, argv, "--data", ANNULO_SOURCE_DIR "/sample_data");
  const fs::path scratch = fs::temp_directory_path() / ("annulo-bench-pacs-" + std::to_string(getpid()));
  fs::create_directories(scratch);

  std::unique_ptr<test::LocalOrthanc> orthanc;
  PacsNode node;
  if (const std::string to = arg(argc, argv, "--to", ""); !to.empty()) {
    auto n = parsePacsNode(to);
    if (!n) return std::cerr << n.message() << "\n", 2;
    node = *n;
  } else {
    orthanc = std::make_unique<test::LocalOrthanc>(scratch / "orthanc", "BENCH");
    std::string error;
    if (!orthanc->start(arg(argc, argv, "--orthanc", "/usr/sbin/Orthanc"),
                        // C-GET needs the caller known as a modality (as tests/net/OrthancServer.h does).
                        {{"Name", "annulo-bench"},
                         {"DicomAlwaysAllowStore", true},
                         {"DicomAlwaysAllowEcho", true},
                         {"DicomAlwaysAllowGet", true},
                         {"DicomCheckModalityHost", false},
                         {"DicomModalities",
                          {{"annulo",
                            {{"AET", "ANNULO"},
                             {"Host", "127.0.0.1"},
                             {"Port", 104},
                             {"AllowEcho", true},
                             {"AllowStore", true},
                             {"AllowGet", true}}}}},
                         {"OverwriteInstances", true}},
                        error))
      return std::cerr << error << "\n", 1;
    node = orthanc->node();
  }
  std::cout << "peer " << describe(node) << "\n";
  std::cout << "load average: " << [] {
    std::ifstream in("/proc/loadavg");
    std::string l;
    std::getline(in, l);
    return l;
  }() << "\n";
  benchSet("sample cine + MR", node, collect(data), runs);
  if (bigFrames > 0) {
    PhantomOptions o;
    o.seed = 7001;  // a study of its own (the sample data is the default seed's)
    o.xaSize = bigSize;
    o.xaFrames = bigFrames;
    o.writeMr = false;
    auto t = writePhantom(o, (scratch / "big").string());
    if (!t) return std::cerr << t.message() << "\n", 1;
    const auto files = collect(scratch / "big");
    const std::string label = "generated cine " + std::to_string(bigSize) + "^2x" + std::to_string(bigFrames);
    benchSet(label, node, files, runs);
    benchGet(label, node, t->studyInstanceUid, files, scratch, runs);
  }
  if (mrSlices > 0) {
    PhantomOptions o;
    o.seed = 7002;  // its own study, so the C-GET brings back the MR only
    o.mrSize = 512;
    o.mrSlices = mrSlices;
    o.writeXa = false;
    auto t = writePhantom(o, (scratch / "mr").string());
    if (!t) return std::cerr << t.message() << "\n", 1;
    const auto files = collect(scratch / "mr");
    const std::string label = "generated MR 512^2x" + std::to_string(mrSlices);
    benchSet(label, node, files, runs);
    benchGet(label, node, t->studyInstanceUid, files, scratch, runs);
  }
  orthanc.reset();
  std::error_code ec;
  if (keepFiles())
    std::cout << "files kept in " << scratch.string() << "\n";
  else
    fs::remove_all(scratch, ec);
  return 0;
}
