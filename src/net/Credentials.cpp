#include "annulo/net/Credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "annulo/net/UserFolders.h"

namespace annulo {
namespace {

std::string octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

// Like ssh with a private key: a secret others can read is no secret.
Status checkPrivate(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return makeError(file.string() + ": cannot read the credentials file");
  if (st.st_uid != ::geteuid())
    return makeError("credentials file " + file.string() + " belongs to another user: refused");
  if (st.st_mode & 077)
    return makeError("credentials file " + file.string() + " is readable or writable by group/others (mode " +
                     octal(st.st_mode) + "): refused; run chmod 600 '" + file.string() + "'");
  return Status::success();
}

}  // namespace

Result<Credential> credentialsFor(const std::string& nodeName, const std::filesystem::path& file) {
  Credential c;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return c;
  if (auto s = checkPrivate(file); !s) return s.error();
  std::ifstream in(file);
  const auto j = nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
  if (!j.is_object()) return makeError(file.string() + ": not a JSON object");
  try {
    const auto nodes = j.value("nodes", nlohmann::json::object());
    if (!nodes.contains(nodeName)) return c;
    const auto& n = nodes.at(nodeName);
    c.found = true;
    if (n.contains("basic")) {
      c.user = n.at("basic").value("user", "");
      c.password = n.at("basic").value("password", "");
    }
    c.bearerToken = n.value("bearer", "");
    if (n.contains("tls")) c.keyPassword = n.at("tls").value("key_password", "");
  } catch (const nlohmann::json::exception&) {
    // nlohmann's text may quote the offending value: say where, not what.
    return makeError(file.string() + ": the entry for node '" + nodeName + "' is malformed");
  }
  return c;
}

Result<Credential> credentialsFor(const std::string& nodeName) { return credentialsFor(nodeName, credentialsPath()); }

}  // namespace annulo
