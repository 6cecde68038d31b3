#pragma once
// Secrets for talking to peers, per node name: HTTP Basic user/password or a
// Bearer token (DICOMweb), a TLS private key's passphrase (DICOM TLS). They are
// read from the credentials file only (never the command line, never written to
// logs, sidecars or the outbox), and the file is refused unless only its owner
// can read it. Default: $ANNULO_CREDENTIALS, else
// $XDG_CONFIG_HOME/annulo/credentials.json (~/.config/annulo/credentials.json):
//
//   { "nodes": { "pacs": { "basic": {"user": "reader", "password": "..."} },
//                "web":  { "bearer": "eyJ..." },
//                "tls":  { "key_password": "..." } } }

#include <filesystem>
#include <string>

#include "annulo/base/Result.h"

namespace annulo {

struct Credential {
  bool found = false;          // the file has an entry for the node
  std::string user, password;  // HTTP Basic
  std::string bearerToken;     // HTTP Bearer
  std::string keyPassword;     // passphrase of the TLS private key
};

// The entry for `nodeName`. A missing file is no error (found = false). Errors:
// the file is group/world-readable or writable, or not ours (with the chmod that
// fixes it), or is malformed; the message never contains a secret.
Result<Credential> credentialsFor(const std::string& nodeName, const std::filesystem::path& file);
Result<Credential> credentialsFor(const std::string& nodeName);  // credentialsPath()

}  // namespace annulo
