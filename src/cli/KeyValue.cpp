#include "KeyValue.h"

namespace annulo::cli {

Result<std::vector<std::pair<std::string, std::string>>> splitKeyValues(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    const std::size_t eq = text.find('=', i);
    const std::size_t space = text.find(' ', i);
    if (eq == std::string::npos || (space != std::string::npos && space < eq))
      return makeError("'" + text.substr(i, space == std::string::npos ? std::string::npos : space - i) +
                       "' is not key=value");
    const std::string key = text.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < text.size() && text[i] == '"') {
      const std::size_t close = text.find('"', i + 1);
      if (close == std::string::npos) return makeError("unclosed quote after " + key + "=");
      value = text.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      const std::size_t sp = text.find(' ', i);
      value = text.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
      i = sp == std::string::npos ? text.size() : sp;
    }
    out.emplace_back(key, value);
  }
  return out;
}

std::string joinTokens(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& s : tokens) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace annulo::cli
