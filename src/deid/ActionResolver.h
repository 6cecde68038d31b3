#pragma once
// Private: from a Table E.1-1 row to the one action taken on one attribute.
// Combined Basic Profile actions (X/Z, X/D, Z/D, X/Z/D, X/Z/U*) depend on the
// attribute's requirement type in the object's IOD (PS3.15 E.1.1, Table E.1-1
// notes): D where it is Type 1, Z where it is Type 2, X where it is Type 3.

#include <set>
#include <string>

#include "annulo/deid/ConfidentialityProfile.h"

namespace annulo::deid {

enum class Action { Remove, Zero, Dummy, Keep, Clean, Uid };

char actionLetter(Action action);

// Where an attribute sits, enough to look up its IOD requirement.
struct IodContext {
  std::string sopClassUid;
  bool functionalGroups = false;     // the dataset is a multi-frame functional groups IOD (PS3.3 C.7.6.16)
  std::uint32_t parentSequence = 0;  // (group << 16 | element) of the enclosing sequence, 0 at top level
  bool present = true;               // the attribute is in the source (a 1C/2C present is taken as required)
};

// 1, 2 or 3 (3 also for "not in the IOD" and "not known"): PS3.3 requirement of
// the attribute in the IOD of `context`. Only the attributes whose profile action
// depends on it are listed (see ActionResolver.cpp for the PS3.3 modules).
int iodRequirement(std::uint16_t group, std::uint16_t element, const IodContext& context);

// The action for `rule` with `options` selected. An option column wins over the
// Basic Profile (K over C when two selected options disagree). A removal (X) or
// zero length (Z) that would break a Type 1 / Type 2 requirement becomes D / Z,
// so the de-identified object still conforms to its IOD (PS3.15 E.1.1).
Action resolveAction(const ProfileRule& rule, const std::set<ProfileOption>& options, int requirement);

}  // namespace annulo::deid
