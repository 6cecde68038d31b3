// annulo-cli annotate: create or extend a reading session from scripts.

#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/annotation/SessionFolder.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/SessionSync.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/SeriesLoader.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli annotate SESSION|--study UID [--source PATH] [--observer NAME]\n"
    "         [--add \"level=L4-L5 type=radial grade=3 clock=6 zone=central frame=30 point=256,300\"] (repeatable)\n"
    "         [--list [--json]] [--remove ID]\n"
    "  keys: level type grade clock zone leak pain comment observer frame series\n"
    "        point=x,y polyline=x1,y1;x2,y2;... polygon=... point3d=x,y,z polyline3d=...\n"
    "        area=MM2 onset-ms=MS onset-frame=N exit-deg=DEG target=x,y entry=x,y\n"
    "  without SESSION the study's file in the session folder is used ($ANNULO_SESSION_DIR, else\n"
    "  $XDG_DATA_HOME/annulo/sessions); edits are saved under a lock and merged with other writers'\n"
    "  (wait: $ANNULO_SESSION_LOCK_TIMEOUT seconds, default 5); --observer names the reader\n"
    "  (default $ANNULO_READER, else the login name)\n";

std::string joinTokens(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "k=v k2=\"a b\"" -> ordered pairs; quotes allow spaces in a value.
Result<std::vector<std::pair<std::string, std::string>>> splitPairs(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    const std::size_t eq = text.find('=', i);
    if (eq == std::string::npos) return makeError("'" + text.substr(i) + "' is not key=value");
    const std::string key = text.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < text.size() && text[i] == '"') {
      const std::size_t close = text.find('"', i + 1);
      if (close == std::string::npos) return makeError("unclosed quote after " + key + "=");
      value = text.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      const std::size_t sp = text.find(' ', i);
      value = text.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
      i = sp == std::string::npos ? text.size() : sp;
    }
    out.emplace_back(key, value);
  }
  return out;
}

Result<std::vector<std::array<double, 3>>> parsePoints(const std::string& v, std::size_t dims) {
  std::vector<std::array<double, 3>> pts;
  std::stringstream ss(v);
  std::string part;
  while (std::getline(ss, part, ';')) {
    auto n = parseNumbers(part, ',');
    if (!n) return n.error();
    if (n->size() != dims) return makeError("'" + part + "' needs " + std::to_string(dims) + " numbers");
    pts.push_back({(*n)[0], (*n)[1], dims == 3 ? (*n)[2] : 0.0});
  }
  return pts;
}

std::string nowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::localtime(&t));
  return buf;
}

struct AddRequest {
  TearAnnotation tear;
  int frame = 1;
  std::string seriesUid;
  std::optional<std::array<double, 2>> target, entry;
};

template <typename E>
Status setCoded(const std::string& key, const std::string& v, std::optional<E> (*parse)(const std::string&),
                const std::vector<std::string>& accepted, E& out) {
  auto e = parse(v);
  if (!e) return makeError("unknown " + key + " '" + v + "'; accepted: " + joinTokens(accepted));
  out = *e;
  return {};
}

Result<int> intIn(const std::string& key, const std::string& v, int lo, int hi) {
  auto n = parseNumbers(v, ',');
  if (!n || n->size() != 1 || (*n)[0] != std::floor((*n)[0]) || (*n)[0] < lo || (*n)[0] > hi)
    return makeError(key + " must be an integer " + std::to_string(lo) + "-" + std::to_string(hi) + ", got '" + v + "'");
  return int((*n)[0]);
}

Result<double> number(const std::string& key, const std::string& v) {
  auto n = parseNumbers(v, ',');
  if (!n || n->size() != 1) return makeError(key + " must be a number, got '" + v + "'");
  return (*n)[0];
}

Status setGeometry(const std::string& key, const std::string& v, TearGeometry& g) {
  static const std::map<std::string, std::pair<GeometryKind, std::size_t>> kinds = {
      {"point", {GeometryKind::Point, 2}},     {"polyline", {GeometryKind::Polyline, 2}},
      {"polygon", {GeometryKind::Polygon, 2}}, {"point3d", {GeometryKind::Point3D, 3}},
      {"polyline3d", {GeometryKind::Polyline3D, 3}}};
  const auto& [kind, dims] = kinds.at(key);
  auto pts = parsePoints(v, dims);
  if (!pts) return makeError(key + ": " + pts.message());
  g.kind = kind;
  g.points = *pts;
  return {};
}

Status applyPair(const std::string& k, const std::string& v, AddRequest& r) {
  TearAnnotation& t = r.tear;
  auto leak = [&]() -> LeakFigures& {
    if (!t.leakFigures) t.leakFigures = LeakFigures{};
    return *t.leakFigures;
  };
  if (k == "level") {
    auto l = parseDiscLevel(v);
    if (!l) return makeError("unknown level '" + v + "'; accepted: " + joinTokens(discLevels()));
    t.level = *l;
  } else if (k == "type") {
    return setCoded(k, v, parseTearType, tearTypeTokens(), t.type);
  } else if (k == "zone") {
    SpinalZone z{};
    if (Status s = setCoded(k, v, parseZone, zoneTokens(), z); !s) return s;
    t.zone = z;
  } else if (k == "leak") {
    return setCoded(k, v, parseLeak, leakTokens(), t.leak);
  } else if (k == "pain") {
    return setCoded(k, v, parsePain, painTokens(), t.pain);
  } else if (k == "grade" || k == "clock" || k == "frame" || k == "onset-frame") {
    auto n = intIn(k, v, k == "clock" || k == "frame" || k == "onset-frame" ? 1 : 0, k == "grade" ? 5 : (k == "clock" ? 12 : 1000000));
    if (!n) return n.error();
    if (k == "grade") t.grade = *n;
    if (k == "clock") t.clock = *n;
    if (k == "frame") r.frame = *n;
    if (k == "onset-frame") leak().onsetFrame = *n;
  } else if (k == "comment") {
    t.comment = v;
  } else if (k == "observer") {
    t.observer = v;
  } else if (k == "series") {
    r.seriesUid = v;
  } else if (k == "point" || k == "polyline" || k == "polygon" || k == "point3d" || k == "polyline3d") {
    return setGeometry(k, v, t.geometry);
  } else if (k == "area" || k == "onset-ms" || k == "exit-deg") {
    auto n = number(k, v);
    if (!n) return n.error();
    if (k == "area") leak().areaMm2 = *n;
    if (k == "onset-ms") leak().onsetMs = *n;
    if (k == "exit-deg") leak().exitDirectionDeg = *n;
  } else if (k == "target" || k == "entry") {
    auto p = parsePoints(v, 2);
    if (!p || p->size() != 1) return makeError(k + " takes x,y");
    (k == "target" ? r.target : r.entry) = std::array<double, 2>{(*p)[0][0], (*p)[0][1]};
  } else {
    return makeError("unknown key '" + k +
                     "'; accepted: level, type, grade, clock, zone, leak, pain, comment, observer, frame, series, "
                     "point, polyline, polygon, point3d, polyline3d, area, onset-ms, onset-frame, exit-deg, target, entry");
  }
  return {};
}

Result<const Series*> pickSeries(const LoadResult& loaded, const std::string& uid) {
  if (loaded.series.empty()) return makeError("the source holds no usable image series");
  if (!uid.empty()) {
    for (const auto& s : loaded.series)
      if (s.series.instanceUid == uid) return &s;
    return makeError("no series " + uid + " in the source");
  }
  if (loaded.series.size() > 1) {
    std::string list;
    for (const auto& s : loaded.series) list += "\n  " + s.series.instanceUid + " (" + s.series.modality + ")";
    return makeError("the source holds several series; choose one with series=UID:" + list);
  }
  return &loaded.series[0];
}

// Ties the geometry to the image it was drawn on, and checks it lies on it.
Status resolveImage(AddRequest& r, const LoadResult& loaded) {
  auto picked = pickSeries(loaded, r.seriesUid);
  if (!picked) return picked.error();
  const Series& s = **picked;
  TearGeometry& g = r.tear.geometry;
  if (g.is3D()) {
    if (s.series.frameOfReferenceUid.empty()) return makeError("3D geometry needs a series with a frame of reference");
    g.frameOfReferenceUid = s.series.frameOfReferenceUid;
    return {};
  }
  if (std::size_t(r.frame) > s.sliceCount())
    return makeError("frame " + std::to_string(r.frame) + " out of range 1.." + std::to_string(s.sliceCount()));
  const SliceInfo& slice = s.slices[std::size_t(r.frame - 1)];
  g.image = {slice.sopClassUid, slice.sopInstanceUid, s.series.instanceUid, s.study.instanceUid,
             s.multiFrame ? slice.frameNumber : 0};
  for (const auto& p : g.points)
    if (p[0] < -0.5 || p[1] < -0.5 || p[0] > s.columns - 0.5 || p[1] > s.rows - 0.5)
      return makeError("point " + std::to_string(p[0]) + "," + std::to_string(p[1]) + " lies outside the " +
                       std::to_string(s.columns) + "x" + std::to_string(s.rows) + " image");
  if (r.target || r.entry) {
    if (!(r.target && r.entry)) return makeError("a catheter plan needs both target=x,y and entry=x,y");
    const double dx = ((*r.target)[0] - (*r.entry)[0]) * s.spacing[0];
    const double dy = ((*r.target)[1] - (*r.entry)[1]) * s.spacing[1];
    r.tear.catheter = CatheterPlan{*r.target, *r.entry, std::hypot(dx, dy), calibrationName(s.calibration.kind)};
  }
  if (r.tear.leakFigures) r.tear.leakFigures->calibration = calibrationName(s.calibration.kind);
  return {};
}

void printTears(const Session& s, bool json) {
  if (json) {
    std::cout << nlohmann::json::parse(sessionToJson(s)).dump(2) << "\n";
    return;
  }
  std::cout << "session " << s.sessionUid << " (" << s.tears.size() << " tear(s)), source " << s.sourcePath << "\n";
  for (const auto& t : s.tears) {
    std::cout << "  " << t.id << "  " << t.level << " " << token(t.type) << " grade " << t.grade;
    if (t.clock) std::cout << " clock " << *t.clock;
    if (t.zone) std::cout << " " << token(*t.zone);
    std::cout << " leak " << token(t.leak) << " pain " << token(t.pain) << "  " << token(t.geometry.kind);
    if (!t.geometry.is3D()) std::cout << " on frame " << t.geometry.image.frameNumber;
    std::cout << (t.comment.empty() ? "" : "  \"" + t.comment + "\"") << "\n";
  }
}

}  // namespace

namespace {

int fail(const std::string& message, int code = kExitFailure) {
  std::cerr << "annulo-cli annotate: " << message << "\n";
  return code;
}

// SESSION as given, or the study's file in the session folder (ANNULO_SESSION_DIR,
// see SessionFolder.h) from --study UID or the study of --source.
Result<std::string> sessionPath(const Args& args, std::optional<LoadResult>& source) {
  if (!args.positional.empty()) return args.positional[0];
  std::string study = args.value("--study").value_or("");
  std::string abs;
  if (study.empty()) {
    if (!args.value("--source")) return makeError("expects a SESSION file, --study UID or --source PATH");
    abs = std::filesystem::absolute(*args.value("--source")).lexically_normal().string();
    auto r = loadSeries(abs, LoadOptions{false, 0, {}, nullptr});
    if (!r) return r.error();
    if (r->series.empty()) return makeError(abs + " holds no usable image series");
    study = r->series[0].study.instanceUid;
    source = std::move(*r);
  }
  const std::string folder = defaultSessionFolder();
  if (Status s = createPrivateFolder(folder); !s) return s.error();
  return sessionFileFor(folder, study, abs);
}

}  // namespace

int runAnnotate(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {"--source", "--add", "--remove", "--observer", "--study"}, {"--list", "--json"}, {"--add"});
  if (!args || args->positional.size() > 1) {
    std::cerr << "annulo-cli annotate: " << (args ? "expects one SESSION file" : args.message()) << "\n" << kUsage;
    return kExitUsage;
  }
  std::optional<LoadResult> source;
  auto resolved = sessionPath(*args, source);
  if (!resolved) {
    std::cerr << "annulo-cli annotate: " << resolved.message() << "\n" << kUsage;
    return args->positional.empty() && !args->value("--source") && !args->value("--study") ? kExitUsage : kExitFailure;
  }
  const std::string path = *resolved;
  if (!std::filesystem::exists(path) && !args->value("--source"))
    return fail(path + " does not exist; a new session needs --source PATH", kExitUsage);
  // Every save is a merge with what other writers saved, under the session lock;
  // the edits carry this reader's name.
  const std::string writer = args->value("--observer").value_or(defaultReaderName());
  LockOptions lock = defaultLockOptions();
  lock.holder = writer;
  auto sync = std::make_shared<SessionSync>(path, lock);
  auto opened = sync->open();
  if (!opened) return fail(opened.message());
  AnnotationModel model(*opened, sync->hook(), writer);
  auto loadSource = [&]() -> Status {
    if (source && !source->series.empty() && source->series[0].study.instanceUid == model.session().studyInstanceUid)
      return {};
    LoadOptions o;
    o.readPixels = false;
    auto r = loadSeries(model.session().sourcePath, o);
    if (!r) return r.error();
    source = std::move(*r);
    return {};
  };
  if (auto src = args->value("--source")) {
    const std::string abs = std::filesystem::absolute(*src).lexically_normal().string();
    if (abs != model.session().sourcePath) {
      if (!source) {
        auto r = loadSeries(abs, LoadOptions{false, 0, {}, nullptr});
        if (!r || r->series.empty()) return fail(r ? abs + " holds no usable image series" : r.message());
        source = std::move(*r);
      }
      if (Status s = model.setSource(abs, source->series[0].study.instanceUid); !s) return fail(s.message());
    }
  }
  if (auto obs = args->value("--observer"); obs && *obs != model.session().observer)
    if (Status s = model.setObserver(*obs); !s) return fail(s.message());
  // Every --add is checked before the first is saved: a typo in the third does not
  // leave the first two in the session and the user unsure which went in.
  std::vector<AddRequest> requests;
  for (const std::string& add : args->all("--add")) {
    auto pairs = splitPairs(add);
    if (!pairs) return fail(pairs.message(), kExitUsage);
    AddRequest req;
    req.tear.level = "";
    req.tear.observedAt = nowIso();
    for (const auto& [k, v] : *pairs)
      if (Status s = applyPair(k, v, req); !s) return fail(s.message(), kExitUsage);
    if (req.tear.level.empty()) return fail("level=... is required; accepted: " + joinTokens(discLevels()), kExitUsage);
    if (req.tear.geometry.points.empty())
      return fail("a geometry is required (point=, polyline=, polygon=, point3d=, polyline3d=)", kExitUsage);
    requests.push_back(std::move(req));
  }
  if (!requests.empty()) {
    if (Status s = loadSource(); !s) return fail(s.message());
    for (auto& req : requests)
      if (Status s = resolveImage(req, *source); !s) return fail(s.message());
  }
  for (auto& req : requests) {
    auto id = model.add(req.tear);
    if (!id) return fail(id.message());
    std::cout << "added " << *id << " (saved to " << path << ")" << std::endl;
  }
  if (auto id = args->value("--remove")) {
    // Another writer may have added it since this session was opened.
    if (!model.find(*id))
      if (Status s = model.refresh(); !s) return fail(s.message());
    if (Status s = model.remove(*id); !s) return fail(s.message());
    std::cout << "removed " << *id << std::endl;
  }
  if (!std::filesystem::exists(path))
    if (Status s = model.refresh(); !s) return fail(s.message());
  if (args->has("--list")) printTears(model.session(), args->has("--json"));
  return kExitOk;
}

}  // namespace annulo::cli
