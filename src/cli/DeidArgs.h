#pragma once
// The de-identification options shared by annulo-cli deidentify and teaching-case.

#include <string>

#include "CliArgs.h"
#include "annulo/deid/Deidentify.h"

namespace annulo::cli {

// Valued options: --pseudonym --id --key; repeatable: --keep --blank.
// Prints the problem itself; the error is "usage" for a usage error, else "failure".
Result<deid::DeidOptions> deidOptionsFrom(const Args& args, const std::string& command);

}  // namespace annulo::cli
