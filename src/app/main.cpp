// annulo: the viewer. Parses the command line and hands over to Application.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "Application.h"

namespace {

const char* kUsage =
    "usage: annulo [PATH | --from-pacs AET@HOST:PORT|DICOMWEB_URL --study UID] [--screenshot OUT.png] [--series UID] "
    "[--frame N] "
    "[--layout 2d|mpr|3d] [--size WxH]\n"
    "       [--labels LABELS.nrrd] [--labels-3d surface|overlay|off]\n"
    "       [--import-reports] [--export REPORT.dcm (SR, and -seg.dcm / -pr.dcm beside it)]\n"
    "       [--send-to AET@HOST:PORT|DICOMWEB_URL (store what --export wrote; DICOM through the outbox)] [--tool "
    "point|polyline|polygon --click X,Y ...] "
    "[--compare LEVEL]\n"
    "       [--segment X,Y (injection point)] [--hiz] [--filter median|diffusion|clahe|unsharp|subtract|mip]\n"
    "       [--script FILE (one step per line: open, series, frame, segment, tear, export, screenshot, ...)]\n"
    "  PATH: a DICOM file, folder or DICOMDIR. --screenshot renders the whole UI once and exits\n"
    "  (and writes OUT.png.json with where the image view was); --tool/--click simulate mouse\n"
    "  input before the screenshot (window coordinates).\n"
    "  --bench cine|wl|volume|disc|mpr prints frame rates (cine playback with overlay, window/level, 3D,\n"
    "    dragging the disc plane, dragging an MPR reformat's line);\n"
    "  --bench soak:MINUTES loops the cine and prints RSS every minute.\n";

using annulo::ScriptStep;

// The command line as script steps, in the order the options always took effect:
// open, series, labels, reports, compare, processing, frame, bench, clicks,
// screenshot, export, send. --script FILE runs that file's steps after them.
struct Flags {
  std::string path, fromPacs, study, series, frame, layout, size, labels, labels3d, segment, filter, compare, bench,
      tool, screenshot, exportPath, sendTo, scriptFile;
  bool hiz = false, importReports = false;
  std::vector<std::string> clicks;
};

bool parseFlags(int argc, char** argv, Flags& f) {
  const std::map<std::string, std::string*> valued = {{"--screenshot", &f.screenshot},
                                                      {"--series", &f.series},
                                                      {"--frame", &f.frame},
                                                      {"--layout", &f.layout},
                                                      {"--size", &f.size},
                                                      {"--segment", &f.segment},
                                                      {"--filter", &f.filter},
                                                      {"--compare", &f.compare},
                                                      {"--bench", &f.bench},
                                                      {"--labels", &f.labels},
                                                      {"--from-pacs", &f.fromPacs},
                                                      {"--study", &f.study},
                                                      {"--send-to", &f.sendTo},
                                                      {"--export", &f.exportPath},
                                                      {"--labels-3d", &f.labels3d},
                                                      {"--tool", &f.tool},
                                                      {"--script", &f.scriptFile}};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (auto it = valued.find(a); it != valued.end()) {
      if (i + 1 >= argc) return false;
      *it->second = argv[++i];
    } else if (a == "--click") {
      if (i + 1 >= argc) return false;
      f.clicks.push_back(argv[++i]);
    } else if (a == "--hiz") {
      f.hiz = true;
    } else if (a == "--import-reports") {
      f.importReports = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      return false;
    } else {
      f.path = a;
    }
  }
  if (f.fromPacs.empty() != f.study.empty()) return false;  // --from-pacs needs --study, and back
  return f.sendTo.empty() || !f.exportPath.empty();         // --send-to stores what --export writes
}

bool toSteps(const Flags& f, annulo::app::LaunchOptions& o) {
  std::vector<ScriptStep>& s = o.script;
  auto add = [&](const std::string& name, const std::string& value) { s.push_back({name, value, 0}); };
  if (!f.fromPacs.empty())
    add("retrieve", f.fromPacs + " " + f.study);
  else if (!f.path.empty())
    add("open", f.path);
  if (!f.size.empty()) {
    if (std::sscanf(f.size.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240) return false;
  }
  if (!f.layout.empty()) add("layout", f.layout);
  if (!f.labels3d.empty()) add("labels-3d", f.labels3d);
  if (!f.series.empty()) add("series", f.series);
  if (!f.labels.empty()) add("labels", f.labels);
  if (f.importReports) add("import-reports", "");
  if (!f.compare.empty()) add("compare", f.compare);
  if (!f.segment.empty()) add("segment", f.segment);
  if (!f.filter.empty()) add("filter", f.filter);
  if (f.hiz) add("hiz", "");
  if (!f.frame.empty()) {
    if (std::atoi(f.frame.c_str()) < 1) return false;
    add("frame", f.frame);
  }
  if (!f.bench.empty()) add("bench", f.bench);
  if (!f.tool.empty()) add("tool", f.tool);
  for (const auto& c : f.clicks) add("click", c);
  if (!f.screenshot.empty()) add("screenshot", f.screenshot);
  if (!f.exportPath.empty()) add("export", f.exportPath);
  if (!f.sendTo.empty()) add("send-to", f.sendTo);
  if (!f.scriptFile.empty()) {
    std::ifstream in(f.scriptFile);
    std::stringstream text;
    text << in.rdbuf();
    auto steps = annulo::parseScript(text.str());
    if (!in || !steps) {
      std::cerr << "annulo: --script " << f.scriptFile << ": " << (in ? steps.message() : "cannot read") << "\n";
      return false;
    }
    for (const auto& step : *steps) {
      if (step.name == "size" &&
          (std::sscanf(step.value.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240))
        return false;
      s.push_back(step);
    }
  }
  for (const auto& step : s)
    if (step.name == "screenshot" || step.name == "bench" || step.name == "first-frame") o.headless = true;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  annulo::app::LaunchOptions options;
  options.startedAtMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  Flags flags;
  if (!parseFlags(argc, argv, flags) || !toSteps(flags, options)) {
    std::cerr << kUsage;
    return 2;
  }
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
    std::cerr << "annulo: no display (DISPLAY is not set). Run it in a desktop session, or headless as\n"
                 "  xvfb-run -a annulo "
              << (flags.path.empty() ? "PATH" : flags.path) << " --screenshot out.png\n";
    return 1;
  }
  annulo::app::Application app(options);
  return app.run();
}
