#pragma once
// DICOM PS3.15 Annex E, Table E.1-1 "Application Level Confidentiality Profile
// Attributes" as data: one rule per row, with the Basic Profile action exactly as
// the table writes it ("X/Z/D", "U", ...) and the action of each option column.
// The table itself is data/dicom-standard/confidentiality_profile_attributes.json
// (embedded into the build at configure time), never typed in by hand.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::deid {

// The option columns of Table E.1-1 (PS3.15 E.3).
enum class ProfileOption {
  RetainLongitudinalFullDates,
  RetainLongitudinalModifiedDates,
  CleanDescriptors,
  CleanStructuredContent,
  CleanGraphics,
  RetainUids,
  RetainDeviceIdentity,
  RetainInstitutionIdentity,
  RetainPatientCharacteristics,
  RetainSafePrivate,
};

struct ProfileRule {
  std::string name;
  // Tag pattern: a tag matches when (group & groupMask) == group and
  // (element & elementMask) == element. Repeating groups (50xx,xxxx), (60xx,3000)
  // have groupMask 0xFF00; "(GGGG,EEEE) where GGGG is odd" is flagged `privateTags`.
  std::uint16_t group = 0, element = 0;
  std::uint16_t groupMask = 0xFFFF, elementMask = 0xFFFF;
  bool privateTags = false;
  std::string basic;                             // Basic Profile column, e.g. "X/Z/D"
  std::map<ProfileOption, std::string> options;  // option column -> "K" / "C"
  bool matches(std::uint16_t g, std::uint16_t e) const;
};

class ConfidentialityProfile {
 public:
  // Parses the innolitics/dicom-standard JSON form of Table E.1-1.
  // Errors name the row that cannot be read.
  static Result<ConfidentialityProfile> fromJson(const std::string& text);
  // The table embedded at build time (parsed once; throws AnnuloError only if
  // the embedded copy is broken, which a unit test guards).
  static const ConfidentialityProfile& standard();

  // The rule for a standard (even group) tag, nullptr when the table does not list it.
  const ProfileRule* find(std::uint16_t group, std::uint16_t element) const;
  // The row for private tags (odd groups).
  const ProfileRule* privateRule() const { return private_ < 0 ? nullptr : &rules_[std::size_t(private_)]; }
  const std::vector<ProfileRule>& rules() const { return rules_; }

 private:
  std::vector<ProfileRule> rules_;
  std::map<std::uint32_t, std::size_t> exact_;  // (group << 16 | element) -> rule
  std::vector<std::size_t> patterns_;           // repeating-group rows
  long private_ = -1;
};

const char* optionColumn(ProfileOption option);  // the JSON key, e.g. "cleanDescOpt"

}  // namespace annulo::deid
