#pragma once
// "key=value key2=\"a b\"" as scripts pass one record in one argument
// (annotate --add, provocation --add/--override/--row): the core's splitter.

#include "annulo/study/TearSpec.h"

namespace annulo::cli {

using annulo::joinTokens;
using annulo::splitKeyValues;

}  // namespace annulo::cli
