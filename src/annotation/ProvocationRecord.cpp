#include "annulo/annotation/ProvocationRecord.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "annulo/annotation/Vocabulary.h"

namespace annulo {
namespace {

constexpr std::pair<Concordance, const char*> kConcordance[] = {
    {Concordance::Concordant, "concordant"}, {Concordance::Discordant, "discordant"}, {Concordance::None, "none"}};
constexpr std::pair<InjectionSide, const char*> kSides[] = {{InjectionSide::Left, "left"},
                                                            {InjectionSide::Right, "right"}};
constexpr std::pair<NucleogramPattern, const char*> kNucleograms[] = {{NucleogramPattern::CottonBall, "cotton-ball"},
                                                                      {NucleogramPattern::Lobular, "lobular"},
                                                                      {NucleogramPattern::Irregular, "irregular"},
                                                                      {NucleogramPattern::Fissured, "fissured"},
                                                                      {NucleogramPattern::Ruptured, "ruptured"}};
constexpr std::pair<ProvocationClass, const char*> kClasses[] = {{ProvocationClass::Positive, "positive"},
                                                                 {ProvocationClass::Negative, "negative"},
                                                                 {ProvocationClass::Indeterminate, "indeterminate"},
                                                                 {ProvocationClass::Invalid, "invalid"}};

template <typename E, std::size_t N>
const char* nameOf(const std::pair<E, const char*> (&table)[N], E v) {
  for (const auto& [e, n] : table)
    if (e == v) return n;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parseIn(const std::pair<E, const char*> (&table)[N], const std::string& s) {
  for (const auto& [e, n] : table)
    if (s == n) return e;
  return std::nullopt;
}

template <typename E, std::size_t N>
std::vector<std::string> namesOf(const std::pair<E, const char*> (&table)[N]) {
  std::vector<std::string> out;
  for (const auto& entry : table) out.emplace_back(entry.second);
  return out;
}

bool sameRef(const ImageReference& a, const ImageReference& b) {
  return std::tie(a.sopClassUid, a.sopInstanceUid, a.seriesInstanceUid, a.studyInstanceUid, a.frameNumber) ==
         std::tie(b.sopClassUid, b.sopInstanceUid, b.seriesInstanceUid, b.studyInstanceUid, b.frameNumber);
}

Status checkNonNegative(const ProvocationLevel& p, const char* what, const std::optional<double>& v) {
  if (v && !(std::isfinite(*v) && *v >= 0))
    return makeError("provocation " + p.level + ": " + what + " must be a finite number >= 0, got " +
                     std::to_string(*v));
  return {};
}

Status checkLog(const ProvocationLevel& p) {
  for (std::size_t i = 0; i < p.log.size(); ++i) {
    const ManometryRow& r = p.log[i];
    const std::string where = "provocation " + p.level + ": manometry log row " + std::to_string(i + 1);
    if (!std::isfinite(r.timeS) || !std::isfinite(r.volumeMl) || !std::isfinite(r.pressurePsi))
      return makeError(where + " has a non-finite value");
    if (r.volumeMl < 0) return makeError(where + ": volume cannot be negative");
    if (r.pain && (*r.pain < 0 || *r.pain > 10)) return makeError(where + ": pain must be 0-10");
    if (i > 0 && r.timeS < p.log[i - 1].timeS) return makeError(where + ": time goes backwards");
  }
  return {};
}

}  // namespace

bool operator==(const ManometryRow& a, const ManometryRow& b) {
  return std::tie(a.timeS, a.volumeMl, a.pressurePsi, a.pain) == std::tie(b.timeS, b.volumeMl, b.pressurePsi, b.pain);
}

bool operator==(const ProvocationOverride& a, const ProvocationOverride& b) {
  return std::tie(a.classification, a.reason, a.by, a.at) == std::tie(b.classification, b.reason, b.by, b.at);
}

bool operator==(const ProvocationLevel& a, const ProvocationLevel& b) {
  return std::tie(a.level, a.trackingUid, a.side, a.approach, a.openingPsi, a.painPsi, a.peakPsi, a.volumeAtPainMl,
                  a.totalVolumeMl, a.contrastAgent, a.painScore, a.concordance, a.painLocation, a.nucleogram, a.log,
                  a.override_, a.observer, a.observedAt) ==
             std::tie(b.level, b.trackingUid, b.side, b.approach, b.openingPsi, b.painPsi, b.peakPsi, b.volumeAtPainMl,
                      b.totalVolumeMl, b.contrastAgent, b.painScore, b.concordance, b.painLocation, b.nucleogram, b.log,
                      b.override_, b.observer, b.observedAt) &&
         std::equal(a.images.begin(), a.images.end(), b.images.begin(), b.images.end(), sameRef);
}

std::optional<double> psiAboveOpening(const ProvocationLevel& p) {
  if (!p.openingPsi || !p.painPsi) return std::nullopt;
  return *p.painPsi - *p.openingPsi;
}

Status validateProvocation(const ProvocationLevel& p) {
  if (!parseDiscLevel(p.level)) return makeError("provocation: unknown disc level '" + p.level + "'");
  const std::string who = "provocation " + p.level + ": ";
  for (const auto& [what, v] : {std::pair{"opening pressure", p.openingPsi}, std::pair{"pain pressure", p.painPsi},
                                std::pair{"peak pressure", p.peakPsi}, std::pair{"volume at pain", p.volumeAtPainMl},
                                std::pair{"total volume", p.totalVolumeMl}})
    if (Status s = checkNonNegative(p, what, v); !s) return s;
  if (p.painScore && (*p.painScore < 0 || *p.painScore > 10))
    return makeError(who + "pain must be 0-10, got " + std::to_string(*p.painScore));
  if (p.volumeAtPainMl && p.totalVolumeMl && *p.volumeAtPainMl > *p.totalVolumeMl)
    return makeError(who + "volume at pain provocation exceeds the total volume injected");
  if (p.peakPsi && p.painPsi && *p.painPsi > *p.peakPsi)
    return makeError(who + "pressure at pain provocation exceeds the peak pressure");
  if (p.override_ && p.override_->reason.empty()) return makeError(who + "an override needs a reason");
  for (const auto& image : p.images)
    if (image.sopInstanceUid.empty()) return makeError(who + "an injection image has no SOP Instance UID");
  return checkLog(p);
}

LevelMorphology levelMorphology(const ProvocationLevel& p, const std::vector<TearAnnotation>& tears) {
  LevelMorphology m;
  for (const auto& t : tears) {
    if (t.level != p.level) continue;
    m.tearIds.push_back(t.id);
    m.tearTrackingUids.push_back(t.trackingUid);
    m.dallasGrade = std::max(m.dallasGrade.value_or(t.grade), t.grade);
    const bool leakArea = t.leakFigures && t.leakFigures->areaMm2 && *t.leakFigures->areaMm2 > 0;
    const bool leakSeen = t.leak != LeakPattern::None && t.leak != LeakPattern::NotAssessed;
    if (leakSeen || leakArea) m.leak = true;
    if (t.leak != LeakPattern::NotAssessed || t.leakFigures) m.leakAssessed = true;
    if (t.leakFigures && t.leakFigures->onsetMs)
      m.leakOnsetMs = std::min(m.leakOnsetMs.value_or(*t.leakFigures->onsetMs), *t.leakFigures->onsetMs);
  }
  if (m.leakOnsetMs && p.log.size() >= 2) {
    const double t = *m.leakOnsetMs / 1000.0;
    for (std::size_t i = 1; i < p.log.size(); ++i) {
      const ManometryRow &a = p.log[i - 1], &b = p.log[i];
      if (t < a.timeS || t > b.timeS) continue;
      const double f = b.timeS > a.timeS ? (t - a.timeS) / (b.timeS - a.timeS) : 0.0;
      m.volumeAtLeakOnsetMl = a.volumeMl + f * (b.volumeMl - a.volumeMl);
      break;
    }
  }
  return m;
}

const char* token(Concordance v) { return nameOf(kConcordance, v); }
const char* token(InjectionSide v) { return nameOf(kSides, v); }
const char* token(NucleogramPattern v) { return nameOf(kNucleograms, v); }
const char* token(ProvocationClass v) { return nameOf(kClasses, v); }
std::optional<Concordance> parseConcordance(const std::string& s) { return parseIn(kConcordance, s); }
std::optional<InjectionSide> parseInjectionSide(const std::string& s) { return parseIn(kSides, s); }
std::optional<NucleogramPattern> parseNucleogram(const std::string& s) { return parseIn(kNucleograms, s); }
std::optional<ProvocationClass> parseProvocationClass(const std::string& s) { return parseIn(kClasses, s); }
std::vector<std::string> concordanceTokens() { return namesOf(kConcordance); }
std::vector<std::string> nucleogramTokens() { return namesOf(kNucleograms); }
std::vector<std::string> provocationClassTokens() { return namesOf(kClasses); }

}  // namespace annulo
