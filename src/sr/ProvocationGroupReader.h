#pragma once
// Private: a provocation measurement group (ProvocationGroupWriter.h) back
// into the record and what the exporter computed. Tolerant like the tear
// reader: wrong value types and unknown content become warnings / unmapped
// lines, never an exception.

#include <optional>
#include <string>

#include "annulo/sr/SrExport.h"
#include "sr/MeasurementGroupReader.h"
#include "sr/SrNodes.h"

namespace annulo::sr {

// True when the group's Finding is "Provocation discography of the disc".
bool isProvocationGroup(Node* group);

// nullopt (with a warning) when the group names no disc level.
std::optional<ImportedProvocation> readProvocationGroup(Node* group, const std::string& label,
                                                        const GroupReadContext& ctx);

}  // namespace annulo::sr
