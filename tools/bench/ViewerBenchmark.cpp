// annulo-bench-viewer: what the viewer costs on one series (issue 20 #2, #5): peak RSS
// of the whole viewer process per layout (2D, MPR, 3D) against the series' pixel
// bytes, and, when asked, "file chosen -> first frame on screen" (the script step
// first-frame). Not a test: run it by hand; it needs xvfb-run.
//
// usage: annulo-bench-viewer PATH [--viewer ANNULO (default: ../src/app/annulo next to this program)]
//                            [--layouts 2d,mpr,3d] [--first-frame N (runs, 0 = skip)] [--work DIR]
//
// Each figure is one fresh process (fork + exec under xvfb-run); peak RSS is wait4's
// ru_maxrss, the largest process of the tree (the viewer; Xvfb is far smaller).
// Make big cines with `annulo-cli make-phantom --xa-size 1024 --frames 600 --bits 16 -o DIR`
// and compressed ones with `dcmcjpeg +e1 IN OUT`.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ChildProcess.h"
#include "annulo/dicom/SeriesLoader.h"

namespace {

using namespace annulo;
namespace fs = std::filesystem;

std::string selfDir() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "." : p.parent_path().string();
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string t; std::getline(in, t, ',');)
    if (!t.empty()) out.push_back(t);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    std::cerr << "usage: annulo-bench-viewer PATH [--viewer ANNULO] [--layouts 2d,mpr,3d] [--first-frame N] "
                 "[--work DIR]\n";
    return 2;
  }
  const std::string path = fs::absolute(argv[1]).string();
  std::string viewer = (fs::path(selfDir()) / ".." / ".." / "src" / "app" / "annulo").lexically_normal().string();
  std::vector<std::string> layouts = {"2d", "mpr", "3d"};
  int firstFrameRuns = 0;
  std::string work = (fs::temp_directory_path() / ("annulo-bench-viewer-" + std::to_string(getpid()))).string();
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--viewer")
      viewer = v;
    else if (a == "--layouts")
      layouts = split(v);
    else if (a == "--first-frame")
      firstFrameRuns = std::stoi(v);
    else if (a == "--work")
      work = v;
    else {
      std::cerr << "annulo-bench-viewer: unknown option " << a << "\n";
      return 2;
    }
  }
  fs::create_directories(work);
  LoadOptions headers;
  headers.readPixels = false;
  auto loaded = loadSeries(path, headers);
  if (!loaded || loaded->series.empty()) {
    std::cerr << "annulo-bench-viewer: " << (loaded ? "no series in " + path : loaded.message()) << "\n";
    return 1;
  }
  const Series& s = loaded->series.front();
  const double pixelMiB = double(s.sliceBytes()) * double(s.sliceCount()) / (1024.0 * 1024.0);
  std::printf("%s: %d x %d x %zu, %zu bytes/sample: %.0f MiB of pixels (first series)\n", path.c_str(), s.columns,
              s.rows, s.sliceCount(), bytesPerSample(s.sampleType), pixelMiB);
  const std::vector<std::string> env = {"XDG_DATA_HOME=" + work + "/xdg", "XDG_CACHE_HOME=" + work + "/cache",
                                        "XDG_CONFIG_HOME=" + work + "/config"};
  const std::vector<std::string> xvfb = {"xvfb-run", "-a", "-s", "-screen 0 1600x1000x24"};
  int failures = 0;
  std::printf("%-6s %10s %10s %8s\n", "layout", "peak MiB", "x pixels", "wall s");
  for (const std::string& layout : layouts) {
    std::vector<std::string> cmd = xvfb;
    for (const std::string& a : {viewer, path, std::string("--layout"), layout, std::string("--size"),
                                 std::string("1400x900"), std::string("--screenshot"), work + "/" + layout + ".png"})
      cmd.push_back(a);
    const bench::ProcessOutput p = bench::runProcess(cmd, env);
    if (p.exitCode != 0) {
      std::printf("%-6s failed (%s): %s\n", layout.c_str(), bench::describeExit(p).c_str(), p.output.c_str());
      ++failures;
      continue;
    }
    const double mib = double(p.maxRssKiB) / 1024.0;
    std::printf("%-6s %10.0f %10.2f %8.1f\n", layout.c_str(), mib, mib / pixelMiB, p.wallMs / 1000.0);
  }
  if (firstFrameRuns > 0) {
    std::vector<double> ms;
    const std::string script = work + "/first-frame.txt";
    std::ofstream(script) << "size 1400x900\nfirst-frame " << work << "/first.png\nopen " << path << "\n";
    for (int r = 0; r < firstFrameRuns; ++r) {
      std::vector<std::string> cmd = xvfb;
      for (const std::string& a : {viewer, std::string("--script"), script}) cmd.push_back(a);
      const bench::ProcessOutput p = bench::runProcess(cmd, env);
      double v = 0;
      const auto at = p.output.find("first frame on screen after ");
      if (p.exitCode != 0 || at == std::string::npos ||
          std::sscanf(p.output.c_str() + at, "first frame on screen after %lf", &v) != 1) {
        std::printf("first frame: run %d failed (%s): %s\n", r + 1, bench::describeExit(p).c_str(), p.output.c_str());
        ++failures;
        continue;
      }
      ms.push_back(v);
    }
    if (!ms.empty()) {
      std::vector<double> sorted = ms;
      std::sort(sorted.begin(), sorted.end());
      std::printf("first frame on screen (ms, file chosen -> drawn):");
      for (double v : ms) std::printf(" %.0f", v);
      std::printf("  median %.0f\n", sorted[sorted.size() / 2]);
    }
  }
  return failures ? 1 : 0;
}
