// annulo: the viewer. Parses the command line and hands over to Application.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "Application.h"

namespace {

const char* kUsage =
    "usage: annulo [PATH | --from-pacs AET@HOST:PORT --study UID] [--screenshot OUT.png] [--series UID] [--frame N] [--layout 2d|mpr|3d] [--size WxH]\n"
    "       [--labels LABELS.nrrd] [--labels-3d surface|overlay|off]\n"
    "       [--import-reports] [--export REPORT.dcm (SR, and -seg.dcm / -pr.dcm beside it)]\n"
    "       [--send-to AET@HOST:PORT (store what --export wrote)] [--tool point|polyline|polygon --click X,Y ...] [--compare LEVEL]\n"
    "       [--segment X,Y (injection point)] [--hiz] [--filter median|diffusion|clahe|unsharp|subtract|mip]\n"
    "  PATH: a DICOM file, folder or DICOMDIR. --screenshot renders the whole UI once and exits\n"
    "  (and writes OUT.png.json with where the image view was); --tool/--click simulate mouse\n"
    "  input before the screenshot (window coordinates).\n"
    "  --bench cine|wl|volume prints frame rates (cine playback with overlay, window/level, 3D);\n"
    "  --bench soak:MINUTES loops the cine and prints RSS every minute.\n";

bool parse(int argc, char** argv, annulo::app::LaunchOptions& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--screenshot") {
      if (!next(o.screenshot)) return false;
    } else if (a == "--series") {
      if (!next(o.seriesUid)) return false;
    } else if (a == "--frame") {
      if (!next(v)) return false;
      o.frame = std::atoi(v.c_str());
      if (o.frame < 1) return false;
    } else if (a == "--layout") {
      if (!next(v)) return false;
      if (v == "2d") o.layout = annulo::app::Layout::View2D;
      else if (v == "mpr") o.layout = annulo::app::Layout::Mpr;
      else if (v == "3d") o.layout = annulo::app::Layout::View3D;
      else return false;
    } else if (a == "--size") {
      if (!next(v) || std::sscanf(v.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240)
        return false;
    } else if (a == "--segment") {
      double x = 0, y = 0;
      if (!next(v) || std::sscanf(v.c_str(), "%lf,%lf", &x, &y) != 2) return false;
      o.segmentAt = std::array<double, 2>{x, y};
    } else if (a == "--filter") {
      if (!next(o.filter)) return false;
    } else if (a == "--hiz") {
      o.findHiz = true;
    } else if (a == "--compare") {
      if (!next(o.compare)) return false;
    } else if (a == "--bench") {
      if (!next(o.bench)) return false;
    } else if (a == "--labels") {
      if (!next(o.labels)) return false;
    } else if (a == "--import-reports") {
      o.importReports = true;
    } else if (a == "--from-pacs") {
      if (!next(o.fromPacs)) return false;
    } else if (a == "--study") {
      if (!next(o.studyUid)) return false;
    } else if (a == "--send-to") {
      if (!next(o.sendTo)) return false;
    } else if (a == "--export") {
      if (!next(o.exportPath)) return false;
    } else if (a == "--labels-3d") {
      if (!next(v)) return false;
      if (v == "surface") o.labels3d = annulo::app::LabelDisplay::Surface;
      else if (v == "overlay") o.labels3d = annulo::app::LabelDisplay::Overlay;
      else if (v == "off") o.labels3d = annulo::app::LabelDisplay::Off;
      else return false;
    } else if (a == "--tool") {
      if (!next(o.tool) || (o.tool != "point" && o.tool != "polyline" && o.tool != "polygon")) return false;
    } else if (a == "--click") {
      float x = 0, y = 0;
      if (!next(v) || std::sscanf(v.c_str(), "%f,%f", &x, &y) != 2) return false;
      o.clicks.push_back({x, y});
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      return false;
    } else {
      o.path = a;
    }
  }
  if (o.fromPacs.empty() != o.studyUid.empty()) return false;  // --from-pacs needs --study, and back
  return o.sendTo.empty() || !o.exportPath.empty();             // --send-to stores what --export writes
}

}  // namespace

int main(int argc, char** argv) {
  annulo::app::LaunchOptions options;
  options.startedAtMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (!parse(argc, argv, options)) {
    std::cerr << kUsage;
    return 2;
  }
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
    std::cerr << "annulo: no display (DISPLAY is not set). Run it in a desktop session, or headless as\n"
                 "  xvfb-run -a annulo " << (options.path.empty() ? "PATH" : options.path)
              << " --screenshot out.png\n";
    return 1;
  }
  annulo::app::Application app(options);
  return app.run();
}
