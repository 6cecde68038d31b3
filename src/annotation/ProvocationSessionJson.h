#pragma once
// Private: the provocation record in the session file ("provocation" array),
// kept apart from SessionStore.cpp so the tear format and the file handling
// there change independently. A session file without the key (written before
// the record existed) reads as an empty record.

#include <nlohmann/json.hpp>
#include <vector>

#include "annulo/annotation/ProvocationRecord.h"

namespace annulo::detail {

nlohmann::json provocationToJson(const std::vector<ProvocationLevel>& levels);
// Throws std::exception (caught by sessionFromJson) on a malformed entry.
std::vector<ProvocationLevel> provocationFromJson(const nlohmann::json& session);

}  // namespace annulo::detail
