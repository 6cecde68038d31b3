#pragma once
// The one node configuration file: who we are (local AE title, the storage SCP's
// port and bind address), the DICOM peers we talk to (host/port/AE, protocol,
// TLS, how to retrieve) and which of them may connect to us, and the timeouts.
// Default location: $ANNULO_NODES, else $XDG_CONFIG_HOME/annulo/nodes.json, else
// ~/.config/annulo/nodes.json. Format (every key optional):
//
//   { "local":    {"ae_title": "ANNULO", "port": 11112, "bind": "127.0.0.1",
//                  "tls": {"enabled": true, "certificate": "me.pem", "key": "me.key", "ca": "peers-ca.pem"}},
//     "timeouts": {"connect": 5, "association": 10, "dimse": 30},
//     "nodes": [ {"name": "pacs", "ae_title": "ORTHANC", "host": "pacs.example.org", "port": 4242,
//                 "protocol": "dimse", "url": "", "retrieve": "get" | "move",
//                 "tls": {"enabled": true, "ca": "ca.pem", "certificate": "me.pem", "key": "me.key",
//                         "verify": true},
//                 "incoming": {"allowed": true, "check_host": false}},
//               {"name": "web", "protocol": "dicomweb", "url": "https://pacs.example.org/dicom-web",
//                "ca": "hospital-ca.pem"} ] }
//
// Relative TLS and CA paths are relative to the file's folder. A DICOMweb node's
// credentials entry (Credentials.h) is looked up by its name. Secrets (passwords,
// tokens, key passphrases) never go here: they live in the credentials file.

#include <filesystem>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

namespace annulo {

struct LocalAe {
  std::string aeTitle = "ANNULO";
  int port = 11112;                       // the storage SCP (C-MOVE destination)
  std::string bindAddress = "127.0.0.1";  // loopback unless configured: only this machine can connect
  TlsSettings tls;  // DICOM TLS on the SCP: our certificate/key; "ca": peers must show one it signed
};

enum class RetrieveMethod { Get, Move };

struct ConfiguredNode {
  std::string name;
  PacsNode node;                   // calling AE and timeouts filled in from "local"/"timeouts"
  std::string protocol = "dimse";  // "dimse" or "dicomweb" (then `url` is the service root)
  std::string url;
  std::string caFile;  // dicomweb over https: the CA to verify the server against ("ca")
  RetrieveMethod retrieve = RetrieveMethod::Get;
  bool incomingAllowed = true;  // may this peer open associations to our SCP?
  bool checkHost = false;       // ...and only from `node.host`
};

struct NodeConfig {
  std::filesystem::path source;  // the file read, empty for the built-in default
  LocalAe local;
  int connectTimeoutS = 5, acseTimeoutS = 10, dimseTimeoutS = 30;
  std::vector<ConfiguredNode> nodes;

  const ConfiguredNode* find(const std::string& name) const;
};

// A missing file is not an error: the defaults, no nodes. A malformed one is,
// naming the file and the key.
Result<NodeConfig> loadNodeConfig(const std::filesystem::path& path);
Result<NodeConfig> loadDefaultNodeConfig();  // nodeConfigPath()
Result<NodeConfig> parseNodeConfig(const std::string& jsonText, const std::filesystem::path& source);

}  // namespace annulo
