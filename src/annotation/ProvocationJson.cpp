// The provocation record as JSON: in the session file (exact, every field) and
// as the scripts' listing with the computed interpretation.

#include "annulo/annotation/ProvocationJson.h"

#include <stdexcept>

#include "annotation/ProvocationSessionJson.h"

namespace annulo {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

template <typename T, typename J>
J opt(const std::optional<T>& v) {
  return v ? J(*v) : J(nullptr);
}

template <typename E, typename J>
J optToken(const std::optional<E>& v) {
  return v ? J(token(*v)) : J(nullptr);
}

template <typename T>
std::optional<T> optFrom(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<T>();
}

template <typename E>
std::optional<E> codedFrom(const json& j, const char* key, std::optional<E> (*parse)(const std::string&)) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  const std::string v = j.at(key).get<std::string>();
  auto e = parse(v);
  if (!e) throw std::runtime_error(std::string("provocation: unknown ") + key + " '" + v + "'");
  return e;
}

json imageJson(const ImageReference& r) {
  return {{"sop_class_uid", r.sopClassUid},
          {"sop_instance_uid", r.sopInstanceUid},
          {"series_instance_uid", r.seriesInstanceUid},
          {"study_instance_uid", r.studyInstanceUid},
          {"frame", r.frameNumber}};
}

ImageReference imageFrom(const json& j) {
  return {j.at("sop_class_uid").get<std::string>(), j.at("sop_instance_uid").get<std::string>(),
          j.at("series_instance_uid").get<std::string>(), j.at("study_instance_uid").get<std::string>(),
          j.at("frame").get<int>()};
}

template <typename J>
J logJson(const std::vector<ManometryRow>& log) {
  J rows = J::array();
  for (const auto& r : log)
    rows.push_back({{"time_s", r.timeS},
                    {"volume_ml", r.volumeMl},
                    {"pressure_psi", r.pressurePsi},
                    {"pain", opt<int, J>(r.pain)}});
  return rows;
}

template <typename J>
J overrideJson(const std::optional<ProvocationOverride>& o) {
  if (!o) return J(nullptr);
  return {{"classification", token(o->classification)}, {"reason", o->reason}, {"by", o->by}, {"at", o->at}};
}

json levelJson(const ProvocationLevel& p) {
  json images = json::array();
  for (const auto& r : p.images) images.push_back(imageJson(r));
  return {{"level", p.level},
          {"tracking_uid", p.trackingUid},
          {"side", optToken<InjectionSide, json>(p.side)},
          {"approach", p.approach},
          {"images", images},
          {"opening_psi", opt<double, json>(p.openingPsi)},
          {"pain_psi", opt<double, json>(p.painPsi)},
          {"peak_psi", opt<double, json>(p.peakPsi)},
          {"volume_ml", opt<double, json>(p.volumeAtPainMl)},
          {"total_ml", opt<double, json>(p.totalVolumeMl)},
          {"contrast", p.contrastAgent},
          {"pain", opt<int, json>(p.painScore)},
          {"concordance", optToken<Concordance, json>(p.concordance)},
          {"pain_location", p.painLocation},
          {"nucleogram", optToken<NucleogramPattern, json>(p.nucleogram)},
          {"log", logJson<json>(p.log)},
          {"override", overrideJson<json>(p.override_)},
          {"observer", p.observer},
          {"observed_at", p.observedAt}};
}

ProvocationLevel levelFrom(const json& j) {
  ProvocationLevel p;
  p.level = j.at("level").get<std::string>();
  p.trackingUid = j.at("tracking_uid").get<std::string>();
  p.side = codedFrom<InjectionSide>(j, "side", parseInjectionSide);
  p.approach = j.at("approach").get<std::string>();
  for (const auto& r : j.at("images")) p.images.push_back(imageFrom(r));
  p.openingPsi = optFrom<double>(j, "opening_psi");
  p.painPsi = optFrom<double>(j, "pain_psi");
  p.peakPsi = optFrom<double>(j, "peak_psi");
  p.volumeAtPainMl = optFrom<double>(j, "volume_ml");
  p.totalVolumeMl = optFrom<double>(j, "total_ml");
  p.contrastAgent = j.at("contrast").get<std::string>();
  p.painScore = optFrom<int>(j, "pain");
  p.concordance = codedFrom<Concordance>(j, "concordance", parseConcordance);
  p.painLocation = j.at("pain_location").get<std::string>();
  p.nucleogram = codedFrom<NucleogramPattern>(j, "nucleogram", parseNucleogram);
  for (const auto& r : j.at("log"))
    p.log.push_back({r.at("time_s").get<double>(), r.at("volume_ml").get<double>(), r.at("pressure_psi").get<double>(),
                     optFrom<int>(r, "pain")});
  if (const json& o = j.at("override"); !o.is_null()) {
    ProvocationOverride ov;
    ov.classification = *codedFrom<ProvocationClass>(o, "classification", parseProvocationClass);
    ov.reason = o.at("reason").get<std::string>();
    ov.by = o.at("by").get<std::string>();
    ov.at = o.at("at").get<std::string>();
    p.override_ = ov;
  }
  p.observer = j.at("observer").get<std::string>();
  p.observedAt = j.at("observed_at").get<std::string>();
  return p;
}

ordered pressure(const std::optional<double>& psi) { return psi ? ordered(*psi) : ordered(nullptr); }
ordered kpa(const std::optional<double>& psi) { return psi ? ordered(psiToKpa(*psi)) : ordered(nullptr); }

ordered listEntry(const ProvocationLevel& p, const LevelAssessment& a, const LevelMorphology& m) {
  ordered e;
  e["level"] = p.level;
  e["side"] = optToken<InjectionSide, ordered>(p.side);
  e["approach"] = p.approach;
  e["opening_psi"] = pressure(p.openingPsi);
  e["opening_kpa"] = kpa(p.openingPsi);
  e["pain_psi"] = pressure(p.painPsi);
  e["pain_kpa"] = kpa(p.painPsi);
  e["peak_psi"] = pressure(p.peakPsi);
  e["peak_kpa"] = kpa(p.peakPsi);
  e["psi_above_opening"] = opt<double, ordered>(a.psiAboveOpening);
  e["volume_ml"] = opt<double, ordered>(p.volumeAtPainMl);
  e["total_ml"] = opt<double, ordered>(p.totalVolumeMl);
  e["contrast"] = p.contrastAgent;
  e["pain"] = opt<int, ordered>(p.painScore);
  e["concordance"] = optToken<Concordance, ordered>(p.concordance);
  e["pain_location"] = p.painLocation;
  e["nucleogram"] = optToken<NucleogramPattern, ordered>(p.nucleogram);
  e["dallas_grade"] = opt<int, ordered>(m.dallasGrade);
  e["leak"] = m.tearIds.empty() ? ordered(nullptr)
              : !m.leakAssessed ? ordered("not-assessed")
                                : ordered(m.leak ? "leak" : "contained");
  e["leak_onset_ms"] = opt<double, ordered>(m.leakOnsetMs);
  e["volume_at_leak_onset_ml"] = opt<double, ordered>(m.volumeAtLeakOnsetMl);
  e["tears"] = m.tearIds;
  e["images"] = p.images.size();
  e["log"] = logJson<ordered>(p.log);
  e["derby"] = a.derby ? ordered(token(*a.derby)) : ordered(nullptr);
  e["classification"] = token(a.computed);
  e["reasons"] = a.reasons;
  e["override"] = overrideJson<ordered>(p.override_);
  e["final"] = token(a.final());
  e["conclusion"] = a.conclusion;
  return e;
}

}  // namespace

namespace detail {

json provocationToJson(const std::vector<ProvocationLevel>& levels) {
  json out = json::array();
  for (const auto& p : levels) out.push_back(levelJson(p));
  return out;
}

std::vector<ProvocationLevel> provocationFromJson(const json& session) {
  std::vector<ProvocationLevel> out;
  if (!session.contains("provocation")) return out;  // written before the record existed
  for (const auto& j : session.at("provocation")) out.push_back(levelFrom(j));
  return out;
}

}  // namespace detail

std::string provocationListJson(const Session& session, const ProvocationCriteria& criteria) {
  const StudyAssessment study = assessProvocation(session.provocation, criteria);
  ordered levels = ordered::array();
  for (std::size_t i = 0; i < session.provocation.size(); ++i) {
    const ProvocationLevel& p = session.provocation[i];
    levels.push_back(listEntry(p, study.levels[i], levelMorphology(p, session.tears)));
  }
  ordered out;
  out["levels"] = levels;
  return out.dump(2) + "\n";
}

}  // namespace annulo
