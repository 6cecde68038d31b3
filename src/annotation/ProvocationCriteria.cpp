// The SIS/IASP classification of provocation discography, level by level.
// Strategy: first each level's own response (painless? meets the stimulation
// criteria? usable as a control? Derby category), then each level that meets
// the criteria is checked against its injected neighbours as controls.

#include "annulo/annotation/ProvocationCriteria.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "annulo/annotation/Vocabulary.h"

namespace annulo {
namespace {

constexpr std::pair<DerbyCategory, const char*> kDerby[] = {
    {DerbyCategory::ChemicallySensitive, "chemically-sensitive"},
    {DerbyCategory::MechanicallySensitive, "mechanically-sensitive"},
    {DerbyCategory::Indeterminate, "indeterminate"},
    {DerbyCategory::Normal, "normal"}};

std::string holds(bool ok) { return ok ? ": holds" : ": fails"; }

// A level's own response, before controls are looked at.
struct Response {
  bool painless = false;
  std::vector<std::string> missing;  // facts needed and not recorded
  bool concordant = false, painHigh = false, pressureLow = false, volumeLow = false, volumeKnown = false;
  bool meets = false;
  bool negativeControl = false;
  std::optional<double> dp;
  std::optional<DerbyCategory> derby;
  std::vector<std::string> reasons;
};

std::string derbyText(DerbyCategory d, const ProvocationCriteria& c) {
  switch (d) {
    case DerbyCategory::ChemicallySensitive:
      return "chemically sensitive (< " + formatValue(c.chemicalBelowPsi) + " psi above opening)";
    case DerbyCategory::MechanicallySensitive:
      return "mechanically sensitive (" + formatValue(c.chemicalBelowPsi) + "-" + formatValue(c.mechanicalBelowPsi) +
             " psi above opening)";
    case DerbyCategory::Indeterminate:
      return "indeterminate (" + formatValue(c.mechanicalBelowPsi) + "-" + formatValue(c.indeterminateUpToPsi) +
             " psi above opening)";
    case DerbyCategory::Normal:
      return "normal (> " + formatValue(c.indeterminateUpToPsi) + " psi above opening)";
  }
  return "?";
}

void painlessResponse(const ProvocationLevel& p, const ProvocationCriteria& c, Response& r) {
  r.painless = true;
  r.negativeControl = true;
  std::string text = "no pain provoked";
  if (p.peakPsi && p.openingPsi) {
    const double above = *p.peakPsi - *p.openingPsi;
    text += " up to " + formatValue(above) + " psi above opening";
    if (above > c.indeterminateUpToPsi) r.derby = DerbyCategory::Normal;
  }
  r.reasons.push_back(text + ": painless, usable as a control");
  if (r.derby) r.reasons.push_back("Derby: " + derbyText(*r.derby, c));
}

Response evaluate(const ProvocationLevel& p, const ProvocationCriteria& c) {
  Response r;
  r.dp = psiAboveOpening(p);
  if ((p.painScore && *p.painScore == 0) || (p.concordance && *p.concordance == Concordance::None)) {
    painlessResponse(p, c, r);
    return r;
  }
  if (!p.painScore) r.missing.push_back("pain score not recorded");
  if (!p.concordance) r.missing.push_back("concordance not recorded");
  if (!r.dp) r.missing.push_back("opening pressure or pressure at pain provocation not recorded");
  if (!r.missing.empty()) {
    for (const auto& m : r.missing) r.reasons.push_back(m + ": cannot be classified");
    return r;
  }
  const int pain = *p.painScore;
  r.concordant = *p.concordance == Concordance::Concordant;
  r.painHigh = pain >= c.minPainScore;
  r.pressureLow = *r.dp < c.maxPsiAboveOpening;
  r.volumeKnown = p.volumeAtPainMl.has_value();
  r.volumeLow = r.volumeKnown && *p.volumeAtPainMl <= c.maxVolumeMl;
  r.reasons.push_back(std::string("pain ") + token(*p.concordance) + " (concordant required)" + holds(r.concordant));
  r.reasons.push_back("pain " + std::to_string(pain) + "/10 (>= " + std::to_string(c.minPainScore) + "/10)" +
                      holds(r.painHigh));
  r.reasons.push_back("provoked at " + formatValue(*r.dp) + " psi above opening (< " +
                      formatValue(c.maxPsiAboveOpening) + " psi)" + holds(r.pressureLow));
  if (r.volumeKnown)
    r.reasons.push_back("volume at provocation " + formatValue(*p.volumeAtPainMl) +
                        " mL (<= " + formatValue(c.maxVolumeMl) + " mL)" + holds(r.volumeLow));
  else
    r.reasons.push_back("volume at provocation not recorded (<= " + formatValue(c.maxVolumeMl) +
                        " mL cannot be checked)");
  r.meets = r.concordant && r.painHigh && r.pressureLow && r.volumeLow;
  r.derby = derbyCategory(*r.dp, c);
  r.reasons.push_back("Derby: " + derbyText(*r.derby, c));
  if (!r.meets && (!r.concordant || !r.painHigh) && *r.dp > c.controlMinPsiAboveOpening) {
    r.negativeControl = true;
    r.reasons.push_back("discordant or low pain at > " + formatValue(c.controlMinPsiAboveOpening) +
                        " psi above opening: usable as a control");
  }
  return r;
}

std::vector<std::string> adjacentInjected(const std::string& level, const std::vector<ProvocationLevel>& levels) {
  const auto& all = discLevels();
  const auto at = std::find(all.begin(), all.end(), level);
  std::vector<std::string> out;
  if (at == all.end()) return out;
  const std::size_t i = std::size_t(at - all.begin());
  for (const std::size_t j : {i - 1, i + 1}) {
    if (j >= all.size()) continue;  // i - 1 wraps for the first level
    for (const auto& p : levels)
      if (p.level == all[j]) out.push_back(all[j]);
  }
  return out;
}

void classifyWithControls(LevelAssessment& a, const std::vector<ProvocationLevel>& levels,
                          const std::map<std::string, Response>& responses) {
  a.controls = adjacentInjected(a.level, levels);
  if (a.controls.empty()) {
    a.computed = ProvocationClass::Invalid;
    a.reasons.push_back("no adjacent disc injected as a control: invalid");
    return;
  }
  bool valid = false;
  for (const auto& control : a.controls) {
    const Response& r = responses.at(control);
    const char* why = r.negativeControl ? "negative, a valid control"
                      : r.meets         ? "positive response, not a valid control"
                                        : "not painless (or painful at low pressure), not a valid control";
    a.reasons.push_back("control " + control + ": " + why);
    if (r.negativeControl) a.validControls.push_back(control);
    valid = valid || r.negativeControl;
  }
  a.computed = valid ? ProvocationClass::Positive : ProvocationClass::Invalid;
  if (!valid) a.reasons.push_back("no valid control: invalid");
}

std::string conclusionOf(const LevelAssessment& a, const ProvocationLevel& p, const Response& r) {
  std::string text = a.level + ": " + token(a.final());
  if (a.override_) text += std::string(" (clinician override; computed ") + token(a.computed) + ")";
  if (r.painless) {
    text += ", no pain provoked";
  } else if (p.painScore && p.concordance && r.dp) {
    text += std::string(", ") + token(*p.concordance) + " " + std::to_string(*p.painScore) + "/10 at " +
            formatValue(*r.dp) + " psi above opening";
  }
  if (!a.validControls.empty()) {
    std::string controls;
    for (const auto& c : a.validControls) controls += (controls.empty() ? "" : ", ") + c;
    text += (a.validControls.size() > 1 ? "; controls " : "; control ") + controls + " negative";
  } else if (a.computed == ProvocationClass::Invalid) {
    text += "; no valid control";
  } else if (r.negativeControl) {
    text += "; valid control";
  }
  return text;
}

}  // namespace

const ProvocationCriteria& defaultProvocationCriteria() {
  static const ProvocationCriteria criteria;
  return criteria;
}

const char* token(DerbyCategory v) {
  for (const auto& [e, n] : kDerby)
    if (e == v) return n;
  return "?";
}

std::optional<DerbyCategory> parseDerbyCategory(const std::string& s) {
  for (const auto& [e, n] : kDerby)
    if (s == n) return e;
  return std::nullopt;
}

DerbyCategory derbyCategory(double dp, const ProvocationCriteria& c) {
  if (dp < c.chemicalBelowPsi) return DerbyCategory::ChemicallySensitive;
  if (dp < c.mechanicalBelowPsi) return DerbyCategory::MechanicallySensitive;
  if (dp <= c.indeterminateUpToPsi) return DerbyCategory::Indeterminate;
  return DerbyCategory::Normal;
}

std::string formatValue(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

StudyAssessment assessProvocation(const std::vector<ProvocationLevel>& levels, const ProvocationCriteria& c) {
  std::map<std::string, Response> responses;
  for (const auto& p : levels) responses[p.level] = evaluate(p, c);
  StudyAssessment study;
  for (const auto& p : levels) {
    const Response& r = responses.at(p.level);
    LevelAssessment a;
    a.level = p.level;
    a.reasons = r.reasons;
    a.derby = r.derby;
    a.psiAboveOpening = r.dp;
    a.meetsStimulationCriteria = r.meets;
    a.negativeControl = r.negativeControl;
    a.override_ = p.override_;
    if (!r.missing.empty()) {
      a.computed = ProvocationClass::Indeterminate;
    } else if (r.meets) {
      classifyWithControls(a, levels, responses);
    } else if (r.concordant && r.painHigh && !r.pressureLow && r.dp && *r.dp <= c.indeterminateUpToPsi &&
               (r.volumeLow || !r.volumeKnown)) {
      a.computed = ProvocationClass::Indeterminate;
      a.reasons.push_back("concordant pain >= " + std::to_string(c.minPainScore) + "/10 only at " +
                          formatValue(c.maxPsiAboveOpening) + "-" + formatValue(c.indeterminateUpToPsi) +
                          " psi above opening: indeterminate");
    } else if (r.concordant && r.painHigh && r.pressureLow && !r.volumeKnown) {
      a.computed = ProvocationClass::Indeterminate;
      a.reasons.push_back("all other criteria hold but the volume is not recorded: indeterminate");
    } else {
      a.computed = ProvocationClass::Negative;
    }
    if (a.override_) a.reasons.push_back("clinician override: " + a.override_->reason);
    a.conclusion = conclusionOf(a, p, r);
    if (a.computed == ProvocationClass::Invalid) {
      study.invalid = true;
      study.reasons.push_back(a.level + ": concordant pain without a valid adjacent control");
    }
    study.levels.push_back(std::move(a));
  }
  return study;
}

}  // namespace annulo
