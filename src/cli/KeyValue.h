#pragma once
// "key=value key2=\"a b\"" as scripts pass one record in one argument
// (annotate --add, provocation --add/--override/--row).

#include <string>
#include <utility>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::cli {

// Ordered pairs; double quotes allow spaces in a value.
Result<std::vector<std::pair<std::string, std::string>>> splitKeyValues(const std::string& text);

std::string joinTokens(const std::vector<std::string>& tokens);  // "a, b, c"

}  // namespace annulo::cli
