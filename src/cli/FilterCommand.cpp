// annulo-cli filter: a filtered, subtracted or projected copy of a series, written as a
// derived DICOM series that annulo-cli info (and any viewer) can load.

#include <iostream>
#include <set>
#include <sstream>

#include "CliArgs.h"
#include "Commands.h"
#include "SeriesJson.h"
#include "annulo/processing/DerivedSeriesWriter.h"
#include "annulo/processing/FilterParameters.h"
#include "annulo/processing/Filters.h"

namespace annulo::cli {
namespace {

// What the parameter table (FilterParameters.h) does not hold, and why each filter is
// what it is; the ranges and defaults come from the table, so they match the viewer's.
const char* filterNote(FilterOp op) {
  switch (op) {
    case FilterOp::Diffusion:
      return "(curvature anisotropic)";
    case FilterOp::Subtract:
      return "[--no-motion]   (log space for X-ray; contrast dark, mid-grey = no change)";
    case FilterOp::Projection:
      return "[--mode auto|min|max] [--frames A-B]   (auto keeps contrast: min where it darkens the values)";
    default:
      return "";
  }
}

// Whether some filter has a parameter of that name (else the flag is not a table one).
bool findParameterAnywhere(const std::string& name) {
  for (FilterOp op : allFilterOps())
    if (findFilterParameter(op, name)) return true;
  return false;
}

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string parameterUsage(const FilterParameter& p) {
  std::string text = "[--" + p.name + (p.integer ? " N" : " X") + " " + number(p.min) + ".." + number(p.max) +
                     (p.unit.empty() ? "" : " " + p.unit) + ", default " + number(p.defaultValue);
  return text + (p.zeroIsAutomatic ? " = auto]" : "]");
}

std::string filterUsage() {
  std::string text =
      "usage: annulo-cli filter PATH --op median|diffusion|bilateral|clahe|unsharp|subtract|mip [--series UID]\n"
      "                         [options] [--threads N] -o OUT.dcm\n";
  for (FilterOp op : allFilterOps()) {
    std::string line = "  " + std::string(filterOpName(op));
    line.resize(13, ' ');
    for (const FilterParameter& p : filterParameters(op)) line += parameterUsage(p) + " ";
    line += filterNote(op);
    while (line.back() == ' ') line.pop_back();
    text += line + "\n";
  }
  return text +
         "  bilateral --sigma is the domain (spatial) sigma; auto = 1.5 px, range sigma auto = 3x the noise;\n"
         "  clahe --radius 0 = width/16 (at least 8).\n"
         "  A cine gives one multi-frame object (OUT.dcm); a stack of single-frame images (MR) gives\n"
         "  a folder OUT.dcm/ of IM####.dcm. New series and instance UIDs, ImageType DERIVED.\n";
}

// Every flag of the table, whichever filter it belongs to: a flag of another filter
// is accepted (and ignored with a note), as it always was.
std::set<std::string> valuedFlags() {
  std::set<std::string> flags{"--op", "--series", "--mode", "--frames", "--threads", "-o"};
  for (FilterOp op : allFilterOps())
    for (const FilterParameter& p : filterParameters(op)) flags.insert("--" + p.name);
  return flags;
}

// A flag's text as one number; false (with the message printed) when it is not one.
bool parseNumber(const std::string& key, const std::string& text, double& out) {
  auto n = parseNumbers(text, ',');
  if (!n || n->size() != 1) {
    std::cerr << "annulo-cli filter: " << key << " takes a number, not '" << text << "'\n";
    return false;
  }
  out = (*n)[0];
  return true;
}

// The op's table parameters from their flags. Not a number: usage error; out of
// range: the table's message (a failure, as applyFilter reports it).
int setParameters(const Args& a, FilterOptions& o) {
  for (const std::string& flag : valuedFlags()) {
    const std::string name = flag.substr(2);
    if (a.value(flag) && findParameterAnywhere(name) && !findFilterParameter(o.op, name))
      std::cerr << "annulo-cli filter: " << flag << " does not apply to " << filterOpName(o.op) << "; ignored\n";
  }
  for (const FilterParameter& p : filterParameters(o.op)) {
    const auto value = a.value("--" + p.name);
    double v = 0;
    if (!value) continue;
    if (!parseNumber("--" + p.name, *value, v)) return kExitUsage;
    if (Status st = setFilterParameter(o, p, v); !st) {
      std::cerr << "annulo-cli filter: --" << p.name << ": " << st.message() << "\n";
      return kExitFailure;
    }
  }
  return kExitOk;
}

int setProjection(const Args& a, FilterOptions& o) {
  if (auto m = a.value("--mode")) {
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
  if (auto f = a.value("--frames")) {
    const auto dash = f->find('-');
    auto first = parseNumbers(f->substr(0, dash), ',');
    auto last = parseNumbers(dash == std::string::npos ? f->substr(0, dash) : f->substr(dash + 1), ',');
    if (!first || !last || first->size() != 1 || last->size() != 1 || (*first)[0] < 1 || (*last)[0] < (*first)[0]) {
      std::cerr << "annulo-cli filter: --frames takes A-B (1-based, A <= B)\n";
      return kExitUsage;
    }
    o.firstFrame = int((*first)[0]);
    o.lastFrame = int((*last)[0]);
  }
  return kExitOk;
}

// --threads N: 0..256 (0 = one per core).
int setThreads(const Args& a, FilterOptions& o) {
  const auto value = a.value("--threads");
  double v = 0;
  if (!value) return kExitOk;
  if (!parseNumber("--threads", *value, v) || v < 0 || v > 256 || v != double(int(v))) {
    std::cerr << "annulo-cli filter: --threads takes an integer in 0..256\n";
    return kExitUsage;
  }
  o.threads = unsigned(v);
  return kExitOk;
}

}  // namespace

int runFilter(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, valuedFlags(), {"--no-motion"});
  if (!args || args->positional.size() != 1 || !args->value("-o") || !args->value("--op")) {
    std::cerr << "annulo-cli filter: " << (args ? "expects one PATH, --op OP and -o OUT.dcm" : args.message()) << "\n"
              << filterUsage();
    return kExitUsage;
  }
  auto op = parseFilterOp(*args->value("--op"));
  if (!op) {
    std::cerr << "annulo-cli filter: " << op.message() << "\n" << filterUsage();
    return kExitUsage;
  }
  FilterOptions o = defaultFilterOptions(*op);
  o.motionCorrection = !args->has("--no-motion");
  for (auto set : {setParameters, setProjection, setThreads})
    if (int code = set(*args, o); code != kExitOk) return code;

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
