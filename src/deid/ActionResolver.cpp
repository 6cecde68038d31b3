#include "deid/ActionResolver.h"

#include <map>
#include <utility>

namespace annulo::deid {
namespace {

constexpr std::uint32_t tag(std::uint16_t g, std::uint16_t e) { return std::uint32_t(g) << 16 | e; }

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
bool isSr(const IodContext& c) { return startsWith(c.sopClassUid, "1.2.840.10008.5.1.4.1.1.88."); }
bool isPresentationState(const IodContext& c) { return startsWith(c.sopClassUid, "1.2.840.10008.5.1.4.1.1.11."); }

// Attributes required in every IOD that has their module (Patient C.7.1.1,
// General Study C.7.2.1 are in every composite IOD).
const std::map<std::uint32_t, int>& everyIod() {
  static const std::map<std::uint32_t, int> table = {
      {tag(0x0010, 0x0010), 2}, {tag(0x0010, 0x0020), 2}, {tag(0x0010, 0x0030), 2}, {tag(0x0010, 0x0040), 2},
      {tag(0x0008, 0x0020), 2}, {tag(0x0008, 0x0030), 2}, {tag(0x0008, 0x0090), 2}, {tag(0x0020, 0x0010), 2},
      {tag(0x0008, 0x0050), 2}, {tag(0x0018, 0x0010), 2},  // Contrast/Bolus Agent, Contrast/Bolus Module C.7.6.4
      {tag(0x0010, 0x2203), 2},                            // Patient's Sex Neutered, 2C (non-human subject)
      {tag(0x0040, 0x0555), 2},  // Acquisition Context Sequence, Acquisition Context Module C.7.6.14
  };
  return table;
}

// Inside particular sequences.
int inSequence(std::uint32_t parent, std::uint32_t t) {
  switch (parent) {
    case tag(0x0040, 0xA730):  // Content Sequence: PS3.3 C.17.3 Document Content, value attributes Type 1
    case tag(0x0040, 0xA504):  // Content Template Sequence (kept as is)
      if (t == tag(0x0040, 0xA123) || t == tag(0x0040, 0xA121) || t == tag(0x0040, 0xA122) ||
          t == tag(0x0040, 0xA120) || t == tag(0x0040, 0xA124) || t == tag(0x0040, 0xA160))
        return 1;
      return 0;
    case tag(0x0040, 0xA073):  // Verifying Observer Sequence, C.17.2.1: name, organization, date Type 1
      if (t == tag(0x0040, 0xA075) || t == tag(0x0040, 0xA027) || t == tag(0x0040, 0xA030)) return 1;
      if (t == tag(0x0040, 0xA088)) return 2;
      return 0;
    case tag(0x0040, 0xA370):  // Referenced Request Sequence, C.17.2.1 / Table 10-9
      if (t == tag(0x0020, 0x000D)) return 1;
      if (t == tag(0x0008, 0x0050) || t == tag(0x0032, 0x1060) || t == tag(0x0040, 0x1001) ||
          t == tag(0x0040, 0x2016) || t == tag(0x0040, 0x2017))
        return 2;
      return 0;
    default:
      return 0;
  }
}

}  // namespace

char actionLetter(Action action) {
  switch (action) {
    case Action::Remove:
      return 'X';
    case Action::Zero:
      return 'Z';
    case Action::Dummy:
      return 'D';
    case Action::Keep:
      return 'K';
    case Action::Clean:
      return 'C';
    case Action::Uid:
      return 'U';
  }
  return '?';
}

int iodRequirement(std::uint16_t group, std::uint16_t element, const IodContext& c) {
  const std::uint32_t t = tag(group, element);
  if (c.parentSequence != 0) {
    const int r = inSequence(c.parentSequence, t);
    return r == 0 ? 3 : r;
  }
  // Content Date/Time: Type 1 in SR Document General (C.17.2) and in Multi-frame
  // Functional Groups (C.7.6.16, SEG, enhanced MR/CT/XA); 2C in General Image (C.7.6.1).
  // Real World Value Mapping (C.7.6.16.2.11 / A.46): Content Date/Time Type 1 too.
  if (t == tag(0x0008, 0x0023) || t == tag(0x0008, 0x0033))
    return (isSr(c) || c.functionalGroups || c.sopClassUid == "1.2.840.10008.5.1.4.1.1.67") ? 1 : 2;
  // Acquisition DateTime: 1C in the enhanced image modules (C.8.13.1 etc.), 3 elsewhere.
  if (t == tag(0x0008, 0x002A)) return c.functionalGroups ? 1 : 3;
  // Enhanced General Equipment (C.7.5.2, SEG and enhanced IODs): Device Serial Number Type 1.
  if (t == tag(0x0018, 0x1000)) return (c.functionalGroups || c.sopClassUid == "1.2.840.10008.5.1.4.1.1.66.4") ? 1 : 3;
  // PET Series (C.8.9.1): Series Date and Time Type 1.
  if ((t == tag(0x0008, 0x0021) || t == tag(0x0008, 0x0031)) &&
      startsWith(c.sopClassUid, "1.2.840.10008.5.1.4.1.1.128"))
    return 1;
  // SR Document Series (C.17.1): Referenced Performed Procedure Step Sequence Type 2.
  if (t == tag(0x0008, 0x1111) && isSr(c)) return 2;
  if (isPresentationState(c)) {  // Presentation State Identification, C.11.10
    if (t == tag(0x0070, 0x0082) || t == tag(0x0070, 0x0083)) return 1;
    if (t == tag(0x0070, 0x0084)) return 2;
  }
  if (c.sopClassUid == "1.2.840.10008.5.1.4.1.1.66.4" && t == tag(0x0070, 0x0084))
    return 2;  // Content Identification C.10.9
  auto it = everyIod().find(t);
  if (it != everyIod().end()) return it->second;
  return 3;
}

Action resolveAction(const ProfileRule& rule, const std::set<ProfileOption>& options, int requirement) {
  std::string chosen;
  for (ProfileOption o : options) {
    auto it = rule.options.find(o);
    if (it == rule.options.end()) continue;
    if (chosen.empty() || it->second == "K") chosen = it->second;
  }
  if (chosen == "K") return Action::Keep;
  if (chosen == "C") return Action::Clean;

  const std::string& b = rule.basic;
  if (b == "U" || b == "X/Z/U*") return Action::Uid;  // U*: the sequence stays, its instance UIDs replaced
  if (b == "D") return Action::Dummy;
  if (b == "K") return Action::Keep;
  if (b == "C") return Action::Clean;
  // X/Z: zero length is as private as removal and keeps a Type 2 attribute of an
  // IOD the list above does not know (Acquisition Context, PET Image dates ...).
  // A sequence is the exception: an empty Type 3 sequence is invalid (VM 1-n).
  const bool sequence = rule.name.size() >= 8 && rule.name.compare(rule.name.size() - 8, 8, "Sequence") == 0;
  if (b == "X/Z" && !(sequence && requirement == 3)) return requirement == 1 ? Action::Dummy : Action::Zero;
  const bool canD = b.find('D') != std::string::npos;
  const bool canZ = b.find('Z') != std::string::npos;
  if (requirement == 1) return Action::Dummy;  // canD, or an X/Z that would break a Type 1
  if (requirement == 2) return Action::Zero;
  if (b.find('X') != std::string::npos) return Action::Remove;
  if (canZ) return Action::Zero;
  return canD ? Action::Dummy : Action::Remove;
}

}  // namespace annulo::deid
