#include "annulo/processing/FilterParameters.h"

#include <cmath>
#include <sstream>

namespace annulo {
namespace {

// Shortest faithful text of a number ("0.0625", "3", "1e+06") for messages and help.
std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string withUnit(double v, const std::string& unit) { return unit.empty() ? number(v) : number(v) + " " + unit; }

FilterParameter integer(FilterOp op, const char* name, const char* label, const char* unit, const char* help,
                        double min, double max, double def, double (*get)(const FilterOptions&),
                        void (*set)(FilterOptions&, double)) {
  FilterParameter p;
  p.op = op;
  p.name = name;
  p.label = label;
  p.unit = unit;
  p.help = help;
  p.min = min;
  p.max = max;
  p.defaultValue = def;
  p.integer = true;
  p.get = get;
  p.set = set;
  return p;
}

FilterParameter real(FilterOp op, const char* name, const char* label, const char* unit, const char* help, double min,
                     double max, double def, double (*get)(const FilterOptions&), void (*set)(FilterOptions&, double)) {
  FilterParameter p = integer(op, name, label, unit, help, min, max, def, get, set);
  p.integer = false;
  return p;
}

// Ranges over several decades are explored by orders of magnitude on a slider.
FilterParameter decades(FilterParameter p) {
  p.logarithmic = true;
  return p;
}

FilterParameter automatic(FilterParameter p) {
  p.zeroIsAutomatic = true;
  return p;
}

int toInt(double v) { return int(std::lround(v)); }

// Ranges: what the filter accepts (ITK limits, stability) and what is still useful on a
// 1024^2 frame; the CLI and the viewer both take them from here.
std::vector<FilterParameter> medianParameters() {
  return {integer(
      FilterOp::Median, "radius", "radius", "px",
      "Neighbourhood radius: each pixel becomes the median of a (2r+1) x (2r+1) window. Larger removes bigger specks "
      "of noise and rounds corners more.",
      1, 15, 1, [](const FilterOptions& o) { return double(o.radius); },
      [](FilterOptions& o, double v) { o.radius = toInt(v); })};
}

std::vector<FilterParameter> diffusionParameters() {
  return {
      integer(
          FilterOp::Diffusion, "iterations", "iterations", "",
          "Smoothing steps; each costs about the same time. More smooths further within regions.", 1, 100, 5,
          [](const FilterOptions& o) { return double(o.iterations); },
          [](FilterOptions& o, double v) { o.iterations = toInt(v); }),
      decades(real(
          FilterOp::Diffusion, "conductance", "conductance", "",
          "How strong an edge must be to stop the smoothing: lower keeps more edges (and more noise).", 0.01, 100, 3,
          [](const FilterOptions& o) { return o.conductance; }, [](FilterOptions& o, double v) { o.conductance = v; })),
      real(
          FilterOp::Diffusion, "time-step", "time step", "",
          "Smoothing per iteration; stable up to 0.125 in 2D (pixel units).", 0.001, 0.125, 0.0625,
          [](const FilterOptions& o) { return o.timeStep; }, [](FilterOptions& o, double v) { o.timeStep = v; }),
  };
}

std::vector<FilterParameter> bilateralParameters() {
  return {
      automatic(decades(real(
          FilterOp::Bilateral, "sigma", "domain sigma", "mm",
          "Spatial reach of the smoothing (Gaussian sigma); 0 = 1.5 pixels. The kernel spans 2.5 sigma, "
          "so the cost grows with its square.",
          0, 20, 0, [](const FilterOptions& o) { return o.domainSigmaMm; },
          [](FilterOptions& o, double v) { o.domainSigmaMm = v; }))),
      automatic(decades(real(
          FilterOp::Bilateral, "range-sigma", "range sigma", "stored units",
          "Intensity difference that still counts as the same tissue; 0 = 3x the noise estimated on each "
          "frame. Larger blurs across weaker edges.",
          0, 1e6, 0, [](const FilterOptions& o) { return o.rangeSigma; },
          [](FilterOptions& o, double v) { o.rangeSigma = v; }))),
  };
}

std::vector<FilterParameter> claheParameters() {
  return {
      automatic(integer(
          FilterOp::Clahe, "radius", "window radius", "px",
          "Radius of the window the histogram is equalised over; 0 (or 1) = 1/16 of the width, at "
          "least 8. Smaller brings out finer local contrast, and noise.",
          0, 512, 0, [](const FilterOptions& o) { return double(o.radius); },
          [](FilterOptions& o, double v) { o.radius = toInt(v); })),
      real(
          FilterOp::Clahe, "alpha", "alpha", "",
          "0 = classic histogram equalisation, 1 = unsharp-mask-like (local mean kept).", 0, 1, 0.3,
          [](const FilterOptions& o) { return o.alpha; }, [](FilterOptions& o, double v) { o.alpha = v; }),
      real(
          FilterOp::Clahe, "beta", "beta", "",
          "0 = full equalisation, 1 = the image unchanged: how much of the original is kept.", 0, 1, 0.3,
          [](const FilterOptions& o) { return o.beta; }, [](FilterOptions& o, double v) { o.beta = v; }),
  };
}

std::vector<FilterParameter> unsharpParameters() {
  return {
      decades(real(
          FilterOp::Unsharp, "sigma", "sigma", "mm",
          "Blur that defines 'detail' (Gaussian sigma): details finer than about this are enhanced.", 0.05, 50, 1,
          [](const FilterOptions& o) { return o.sigmaMm; }, [](FilterOptions& o, double v) { o.sigmaMm = v; })),
      real(
          FilterOp::Unsharp, "amount", "amount", "",
          "How much of the detail is added back: 0 leaves the image unchanged, 1 doubles the detail.", 0, 10, 0.7,
          [](const FilterOptions& o) { return o.amount; }, [](FilterOptions& o, double v) { o.amount = v; }),
      decades(real(
          FilterOp::Unsharp, "threshold", "threshold", "stored units",
          "Details smaller than this are left alone, so flat noisy areas are not sharpened.", 0, 1e6, 0,
          [](const FilterOptions& o) { return o.threshold; }, [](FilterOptions& o, double v) { o.threshold = v; })),
  };
}

std::vector<FilterParameter> subtractParameters() {
  return {integer(
      FilterOp::Subtract, "mask-frame", "mask frame", "",
      "1-based pre-contrast frame subtracted from every frame (must lie within the cine).", 1, 100000, 1,
      [](const FilterOptions& o) { return double(o.maskFrame); },
      [](FilterOptions& o, double v) { o.maskFrame = toInt(v); })};
}

}  // namespace

const std::vector<FilterParameter>& filterParameters(FilterOp op) {
  static const std::vector<FilterParameter> kMedian = medianParameters(), kDiffusion = diffusionParameters(),
                                            kBilateral = bilateralParameters(), kClahe = claheParameters(),
                                            kUnsharp = unsharpParameters(), kSubtract = subtractParameters(), kNone;
  switch (op) {
    case FilterOp::Median:
      return kMedian;
    case FilterOp::Diffusion:
      return kDiffusion;
    case FilterOp::Bilateral:
      return kBilateral;
    case FilterOp::Clahe:
      return kClahe;
    case FilterOp::Unsharp:
      return kUnsharp;
    case FilterOp::Subtract:
      return kSubtract;
    case FilterOp::Projection:
      break;
  }
  return kNone;
}

const FilterParameter* findFilterParameter(FilterOp op, const std::string& name) {
  for (const FilterParameter& p : filterParameters(op))
    if (p.name == name) return &p;
  return nullptr;
}

FilterOptions defaultFilterOptions(FilterOp op) {
  FilterOptions o;
  o.op = op;
  for (const FilterParameter& p : filterParameters(op)) p.set(o, p.defaultValue);
  return o;
}

namespace {

Status checkValue(const FilterParameter& p, double v) {
  const bool whole = !p.integer || v == std::floor(v);
  if (std::isfinite(v) && v >= p.min && v <= p.max && whole) return {};
  return makeError(std::string(filterOpName(p.op)) + " " + p.label + " must be " + (p.integer ? "an integer " : "") +
                   number(p.min) + ".." + withUnit(p.max, p.unit) + ", is " + number(v));
}

}  // namespace

Status setFilterParameter(FilterOptions& o, const FilterParameter& p, double v) {
  if (Status st = checkValue(p, v); !st) return st;
  p.set(o, v);
  return {};
}

Status checkFilterParameters(const FilterOptions& o) {
  for (const FilterParameter& p : filterParameters(o.op))
    if (Status st = checkValue(p, p.get(o)); !st) return st;
  return {};
}

std::string describeFilterParameters(const FilterOptions& o) {
  std::string out = filterOpName(o.op);
  for (const FilterParameter& p : filterParameters(o.op)) {
    const double v = p.get(o);
    out += ", " + p.label + " " + (p.zeroIsAutomatic && v == 0 ? std::string("auto") : withUnit(v, p.unit));
  }
  if (o.op == FilterOp::Subtract) out += o.motionCorrection ? ", motion correction" : ", no motion correction";
  if (o.op == FilterOp::Projection) {
    out += o.projection == ProjectionMode::Auto      ? ", auto"
           : o.projection == ProjectionMode::Minimum ? ", min"
                                                     : ", max";
    out += o.firstFrame == 0 && o.lastFrame == 0
               ? std::string(", all frames")
               : ", frames " + std::to_string(o.firstFrame) + "-" + std::to_string(o.lastFrame);
  }
  return out;
}

}  // namespace annulo
