#include "annulo/deid/ConfidentialityProfile.h"

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

namespace annulo::deid {
namespace {

// Generated at configure time from data/dicom-standard/confidentiality_profile_attributes.json
// (src/CMakeLists.txt): `kProfileJson`, the file's bytes as one string literal.
#include "deid/ConfidentialityProfileJson.inc"

constexpr std::array<std::pair<ProfileOption, const char*>, 10> kColumns = {{
    {ProfileOption::RetainLongitudinalFullDates, "rtnLongFullDatesOpt"},
    {ProfileOption::RetainLongitudinalModifiedDates, "rtnLongModifDatesOpt"},
    {ProfileOption::CleanDescriptors, "cleanDescOpt"},
    {ProfileOption::CleanStructuredContent, "cleanStructContOpt"},
    {ProfileOption::CleanGraphics, "cleanGraphOpt"},
    {ProfileOption::RetainUids, "rtnUIDsOpt"},
    {ProfileOption::RetainDeviceIdentity, "rtnDevIdOpt"},
    {ProfileOption::RetainInstitutionIdentity, "rtnInstIdOpt"},
    {ProfileOption::RetainPatientCharacteristics, "rtnPatCharsOpt"},
    {ProfileOption::RetainSafePrivate, "rtnSafePrivOpt"},
}};

// One hex half of "(gggg,eeee)": digits, or 'X' for a repeating digit.
bool parseHalf(const std::string& text, std::uint16_t& value, std::uint16_t& mask) {
  if (text.size() != 4) return false;
  value = 0, mask = 0;
  for (char c : text) {
    value <<= 4, mask <<= 4;
    const char u = char(std::toupper(static_cast<unsigned char>(c)));
    if (u == 'X') continue;
    if (!std::isxdigit(static_cast<unsigned char>(u))) return false;
    value |= std::uint16_t(std::isdigit(static_cast<unsigned char>(u)) ? u - '0' : u - 'A' + 10);
    mask |= 0xF;
  }
  return true;
}

Result<ProfileRule> parseRow(const nlohmann::json& row) {
  ProfileRule rule;
  rule.name = row.value("name", "");
  rule.basic = row.value("basicProfile", "");
  const std::string tag = row.value("tag", "");
  if (rule.basic.empty() || tag.empty()) return makeError("row without tag or basicProfile: " + row.dump());
  for (const auto& [option, column] : kColumns)
    if (row.contains(column)) rule.options[option] = row[column].get<std::string>();
  if (tag.rfind("(GGGG,EEEE)", 0) == 0) {  // "(GGGG,EEEE) WHERE GGGG IS ODD"
    rule.privateTags = true;
    rule.groupMask = rule.elementMask = 0;
    return rule;
  }
  if (tag.size() != 11 || tag[0] != '(' || tag[5] != ',' || tag[10] != ')' ||
      !parseHalf(tag.substr(1, 4), rule.group, rule.groupMask) ||
      !parseHalf(tag.substr(6, 4), rule.element, rule.elementMask))
    return makeError("unreadable tag '" + tag + "' (" + rule.name + ")");
  return rule;
}

}  // namespace

bool ProfileRule::matches(std::uint16_t g, std::uint16_t e) const {
  if (privateTags) return (g & 1) != 0;
  return (g & groupMask) == group && (e & elementMask) == element;
}

const char* optionColumn(ProfileOption option) {
  for (const auto& [o, column] : kColumns)
    if (o == option) return column;
  return "";
}

Result<ConfidentialityProfile> ConfidentialityProfile::fromJson(const std::string& text) {
  nlohmann::json rows = nlohmann::json::parse(text, nullptr, false);
  if (rows.is_discarded() || !rows.is_array())
    return makeError("confidentiality profile table: not a JSON array of rows");
  ConfidentialityProfile profile;
  for (const auto& row : rows) {
    auto rule = parseRow(row);
    if (!rule) return makeError("confidentiality profile table: " + rule.message());
    const std::size_t index = profile.rules_.size();
    if (rule->privateTags)
      profile.private_ = long(index);
    else if (rule->groupMask == 0xFFFF && rule->elementMask == 0xFFFF)
      profile.exact_[std::uint32_t(rule->group) << 16 | rule->element] = index;
    else
      profile.patterns_.push_back(index);
    profile.rules_.push_back(std::move(*rule));
  }
  return profile;
}

const ConfidentialityProfile& ConfidentialityProfile::standard() {
  static const ConfidentialityProfile profile = fromJson(kProfileJson).value();
  return profile;
}

const ProfileRule* ConfidentialityProfile::find(std::uint16_t group, std::uint16_t element) const {
  auto it = exact_.find(std::uint32_t(group) << 16 | element);
  if (it != exact_.end()) return &rules_[it->second];
  for (std::size_t i : patterns_)
    if (rules_[i].matches(group, element)) return &rules_[i];
  return nullptr;
}

}  // namespace annulo::deid
