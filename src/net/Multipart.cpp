#include "net/Multipart.h"

#include <algorithm>
#include <cctype>

namespace annulo::net_detail {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

Result<std::string> boundaryOf(const std::string& contentType) {
  const std::string l = lower(contentType);
  const auto at = l.find("boundary=");
  if (at == std::string::npos) return makeError("Content-Type '" + contentType + "' has no boundary");
  std::string b = contentType.substr(at + 9);
  if (!b.empty() && b.front() == '"') {
    const auto close = b.find('"', 1);
    if (close == std::string::npos) return makeError("Content-Type '" + contentType + "': unclosed boundary quote");
    return b.substr(1, close - 1);
  }
  return b.substr(0, b.find_first_of("; \t"));
}

Result<std::vector<MimePart>> parseMultipart(std::string_view body, const std::string& boundary) {
  const std::string delimiter = "--" + boundary;
  std::vector<MimePart> parts;
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return makeError("multipart body without its boundary '" + boundary + "'");
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    // Headers end at the first empty line (RFC 2046 5.1.1).
    const std::size_t headersEnd = body.find("\r\n\r\n", pos);
    if (headersEnd == std::string_view::npos)
      return makeError("multipart part " + std::to_string(parts.size() + 1) + " has no header end");
    MimePart part;
    std::string_view headers = body.substr(pos, headersEnd - pos);
    std::size_t line = 0;
    while (line < headers.size()) {
      std::size_t end = headers.find("\r\n", line);
      if (end == std::string_view::npos) end = headers.size();
      const std::string text(headers.substr(line, end - line));
      if (lower(text).rfind("content-type:", 0) == 0) {
        part.contentType = text.substr(13);
        part.contentType.erase(0, part.contentType.find_first_not_of(" \t"));
      }
      line = end + 2;
    }
    const std::size_t start = headersEnd + 4;
    const std::size_t next = body.find("\r\n" + delimiter, start);
    if (next == std::string_view::npos)
      return makeError("multipart part " + std::to_string(parts.size() + 1) + " is not closed (body cut off?)");
    part.body = body.substr(start, next - start);
    parts.push_back(part);
    pos = next + 2;
  }
}

std::string buildMultipart(const std::vector<std::string_view>& parts, const std::string& contentType,
                           const std::string& boundary) {
  std::string out;
  for (const auto& p : parts) {
    out += "--" + boundary + "\r\nContent-Type: " + contentType + "\r\n\r\n";
    out.append(p.data(), p.size());
    out += "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace annulo::net_detail
