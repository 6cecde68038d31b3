#pragma once
// Private: index.html of a teaching case: one self-contained page (inline CSS,
// no script, no network) with the findings per disc level and the
// de-identification statement.

#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/deid/Deidentify.h"
#include "teaching/Snapshots.h"

namespace annulo::teaching {

std::string htmlEscape(const std::string& text);

std::string casePage(const std::string& title, const std::vector<TearAnnotation>& tears, const deid::DeidReport& deid,
                     const std::vector<Snapshot>& snapshots = {});

}  // namespace annulo::teaching
