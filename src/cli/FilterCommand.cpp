// annulo-cli filter: a filtered, subtracted or projected copy of a series, written as a
// derived DICOM series that annulo-cli info (and any viewer) can load.

#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "SeriesJson.h"
#include "annulo/processing/DerivedSeriesWriter.h"
#include "annulo/processing/Filters.h"

namespace annulo::cli {
namespace {

const char* kFilterUsage =
    "usage: annulo-cli filter PATH --op median|diffusion|bilateral|clahe|unsharp|subtract|mip [--series UID]\n"
    "                         [options] -o OUT.dcm\n"
    "  median     [--radius N=1]\n"
    "  diffusion  [--iterations N=5] [--conductance K=3] [--time-step T=0.0625]   (curvature anisotropic)\n"
    "  bilateral  [--sigma MM (default 1.5 px)] [--range-sigma V (stored units; default 3x noise)]\n"
    "  clahe      [--radius N (default width/16)] [--alpha A=0.3] [--beta B=0.3]\n"
    "  unsharp    [--sigma MM=1] [--amount A=0.7] [--threshold T=0]\n"
    "  subtract   [--mask-frame N=1] [--no-motion]   (log space for X-ray; contrast dark, mid-grey = no change)\n"
    "  mip        [--mode auto|min|max] [--frames A-B]   (auto keeps contrast: min where it darkens the values)\n"
    "  A cine gives one multi-frame object (OUT.dcm); a stack of single-frame images (MR) gives\n"
    "  a folder OUT.dcm/ of IM####.dcm. New series and instance UIDs, ImageType DERIVED.\n";

bool number(const Args& a, const std::string& key, double& out, double lo, double hi) {
  auto v = a.value(key);
  if (!v) return true;
  auto n = parseNumbers(*v, ',');
  if (!n || n->size() != 1 || (*n)[0] < lo || (*n)[0] > hi) {
    std::cerr << "annulo-cli filter: " << key << " takes a number in " << lo << ".." << hi << "\n";
    return false;
  }
  out = (*n)[0];
  return true;
}

bool integer(const Args& a, const std::string& key, int& out, int lo, int hi) {
  double v = out;
  if (!number(a, key, v, lo, hi)) return false;
  if (v != double(int(v))) {
    std::cerr << "annulo-cli filter: " << key << " takes an integer\n";
    return false;
  }
  out = int(v);
  return true;
}

}  // namespace

int runFilter(const std::vector<std::string>& argv) {
  auto args = parseArgs(
      argv,
      {"--op", "--series", "--radius", "--iterations", "--conductance", "--time-step", "--sigma", "--range-sigma",
       "--alpha", "--beta", "--amount", "--threshold", "--mask-frame", "--mode", "--frames", "--threads", "-o"},
      {"--no-motion"});
  if (!args || args->positional.size() != 1 || !args->value("-o") || !args->value("--op")) {
    std::cerr << "annulo-cli filter: " << (args ? "expects one PATH, --op OP and -o OUT.dcm" : args.message()) << "\n"
              << kFilterUsage;
    return kExitUsage;
  }
  auto op = parseFilterOp(*args->value("--op"));
  if (!op) {
    std::cerr << "annulo-cli filter: " << op.message() << "\n" << kFilterUsage;
    return kExitUsage;
  }
  FilterOptions o;
  o.op = *op;
  int threads = 0;
  if (o.op == FilterOp::Clahe) o.radius = 0;
  const bool sigmaForBilateral = o.op == FilterOp::Bilateral;
  double sigma = 1.0;
  if (!integer(*args, "--radius", o.radius, 0, 512) || !integer(*args, "--iterations", o.iterations, 1, 100) ||
      !number(*args, "--conductance", o.conductance, 1e-6, 1e6) ||
      !number(*args, "--time-step", o.timeStep, 1e-6, 0.125) || !number(*args, "--sigma", sigma, 1e-3, 100) ||
      !number(*args, "--range-sigma", o.rangeSigma, 0, 1e9) || !number(*args, "--alpha", o.alpha, 0, 1) ||
      !number(*args, "--beta", o.beta, 0, 1) || !number(*args, "--amount", o.amount, 0, 100) ||
      !number(*args, "--threshold", o.threshold, 0, 1e9) || !integer(*args, "--mask-frame", o.maskFrame, 1, 1000000) ||
      !integer(*args, "--threads", threads, 0, 256))
    return kExitUsage;
  o.threads = unsigned(threads);
  if (!sigmaForBilateral)
    o.sigmaMm = sigma;
  else if (args->value("--sigma"))
    o.domainSigmaMm = sigma;
  o.motionCorrection = !args->has("--no-motion");
  if (auto m = args->value("--mode")) {
    if (*m == "auto")
      o.projection = ProjectionMode::Auto;
    else if (*m == "min")
      o.projection = ProjectionMode::Minimum;
    else if (*m == "max")
      o.projection = ProjectionMode::Maximum;
    else {
      std::cerr << "annulo-cli filter: --mode is auto, min or max\n";
      return kExitUsage;
    }
  }
  if (auto f = args->value("--frames")) {
    const auto dash = f->find('-');
    auto a = parseNumbers(f->substr(0, dash), ',');
    auto b = parseNumbers(dash == std::string::npos ? f->substr(0, dash) : f->substr(dash + 1), ',');
    if (!a || !b || a->size() != 1 || b->size() != 1 || (*a)[0] < 1 || (*b)[0] < (*a)[0]) {
      std::cerr << "annulo-cli filter: --frames takes A-B (1-based, A <= B)\n";
      return kExitUsage;
    }
    o.firstFrame = int((*a)[0]);
    o.lastFrame = int((*b)[0]);
  }

  auto loaded = loadSeries(args->positional[0]);
  if (!loaded) {
    std::cerr << "annulo-cli filter: " << loaded.message() << "\n";
    return kExitFailure;
  }
  const Series* s = findSeries(*loaded, args->value("--series").value_or(""));
  if (!s) {
    reportNoSeries(std::cerr, "filter", *loaded);
    return kExitFailure;
  }
  auto image = applyFilter(*s, o);
  if (!image) {
    std::cerr << "annulo-cli filter: " << image.message() << "\n";
    return kExitFailure;
  }
  auto derived = buildDerivedSeries(*s, *image);
  if (!derived) {
    std::cerr << "annulo-cli filter: " << derived.message() << "\n";
    return kExitFailure;
  }
  auto files = saveDerivedSeries(*derived, *args->value("-o"));
  if (!files) {
    std::cerr << "annulo-cli filter: " << files.message() << "\n";
    return kExitFailure;
  }
  std::cout << "wrote "
            << (files->size() == 1 ? files->front()
                                   : *args->value("-o") + " (" + std::to_string(files->size()) + " files)")
            << ": " << filterOpName(o.op) << " of " << s->series.modality << " " << s->columns << "x" << s->rows << ", "
            << image->frames << " frame" << (image->frames == 1 ? "" : "s") << ", series " << derived->seriesInstanceUid
            << "\n"
            << "  " << image->derivationDescription << "\n";
  return kExitOk;
}

}  // namespace annulo::cli
