#pragma once
// The provocation record with its interpretation as JSON for scripts
// (annulo-cli provocation --list --json):
// {"levels": [{"level": "L4-L5", ...the recorded values..., "classification":
//  "positive", "reasons": [...], "override": null | {...}, "final": "positive"}]}
// The computed classification comes first, the override beside it.

#include <string>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/annotation/ProvocationCriteria.h"

namespace annulo {

std::string provocationListJson(const Session& session,
                                const ProvocationCriteria& criteria = defaultProvocationCriteria());

}  // namespace annulo
