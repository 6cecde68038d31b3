#include "annulo/study/TearSpec.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "annulo/annotation/Vocabulary.h"

namespace annulo {
namespace {

Result<std::vector<double>> parseNumbers(const std::string& text, char separator) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, separator)) {
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    if (part.empty() || end == part.c_str() || *end != '\0' || !std::isfinite(v))
      return makeError("'" + text + "' is not a list of numbers");
    out.push_back(v);
  }
  if (out.empty()) return makeError("'" + text + "' is not a list of numbers");
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
    return makeError(key + " must be an integer " + std::to_string(lo) + "-" + std::to_string(hi) + ", got '" + v +
                     "'");
  return int((*n)[0]);
}

Result<double> number(const std::string& key, const std::string& v) {
  auto n = parseNumbers(v, ',');
  if (!n || n->size() != 1) return makeError(key + " must be a number, got '" + v + "'");
  return (*n)[0];
}

Status setGeometry(const std::string& key, const std::string& v, TearGeometry& g) {
  static const std::map<std::string, std::pair<GeometryKind, std::size_t>> kinds = {
      {"point", {GeometryKind::Point, 2}},
      {"polyline", {GeometryKind::Polyline, 2}},
      {"polygon", {GeometryKind::Polygon, 2}},
      {"point3d", {GeometryKind::Point3D, 3}},
      {"polyline3d", {GeometryKind::Polyline3D, 3}}};
  const auto& [kind, dims] = kinds.at(key);
  auto pts = parsePoints(v, dims);
  if (!pts) return makeError(key + ": " + pts.message());
  g.kind = kind;
  g.points = *pts;
  return {};
}

Status applyPair(const std::string& k, const std::string& v, TearSpec& r) {
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
    auto n = intIn(k, v, k == "clock" || k == "frame" || k == "onset-frame" ? 1 : 0,
                   k == "grade" ? 5 : (k == "clock" ? 12 : 1000000));
    if (!n) return n.error();
    if (k == "grade") t.grade = *n;
    if (k == "clock") t.clock = *n;
    if (k == "frame") r.frame = *n, r.frameGiven = true;
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
    return makeError(
        "unknown key '" + k +
        "'; accepted: level, type, grade, clock, zone, leak, pain, comment, observer, frame, series, "
        "point, polyline, polygon, point3d, polyline3d, area, onset-ms, onset-frame, exit-deg, target, entry");
  }
  return {};
}

Result<const Series*> pickSeries(const std::vector<Series>& series, const std::string& uid) {
  if (series.empty()) return makeError("the source holds no usable image series");
  if (!uid.empty()) {
    for (const auto& s : series)
      if (s.series.instanceUid == uid) return &s;
    return makeError("no series " + uid + " in the source");
  }
  if (series.size() > 1) {
    std::string list;
    for (const auto& s : series) list += "\n  " + s.series.instanceUid + " (" + s.series.modality + ")";
    return makeError("the source holds several series; choose one with series=UID:" + list);
  }
  return &series[0];
}

}  // namespace

std::string joinTokens(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "k=v k2=\"a b\"" -> ordered pairs; quotes allow spaces in a value.
Result<std::vector<std::pair<std::string, std::string>>> splitKeyValues(const std::string& text) {
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

Result<TearSpec> parseTearSpec(const std::string& text) {
  auto pairs = splitKeyValues(text);
  if (!pairs) return pairs.error();
  TearSpec spec;
  spec.tear.level = "";
  for (const auto& [k, v] : *pairs)
    if (Status s = applyPair(k, v, spec); !s) return s.error();
  if (spec.tear.level.empty()) return makeError("level=... is required; accepted: " + joinTokens(discLevels()));
  if (spec.tear.geometry.points.empty())
    return makeError("a geometry is required (point=, polyline=, polygon=, point3d=, polyline3d=)");
  return spec;
}

Status applyTearEdit(TearAnnotation& tear, const std::string& text) {
  static const std::set<std::string> findings = {"level", "type", "grade",   "clock",   "zone",
                                                 "leak",  "pain", "comment", "observer"};
  auto pairs = splitKeyValues(text);
  if (!pairs) return pairs.error();
  if (pairs->empty()) return makeError("nothing to change; keys: " + joinTokens({findings.begin(), findings.end()}));
  TearSpec edited;
  edited.tear = tear;
  for (const auto& [k, v] : *pairs) {
    if (!findings.count(k))
      return makeError("'" + k + "' cannot be edited (the geometry stays with its image); keys: " +
                       joinTokens({findings.begin(), findings.end()}));
    if (Status s = applyPair(k, v, edited); !s) return s;
  }
  tear = edited.tear;
  return {};
}

// Ties the geometry to the image it was drawn on, and checks it lies on it.
Status resolveTearSpec(TearSpec& r, const std::vector<Series>& series) {
  auto picked = pickSeries(series, r.seriesUid);
  if (!picked) return picked.error();
  const Series& s = **picked;
  TearGeometry& g = r.tear.geometry;
  if (g.is3D()) {
    if (s.series.frameOfReferenceUid.empty()) return makeError("3D geometry needs a series with a frame of reference");
    g.frameOfReferenceUid = s.series.frameOfReferenceUid;
    if (!r.frameGiven) return {};
  }
  if (std::size_t(r.frame) > s.sliceCount())
    return makeError("frame " + std::to_string(r.frame) + " out of range 1.." + std::to_string(s.sliceCount()));
  const SliceInfo& slice = s.slices[std::size_t(r.frame - 1)];
  g.image = {slice.sopClassUid, slice.sopInstanceUid, s.series.instanceUid, s.study.instanceUid,
             s.multiFrame ? slice.frameNumber : 0};
  // 3D points are in patient mm: the slice is their source image (TID 1501 'Source'), no pixel check.
  if (g.is3D()) return {};
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

}  // namespace annulo
