#pragma once
// Minimal option parsing for annulo-cli: positionals, --key value, --flag.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::map<std::string, std::vector<std::string>> lists;  // every value of a repeatable option, in order
  std::set<std::string> flags;

  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::optional<std::string> value(const std::string& key) const;
  std::vector<std::string> all(const std::string& key) const;
};

// `valued` options take the next argument; `flags` take none. Anything else is an error.
// A valued option given twice is an error (a silently dropped value could be a lost
// tear), unless it is `repeatable`: then all() returns each value.
Result<Args> parseArgs(const std::vector<std::string>& argv, const std::set<std::string>& valued,
                       const std::set<std::string>& flags, const std::set<std::string>& repeatable = {});

Result<std::vector<double>> parseNumbers(const std::string& text, char separator);

// Exit codes shared by all commands.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

}  // namespace annulo::cli
