// annulo-cli provocation: the provocation (discography) record of a session,
// level by level, and its computed interpretation.

#include <cmath>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "KeyValue.h"
#include "annulo/annotation/ManometryLog.h"
#include "annulo/annotation/ProvocationCriteria.h"
#include "annulo/annotation/ProvocationJson.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/study/ProvocationSpec.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli provocation SESSION [--source PATH] [--observer NAME]\n"
    "         [--add \"level=L4-L5 opening-psi=12 pain-psi=34 peak-psi=60 volume-ml=1.8 total-ml=3.0 pain=8\n"
    "                concordance=concordant side=left\"] (repeatable)\n"
    "         [--log level=L4-L5 FILE.csv] [--row \"level=L4-L5 time=10 volume-ml=0.5 psi=20 pain=2\"] (repeatable)\n"
    "         [--override \"level=L4-L5 classification=negative reason=\\\"...\\\"\"] [--remove LEVEL] [--list "
    "[--json]]\n"
    "  --add keys: level side(left|right) approach opening-psi pain-psi peak-psi (or -kpa) volume-ml total-ml\n"
    "              contrast pain(0-10) concordance(concordant|discordant|none) location nucleogram\n"
    "              (cotton-ball|lobular|irregular|fissured|ruptured) frames=N,N,... series=UID observer\n"
    "  --log       manometry CSV (header: time, volume, pressure or pressure_kpa, pain)\n";

int fail(const std::string& why, int code = kExitFailure) {
  std::cerr << "annulo-cli provocation: " << why << "\n";
  if (code == kExitUsage) std::cerr << kUsage;
  return code;
}

std::string nowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::localtime(&t));
  return buf;
}

// --row and --override change a level that --add (or an earlier run) recorded.
Status applyRow(const std::string& text, AnnotationModel& model) {
  auto spec = parseManometryRowSpec(text);
  if (!spec) return spec.error();
  const ProvocationLevel* existing = model.findProvocation(spec->level);
  if (!existing) return makeError("no provocation record for " + spec->level + " (add it with --add first)");
  ProvocationLevel p = *existing;
  p.log.push_back(spec->row);
  return model.setProvocation(p);
}

Status applyOverride(const std::string& text, AnnotationModel& model, const std::string& observer) {
  auto spec = parseProvocationOverrideSpec(text, observer, nowIso());
  if (!spec) return spec.error();
  const ProvocationLevel* existing = model.findProvocation(spec->level);
  if (!existing) return makeError("no provocation record for " + spec->level);
  ProvocationLevel p = *existing;
  p.override_ = spec->override_;
  return model.setProvocation(p);
}

std::string value(const std::optional<double>& v, const char* unit) { return v ? formatValue(*v) + " " + unit : "-"; }

void printText(const Session& s) {
  const StudyAssessment study = assessProvocation(s.provocation);
  std::cout << "provocation: " << s.provocation.size() << " level(s)"
            << (study.invalid ? " - INVALID STUDY (no valid control)" : "") << "\n";
  for (std::size_t i = 0; i < s.provocation.size(); ++i) {
    const ProvocationLevel& p = s.provocation[i];
    const LevelAssessment& a = study.levels[i];
    std::cout << "  " << p.level << "  opening " << value(p.openingPsi, "psi") << " ("
              << (p.openingPsi ? formatValue(psiToKpa(*p.openingPsi)) : "-") << " kPa), pain at "
              << value(p.painPsi, "psi") << ", peak " << value(p.peakPsi, "psi") << ", volume "
              << value(p.volumeAtPainMl, "mL") << " / " << value(p.totalVolumeMl, "mL") << ", pain "
              << (p.painScore ? std::to_string(*p.painScore) + "/10" : "-") << " "
              << (p.concordance ? token(*p.concordance) : "-") << (p.log.empty() ? "" : ", log ")
              << (p.log.empty() ? "" : std::to_string(p.log.size()) + " rows") << "\n";
    std::cout << "    computed: " << token(a.computed);
    if (a.override_)
      std::cout << "   override: " << token(a.override_->classification) << " (" << a.override_->reason << ")";
    std::cout << "\n";
    for (const auto& r : a.reasons) std::cout << "      - " << r << "\n";
    std::cout << "    " << a.conclusion << "\n";
  }
}

Result<Session> openSession(const std::string& path, const std::optional<std::string>& source) {
  if (std::filesystem::exists(path)) return loadSession(path);
  if (!source) return makeError(path + " does not exist; a new session needs --source PATH");
  return Session{};
}

}  // namespace

int runProvocation(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {"--source", "--add", "--log", "--row", "--override", "--remove", "--observer"},
                        {"--list", "--json"}, {"--add", "--row"});
  if (!args) return fail(args.message(), kExitUsage);
  const bool withLog = args->value("--log").has_value();
  if (args->positional.size() != (withLog ? 2u : 1u))
    return fail(withLog ? "--log takes level=LEVEL FILE.csv" : "expects one SESSION file", kExitUsage);
  const std::string path = args->positional[0];
  auto opened = openSession(path, args->value("--source"));
  if (!opened) return fail(opened.message(), std::filesystem::exists(path) ? kExitFailure : kExitUsage);
  AnnotationModel model(*opened, [&](const Session& s) { return saveSession(s, path); });
  std::optional<LoadResult> source;
  if (auto src = args->value("--source")) {
    const std::string abs = std::filesystem::absolute(*src).lexically_normal().string();
    auto r = loadSeries(abs, LoadOptions{false, 0, {}, nullptr});
    if (!r || r->series.empty()) return fail(r ? abs + " holds no usable image series" : r.message());
    if (Status s = model.setSource(abs, r->series[0].study.instanceUid); !s) return fail(s.message());
    source = std::move(*r);
  }
  const std::string observer = args->value("--observer").value_or(model.session().observer);

  // Every --add is parsed and checked before the first is saved.
  std::vector<ProvocationSpec> requests;
  for (const std::string& add : args->all("--add")) {
    auto req = parseProvocationSpec(add);
    if (!req) return fail(req.message(), kExitUsage);
    req->level.observedAt = nowIso();
    if (req->level.observer.empty()) req->level.observer = observer;
    if (model.findProvocation(req->level.level))
      return fail(req->level.level + " is already recorded (use --remove " + req->level.level + " first)");
    if (!req->frames.empty()) {
      if (!source) {
        auto r = loadSeries(model.session().sourcePath, LoadOptions{false, 0, {}, nullptr});
        if (!r) return fail(r.message());
        source = std::move(*r);
      }
      if (Status s = resolveProvocationSpec(*req, source->series); !s) return fail(s.message());
    }
    requests.push_back(std::move(*req));
  }
  if (auto level = args->value("--remove")) {
    if (Status s = model.removeProvocation(parseDiscLevel(*level).value_or(*level)); !s) return fail(s.message());
    std::cout << "removed " << *level << "\n";
  }
  for (auto& req : requests) {
    if (Status s = model.setProvocation(req.level); !s) return fail(s.message());
    std::cout << "added " << req.level.level << " (saved to " << path << ")\n";
  }
  if (withLog) {
    auto pairs = splitKeyValues(*args->value("--log"));
    if (!pairs) return fail(pairs.message(), kExitUsage);
    auto level = levelOfPairs(*pairs);
    if (!level) return fail(level.message(), kExitUsage);
    auto rows = readManometryCsv(args->positional[1]);
    if (!rows) return fail(rows.message());
    const ProvocationLevel* existing = model.findProvocation(*level);
    if (!existing) return fail("no provocation record for " + *level + " (add it with --add first)");
    ProvocationLevel p = *existing;
    p.log = *rows;
    if (Status s = model.setProvocation(p); !s) return fail(s.message());
    std::cout << "logged " << rows->size() << " row(s) for " << *level << "\n";
  }
  for (const std::string& row : args->all("--row"))
    if (Status s = applyRow(row, model); !s) return fail(s.message());
  if (auto o = args->value("--override"))
    if (Status s = applyOverride(*o, model, observer); !s) return fail(s.message());
  if (!std::filesystem::exists(path))
    if (Status s = saveSession(model.session(), path); !s) return fail(s.message());
  if (args->has("--list")) {
    if (args->has("--json"))
      std::cout << provocationListJson(model.session());
    else
      printText(model.session());
  }
  return kExitOk;
}

}  // namespace annulo::cli
