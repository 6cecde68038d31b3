#pragma once
// Private: one TID 1500 Measurement Group back into a TearAnnotation, as far
// as it maps. Everything else in the group is described in `unmapped`;
// problems (wrong value types, missing content, references that resolve
// nowhere) become warnings. Never throws on bad content.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "sr/SrNodes.h"

namespace annulo::sr {

struct EvidenceEntry {
  std::string studyInstanceUid, seriesInstanceUid, sopClassUid;
};

struct GroupReadContext {
  const std::map<std::string, EvidenceEntry>* evidence = nullptr;  // by SOP Instance UID
  std::vector<std::string>* unmapped = nullptr;
  std::vector<std::string>* warnings = nullptr;
};

// `label` names the group in messages ("measurement group 3").
// nullopt when the group has no content at all (a warning says so).
std::optional<TearAnnotation> readMeasurementGroup(Node* group, const std::string& label, const GroupReadContext& ctx);

}  // namespace annulo::sr
