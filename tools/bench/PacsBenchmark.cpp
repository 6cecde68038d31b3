// annulo-bench-pacs: C-STORE throughput of annulo's storeFiles against DCMTK's
// storescu, same files, same peer, same run, alternating so neither gets a
// warmer peer. Not a test: run it by hand.
//
// usage: annulo-bench-pacs [--to AET@HOST:PORT] [--data DIR=sample_data] [--big-frames N=0]
//                          [--big-size N=1024] [--runs N=3] [--orthanc PATH=/usr/sbin/Orthanc]
//
// Without --to it starts a private Orthanc on free loopback ports (storage in a
// temp folder, OverwriteInstances on so every run really writes). --big-frames
// adds a generated explicit-VR cine (N frames of --big-size^2, 8 bit) as a second
// data set. Figures: best of --runs, MB/s (file bytes / wall time) and instances/s;
// storescu's time includes its process start (a few ms).

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "ChildProcess.h"
#include "support/LocalOrthanc.h"
#include "annulo/dicom/FileCollector.h"
#include "annulo/net/Echo.h"
#include "annulo/net/Store.h"
#include "annulo/phantom/Phantom.h"

namespace {

using namespace annulo;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Figures {
  double seconds = 1e30;
  bool ok = true;
  std::string error;
};

std::uint64_t totalBytes(const std::vector<std::string>& files) {
  std::uint64_t n = 0;
  for (const auto& f : files) n += fs::file_size(f);
  return n;
}

Figures runOurs(const PacsNode& node, const std::vector<std::string>& files) {
  const auto t = Clock::now();
  auto r = storeFiles(node, files);
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - t).count();
  if (!r) f.ok = false, f.error = r.message();
  else if (!r->ok()) f.ok = false, f.error = std::to_string(r->notStored) + " file(s) not stored";
  return f;
}

Figures runStorescu(const PacsNode& node, const std::vector<std::string>& files) {
  // -R -xt: one context per file's SOP class and syntax, JPEG-LS among them (the
  // sample is JPEG-LS and storescu cannot decompress it).
  std::vector<std::string> argv = {"storescu", "-R", "-xt", "-aet", node.callingAe, "-aec", node.calledAe, node.host,
                                   std::to_string(node.port)};
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
            << std::setprecision(1) << std::setw(9) << double(bytes) / 1e6 / f.seconds << " MB/s "
            << std::setw(9) << double(count) / f.seconds << " instances/s\n";
}

void benchSet(const std::string& label, const PacsNode& node, const std::vector<std::string>& files, int runs) {
  Figures ours, theirs;
  for (int i = 0; i < runs; ++i) {
    const Figures a = runOurs(node, files), b = runStorescu(node, files);
    if (!a.ok) ours = a;
    else if (ours.ok && a.seconds < ours.seconds) ours = a;
    if (!b.ok) theirs = b;
    else if (theirs.ok && b.seconds < theirs.seconds) theirs = b;
  }
  const auto bytes = totalBytes(files);
  std::cout << label << ": " << files.size() << " instance(s), " << std::fixed << std::setprecision(1)
            << double(bytes) / 1e6 << " MB, best of " << runs << "\n";
  report(label, "annulo", ours, bytes, files.size());
  report(label, "storescu", theirs, bytes, files.size());
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
  const int runs = std::stoi(arg(argc, argv, "--runs", "3"));
  const int bigFrames = std::stoi(arg(argc, argv, "--big-frames", "0"));
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
                        {{"Name", "annulo-bench"}, {"DicomAlwaysAllowStore", true}, {"DicomAlwaysAllowEcho", true},
                         {"OverwriteInstances", true}},
                        error))
      return std::cerr << error << "\n", 1;
    node = orthanc->node();
  }
  std::cout << "peer " << describe(node) << "\n";
  benchSet("sample cine + MR", node, collect(data), runs);
  if (bigFrames > 0) {
    PhantomOptions o;
    o.xaSize = bigSize;
    o.xaFrames = bigFrames;
    o.writeMr = false;
    auto t = writePhantom(o, (scratch / "big").string());
    if (!t) return std::cerr << t.message() << "\n", 1;
    benchSet("generated cine " + std::to_string(bigSize) + "^2x" + std::to_string(bigFrames), node,
             collect(scratch / "big"), runs);
  }
  orthanc.reset();
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return 0;
}
