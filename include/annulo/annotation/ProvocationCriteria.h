#pragma once
// The interpretation of a provocation study: each injected level classified
// positive / negative / indeterminate / invalid by a named table of thresholds
// (the Spine Intervention Society / IASP lumbar provocation discography
// criteria with Derby's pressure categories; docs/PROVOCATION.md gives the
// source and what could not be verified), with the reason for every criterion
// that holds or fails. Computed, never silently: the clinician's override is
// reported beside the computed result, both are kept.

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/ProvocationRecord.h"

namespace annulo {

// Every threshold the classification uses. Boundaries are written out in the
// field comments; docs/PROVOCATION.md has the same table.
struct ProvocationCriteria {
  std::string name = "SIS/IASP lumbar provocation discography with Derby pressure categories";
  std::string version = "annulo-provocation-1 (SIS 2013 guidelines; Derby 1999)";
  // A level's response meets the stimulation criteria when all hold:
  int minPainScore = 7;            // concordant pain >= 7/10 (exactly 7 holds)
  double maxPsiAboveOpening = 50;  // provoked at < 50 psi above opening (exactly 50 fails)
  double maxVolumeMl = 3.5;        // with <= 3.5 mL injected at provocation (exactly 3.5 holds)
  // An adjacent disc is a valid (negative) control when it is painless (pain 0
  // or no pain response), or its pain is discordant or below minPainScore and
  // provoked only at > controlMinPsiAboveOpening (exactly 15 does not count).
  double controlMinPsiAboveOpening = 15;
  // Derby's categories by the pressure above opening at which pain was provoked:
  double chemicalBelowPsi = 15;      // [0, 15) chemically sensitive
  double mechanicalBelowPsi = 50;    // [15, 50) mechanically sensitive
  double indeterminateUpToPsi = 90;  // [50, 90] indeterminate; > 90 normal
};
const ProvocationCriteria& defaultProvocationCriteria();

enum class DerbyCategory { ChemicallySensitive, MechanicallySensitive, Indeterminate, Normal };
const char* token(DerbyCategory v);
std::optional<DerbyCategory> parseDerbyCategory(const std::string& s);

// Derby category for a pressure above opening at which pain was provoked.
DerbyCategory derbyCategory(double psiAboveOpening, const ProvocationCriteria& c);

struct LevelAssessment {
  std::string level;
  ProvocationClass computed = ProvocationClass::Indeterminate;
  std::vector<std::string> reasons;  // one line per criterion, "holds" / "fails"
  std::optional<DerbyCategory> derby;
  std::optional<double> psiAboveOpening;
  bool meetsStimulationCriteria = false;
  bool negativeControl = false;            // usable as a control for an adjacent level
  std::vector<std::string> controls;       // adjacent injected levels considered as controls
  std::vector<std::string> validControls;  // those that are negative controls
  std::optional<ProvocationOverride> override_;
  ProvocationClass final() const { return override_ ? override_->classification : computed; }
  // "L4-L5: positive, concordant 8/10 at 22 psi above opening (control L3-L4 negative)"
  std::string conclusion;
};

struct StudyAssessment {
  std::vector<LevelAssessment> levels;  // in the order of the record
  bool invalid = false;                 // some level's positive response has no valid control
  std::vector<std::string> reasons;
};

// Classifies every level of the study; controls are the injected levels
// directly above and below (Vocabulary.h discLevels() order).
StudyAssessment assessProvocation(const std::vector<ProvocationLevel>& levels,
                                  const ProvocationCriteria& criteria = defaultProvocationCriteria());

// "22" / "3.5": shortest decimal up to 2 places, for reasons and reports.
std::string formatValue(double v);

}  // namespace annulo
