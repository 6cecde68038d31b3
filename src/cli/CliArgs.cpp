#include "CliArgs.h"

#include <sstream>

namespace annulo::cli {

std::optional<std::string> Args::value(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::all(const std::string& key) const {
  auto it = lists.find(key);
  return it == lists.end() ? std::vector<std::string>{} : it->second;
}

Result<Args> parseArgs(const std::vector<std::string>& argv, const std::set<std::string>& valued,
                       const std::set<std::string>& flags, const std::set<std::string>& repeatable) {
  Args args;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() > 1 && a[0] == '-' &&
        !(a.size() > 1 && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.'))) {
      if (valued.count(a)) {
        if (i + 1 >= argv.size()) return makeError("option " + a + " needs a value");
        if (args.values.count(a) && !repeatable.count(a)) return makeError("option " + a + " given more than once");
        args.values[a] = argv[++i];
        args.lists[a].push_back(args.values[a]);
      } else if (flags.count(a)) {
        args.flags.insert(a);
      } else {
        return makeError("unknown option " + a);
      }
    } else {
      args.positional.push_back(a);
    }
  }
  return args;
}

Result<std::vector<double>> parseNumbers(const std::string& text, char separator) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, separator)) {
    try {
      std::size_t used = 0;
      out.push_back(std::stod(part, &used));
      if (used != part.size()) throw std::invalid_argument(part);
    } catch (...) {
      return makeError("'" + part + "' is not a number in '" + text + "'");
    }
  }
  return out;
}

}  // namespace annulo::cli
