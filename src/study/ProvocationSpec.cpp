#include "annulo/study/ProvocationSpec.h"

#include <cmath>
#include <cstdlib>

#include "annulo/annotation/Vocabulary.h"
#include "annulo/study/TearSpec.h"

namespace annulo {
namespace {

Result<double> number(const std::string& key, const std::string& v) {
  char* end = nullptr;
  const double n = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(n))
    return makeError(key + " must be a number, got '" + v + "'");
  return n;
}

Result<int> integer(const std::string& key, const std::string& v, int lo, int hi) {
  auto n = number(key, v);
  if (!n || *n != std::floor(*n) || *n < lo || *n > hi)
    return makeError(key + " must be an integer " + std::to_string(lo) + "-" + std::to_string(hi) + ", got '" + v +
                     "'");
  return int(*n);
}

template <typename E>
Status coded(const std::string& key, const std::string& v, std::optional<E> (*parse)(const std::string&),
             const std::vector<std::string>& accepted, std::optional<E>& out) {
  out = parse(v);
  if (!out) return makeError("unknown " + key + " '" + v + "'; accepted: " + joinTokens(accepted));
  return {};
}

// Pressure keys: name-psi or name-kpa (stored in psi).
Status pressure(const std::string& k, const std::string& v, ProvocationLevel& p, bool& handled) {
  static const std::pair<const char*, std::optional<double> ProvocationLevel::*> kKeys[] = {
      {"opening", &ProvocationLevel::openingPsi},
      {"pain", &ProvocationLevel::painPsi},
      {"peak", &ProvocationLevel::peakPsi}};
  for (const auto& [name, field] : kKeys) {
    const std::string base = name;
    if (k != base + "-psi" && k != base + "-kpa") continue;
    handled = true;
    auto n = number(k, v);
    if (!n) return n.error();
    p.*field = k == base + "-psi" ? *n : kpaToPsi(*n);
  }
  return {};
}

Status apply(const std::string& k, const std::string& v, ProvocationSpec& r) {
  ProvocationLevel& p = r.level;
  bool handled = false;
  if (Status s = pressure(k, v, p, handled); !s || handled) return s;
  if (k == "level") {
    auto l = parseDiscLevel(v);
    if (!l) return makeError("unknown level '" + v + "'; accepted: " + joinTokens(discLevels()));
    p.level = *l;
  } else if (k == "side") {
    return coded(k, v, parseInjectionSide, {"left", "right"}, p.side);
  } else if (k == "approach") {
    p.approach = v;
  } else if (k == "volume-ml" || k == "total-ml") {
    auto n = number(k, v);
    if (!n) return n.error();
    (k == "volume-ml" ? p.volumeAtPainMl : p.totalVolumeMl) = *n;
  } else if (k == "contrast") {
    p.contrastAgent = v;
  } else if (k == "pain") {
    auto n = integer(k, v, 0, 10);
    if (!n) return n.error();
    p.painScore = *n;
  } else if (k == "concordance") {
    return coded(k, v, parseConcordance, concordanceTokens(), p.concordance);
  } else if (k == "location") {
    p.painLocation = v;
  } else if (k == "nucleogram") {
    return coded(k, v, parseNucleogram, nucleogramTokens(), p.nucleogram);
  } else if (k == "frames") {
    std::size_t at = 0;
    while (at <= v.size()) {
      const std::size_t comma = std::min(v.find(',', at), v.size());
      auto f = integer("frames", v.substr(at, comma - at), 1, 1 << 30);
      if (!f) return makeError("frames are 1-based integers, got '" + v + "'");
      r.frames.push_back(*f);
      at = comma + 1;
    }
  } else if (k == "series") {
    r.seriesUid = v;
  } else if (k == "observer") {
    p.observer = v;
  } else {
    return makeError("unknown key '" + k +
                     "'; accepted: level, side, approach, opening-psi, pain-psi, peak-psi, opening-kpa, pain-kpa, "
                     "peak-kpa, volume-ml, total-ml, contrast, pain, concordance, location, nucleogram, frames, "
                     "series, observer");
  }
  return {};
}

Status applyRowKey(const std::string& k, const std::string& v, ManometryRow& row) {
  if (k == "pain") {
    auto n = integer(k, v, 0, 10);
    if (!n) return n.error();
    row.pain = *n;
    return {};
  }
  auto n = number(k, v);
  if (!n) return n.error();
  if (k == "time")
    row.timeS = *n;
  else if (k == "volume-ml")
    row.volumeMl = *n;
  else if (k == "psi")
    row.pressurePsi = *n;
  else if (k == "kpa")
    row.pressurePsi = kpaToPsi(*n);
  else
    return makeError("unknown key '" + k + "' in --row; accepted: level, time, volume-ml, psi, kpa, pain");
  return {};
}

}  // namespace

Result<std::string> levelOfPairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  for (const auto& [k, v] : pairs)
    if (k == "level") {
      if (auto l = parseDiscLevel(v)) return *l;
      return makeError("unknown level '" + v + "'; accepted: " + joinTokens(discLevels()));
    }
  return makeError("level=... is required");
}

Result<ManometryRowSpec> parseManometryRowSpec(const std::string& text) {
  auto pairs = splitKeyValues(text);
  if (!pairs) return pairs.error();
  auto level = levelOfPairs(*pairs);
  if (!level) return level.error();
  ManometryRowSpec spec{*level, {}};
  for (const auto& [k, v] : *pairs)
    if (k != "level")
      if (Status s = applyRowKey(k, v, spec.row); !s) return s.error();
  return spec;
}

Result<ProvocationOverrideSpec> parseProvocationOverrideSpec(const std::string& text, const std::string& by,
                                                             const std::string& at) {
  auto pairs = splitKeyValues(text);
  if (!pairs) return pairs.error();
  auto level = levelOfPairs(*pairs);
  if (!level) return level.error();
  ProvocationOverride o{ProvocationClass::Negative, "", by, at};
  std::optional<ProvocationClass> cls;
  for (const auto& [k, v] : *pairs) {
    if (k == "level") continue;
    if (k == "classification") {
      if (Status s = coded(k, v, parseProvocationClass, provocationClassTokens(), cls); !s) return s.error();
    } else if (k == "reason") {
      o.reason = v;
    } else if (k == "by") {
      o.by = v;
    } else if (k == "clear") {
      return ProvocationOverrideSpec{*level, std::nullopt};
    } else {
      return makeError("unknown key '" + k + "' in --override; accepted: level, classification, reason, by, clear");
    }
  }
  if (!cls) return makeError("--override needs classification=" + joinTokens(provocationClassTokens()));
  if (o.reason.empty()) return makeError("--override needs reason=\"...\" (both results are kept)");
  o.classification = *cls;
  return ProvocationOverrideSpec{*level, o};
}

Result<ProvocationSpec> parseProvocationSpec(const std::string& text) {
  auto pairs = splitKeyValues(text);
  if (!pairs) return pairs.error();
  ProvocationSpec spec;
  for (const auto& [k, v] : *pairs)
    if (Status s = apply(k, v, spec); !s) return s.error();
  if (spec.level.level.empty()) return makeError("level=... is required");
  if (Status s = validateProvocation(spec.level); !s) return s.error();
  return spec;
}

Status resolveProvocationSpec(ProvocationSpec& spec, const std::vector<Series>& series) {
  if (spec.frames.empty()) return {};
  const Series* picked = nullptr;
  for (const auto& s : series)
    if (spec.seriesUid.empty() ? s.series.modality == "XA" : s.series.instanceUid == spec.seriesUid) {
      picked = &s;
      break;
    }
  if (!picked && !spec.seriesUid.empty()) return makeError("no series " + spec.seriesUid + " in the source");
  if (!picked && series.size() == 1) picked = &series[0];
  if (!picked) return makeError("the source holds several series and none is XA; choose one with series=UID");
  for (int f : spec.frames) {
    if (std::size_t(f) > picked->sliceCount())
      return makeError("frame " + std::to_string(f) + " out of range 1.." + std::to_string(picked->sliceCount()));
    const SliceInfo& slice = picked->slices[std::size_t(f - 1)];
    spec.level.images.push_back({slice.sopClassUid, slice.sopInstanceUid, picked->series.instanceUid,
                                 picked->study.instanceUid, picked->multiFrame ? slice.frameNumber : 0});
  }
  return {};
}

}  // namespace annulo
