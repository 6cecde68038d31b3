#pragma once
// Private: the model's enums <-> code table keys. Kept apart from the user
// tokens in Vocabulary.h on purpose: renaming a token must not change what a
// stored SR means.

#include <optional>
#include <string>

#include "annulo/annotation/TearAnnotation.h"

namespace annulo::sr {

std::string key(TearType v);      // "tear-type.radial"
std::string key(SpinalZone v);    // "zone.central"
std::string key(LeakPattern v);   // "leak.none"
std::string key(PainResponse v);  // "pain.not-tested"
std::string gradeKey(int grade);  // "dallas.3"
std::string clockKey(int hour);   // "clock.6"

std::optional<TearType> tearTypeFromKey(const std::string& key);
std::optional<SpinalZone> zoneFromKey(const std::string& key);
std::optional<LeakPattern> leakFromKey(const std::string& key);
std::optional<PainResponse> painFromKey(const std::string& key);
std::optional<int> gradeFromKey(const std::string& key);
std::optional<int> clockFromKey(const std::string& key);

}  // namespace annulo::sr
