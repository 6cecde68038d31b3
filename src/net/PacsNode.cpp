#include "annulo/net/PacsNode.h"

#include <cctype>
#include <filesystem>

namespace annulo {
namespace {

Status validateAe(const std::string& ae, const char* which) {
  if (ae.empty()) return makeError(std::string(which) + " AE title is empty");
  if (ae.size() > 16) return makeError(std::string(which) + " AE title '" + ae + "' is longer than 16 characters");
  for (unsigned char c : ae)
    if (c == '\\' || std::iscntrl(c))
      return makeError(std::string(which) + " AE title '" + ae + "' contains a backslash or control character");
  return Status::success();
}

}  // namespace

Status validate(const PacsNode& node) {
  if (auto s = validateAe(node.calledAe, "called"); !s) return s;
  if (auto s = validateAe(node.callingAe, "calling"); !s) return s;
  if (node.host.empty()) return makeError("PACS host is empty");
  if (node.port < 1 || node.port > 65535)
    return makeError("PACS port " + std::to_string(node.port) + " is not 1..65535");
  if (!node.tls.enabled) return Status::success();
  if (node.tls.certFile.empty() != node.tls.keyFile.empty())
    return makeError("TLS for " + describe(node) + ": a certificate needs its private key and the other way round");
  if (node.tls.verifyPeer && node.tls.caFile.empty())
    return makeError("TLS for " + describe(node) + ": no CA certificate to verify the peer with (--tls-ca FILE)");
  for (const std::string* f : {&node.tls.caFile, &node.tls.certFile, &node.tls.keyFile})
    if (!f->empty() && !std::filesystem::is_regular_file(*f))
      return makeError("TLS for " + describe(node) + ": " + *f + ": no such file");
  return Status::success();
}

Result<PacsNode> parsePacsNode(const std::string& text) {
  const auto at = text.find('@');
  const auto colon = text.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at)
    return makeError("'" + text + "' is not AET@host:port");
  PacsNode node;
  node.calledAe = text.substr(0, at);
  node.host = text.substr(at + 1, colon - at - 1);
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return makeError("'" + text + "': port '" + port + "' is not a number");
  node.port = std::stoi(port);
  if (auto s = validate(node); !s) return makeError("'" + text + "': " + s.message());
  return node;
}

std::string address(const PacsNode& node) { return node.host + ":" + std::to_string(node.port); }

std::string describe(const PacsNode& node) { return node.calledAe + "@" + address(node); }

}  // namespace annulo
