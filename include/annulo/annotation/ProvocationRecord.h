#pragma once
// The provocation (pressure-controlled discography) record of one injected
// disc level: what was injected and how, the manometry (opening, provocation
// and peak pressure, volumes), the patient's pain response, the image
// morphology the reader adds, an optional manometry log, and the clinician's
// override of the computed classification. Plain data; the Session owns one
// ProvocationLevel per level; ProvocationCriteria.h interprets them.
//
// Units: pressures are stored in psi (what manometers in discography show and
// what the criteria are written in), volumes in mL, the manometry log time in
// seconds from the start of the injection. kPa is derived (psiToKpa), never stored.

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"

namespace annulo {

enum class Concordance { Concordant, Discordant, None };
enum class InjectionSide { Left, Right };
// Nucleogram patterns of Adams, Dolan & Hutton (J Bone Joint Surg Br 1986;68:36-41):
// cotton ball and lobular are normal, irregular / fissured / ruptured degenerate.
enum class NucleogramPattern { CottonBall, Lobular, Irregular, Fissured, Ruptured };
enum class ProvocationClass { Positive, Negative, Indeterminate, Invalid };

// One row of a manometry log (typed in or imported from a manometer's CSV).
struct ManometryRow {
  double timeS = 0;         // seconds from the start of the injection
  double volumeMl = 0;      // cumulative volume injected
  double pressurePsi = 0;   // intradiscal pressure
  std::optional<int> pain;  // 0-10 when asked at this step
};

// The clinician's classification when it differs from (or confirms against)
// the computed one. The computed result is always kept beside it.
struct ProvocationOverride {
  ProvocationClass classification = ProvocationClass::Negative;
  std::string reason;  // required
  std::string by;      // who overrode
  std::string at;      // ISO 8601 date-time
};

struct ProvocationLevel {
  std::string level;        // "L4-L5" (Vocabulary.h discLevels())
  std::string trackingUid;  // DICOM Tracking Unique Identifier of the SR group, stable across exports
  std::optional<InjectionSide> side;
  std::string approach;                // e.g. "posterolateral", "extrapedicular"
  std::vector<ImageReference> images;  // the XA series/frames of this injection
  std::optional<double> openingPsi;    // pressure at which contrast starts to flow
  std::optional<double> painPsi;       // pressure at pain provocation
  std::optional<double> peakPsi;       // highest pressure reached
  std::optional<double> volumeAtPainMl;
  std::optional<double> totalVolumeMl;
  std::string contrastAgent;     // e.g. "iohexol 300"
  std::optional<int> painScore;  // 0-10 numeric rating at provocation
  std::optional<Concordance> concordance;
  std::string painLocation;  // the patient's words / location
  std::optional<NucleogramPattern> nucleogram;
  std::vector<ManometryRow> log;
  std::optional<ProvocationOverride> override_;
  std::string observer;
  std::string observedAt;  // ISO 8601 date-time
};

bool operator==(const ManometryRow& a, const ManometryRow& b);
bool operator==(const ProvocationOverride& a, const ProvocationOverride& b);
bool operator==(const ProvocationLevel& a, const ProvocationLevel& b);
inline bool operator!=(const ProvocationLevel& a, const ProvocationLevel& b) { return !(a == b); }

// 1 psi = 1 lbf/in^2 = 0.45359237 kg * 9.80665 m/s^2 / (0.0254 m)^2 = 6.894757293168361 kPa
// (both factors exact by definition: international pound 1959, standard gravity 1901, inch 1959).
inline constexpr double kKpaPerPsi = 0.45359237 * 9.80665 / (0.0254 * 0.0254) / 1000.0;
inline double psiToKpa(double psi) { return psi * kKpaPerPsi; }
inline double kpaToPsi(double kpa) { return kpa / kKpaPerPsi; }

// Pressure above opening at provocation; nullopt unless both are recorded.
std::optional<double> psiAboveOpening(const ProvocationLevel& p);

// Checks one record on its own: known level, pain 0-10, non-negative pressures
// and volumes, provocation volume not above the total, an override with a reason,
// log rows in time order with pain 0-10. The error names the level and the field.
Status validateProvocation(const ProvocationLevel& p);

// Morphology of the level from the image findings (the tears of that level):
// never typed twice, always derived from the tear model.
struct LevelMorphology {
  std::vector<std::string> tearIds;  // tears marked at this level
  std::vector<std::string> tearTrackingUids;
  std::optional<int> dallasGrade;  // highest modified Dallas grade of those tears
  bool leak = false;               // any tear with a leak pattern or leak area
  // Any tear with its leak pattern assessed (none included) or with leak figures. Without
  // one, neither "leak" nor "contained" is claimed: a "not assessed" tear says nothing.
  bool leakAssessed = false;
  std::optional<double> leakOnsetMs;  // earliest leak onset of those tears
  // Volume injected at the leak onset, interpolated in the manometry log
  // (log time 0 is taken as the start of the cine: see docs/PROVOCATION.md).
  std::optional<double> volumeAtLeakOnsetMl;
};
LevelMorphology levelMorphology(const ProvocationLevel& p, const std::vector<TearAnnotation>& tears);

// Tokens (lower case with hyphens) for scripts, the session file and the report.
const char* token(Concordance v);
const char* token(InjectionSide v);
const char* token(NucleogramPattern v);
const char* token(ProvocationClass v);
std::optional<Concordance> parseConcordance(const std::string& s);
std::optional<InjectionSide> parseInjectionSide(const std::string& s);
std::optional<NucleogramPattern> parseNucleogram(const std::string& s);
std::optional<ProvocationClass> parseProvocationClass(const std::string& s);
std::vector<std::string> concordanceTokens();
std::vector<std::string> nucleogramTokens();
std::vector<std::string> provocationClassTokens();

}  // namespace annulo
