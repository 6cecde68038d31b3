#pragma once
// The options every network command shares: the peer as AET@HOST:PORT, our AE
// title and the connect timeout.

#include <string>

#include "CliArgs.h"
#include "annulo/net/AnyNode.h"
#include "annulo/net/NodeConfig.h"
#include "annulo/net/Outbox.h"
#include "annulo/net/PacsNode.h"

namespace annulo::cli {

// Valued options and flags the network commands accept besides their own.
inline const std::set<std::string> kNodeOptions = {"--calling-ae", "--timeout", "--nodes",  "--tls-ca",
                                                   "--tls-cert",   "--tls-key", "--ca-file"};
inline const std::set<std::string> kNodeFlags = {"--tls", "--tls-no-verify"};
inline const char* kNodeOptionsUsage =
    "  PEER is AET@HOST:PORT or the name of a node in the node configuration\n"
    "  (--nodes FILE, default $XDG_CONFIG_HOME/annulo/nodes.json or ~/.config/annulo/nodes.json)\n"
    "  --calling-ae AE  our AE title (default: the configuration's, else ANNULO)\n"
    "  --timeout S      connect timeout in seconds (default 5)\n"
    "  --tls            DICOM TLS; the peer's certificate is verified against --tls-ca FILE\n"
    "  --tls-cert FILE --tls-key FILE  our certificate and key (PEM) when the peer asks for one\n"
    "  --tls-no-verify  do not verify the peer's certificate (a test set-up only; says so)\n"
    "  DICOMweb: PEER may also be a URL or a configured \"protocol\": \"dicomweb\" node (its login from the\n"
    "  credentials file under the node's name, else host:port)\n"
    "  --ca-file FILE   https: verify the server against this CA (PEM) instead of the system's (default:\n"
    "                   the node's \"ca\"); verification is never turned off\n";

// `own` plus kNodeFlags, for parseArgs.
std::set<std::string> withNodeFlags(std::set<std::string> own);

// PEER (AET@HOST:PORT or a configured node name) with the options applied.
Result<PacsNode> nodeFromArgs(const std::string& text, const Args& args);
// PEER of either protocol: a DICOMweb URL or configured dicomweb node (with
// --ca-file applied), else nodeFromArgs.
Result<AnyNode> anyNodeFromArgs(const std::string& text, const Args& args);
// The node configuration name PEER stands for, empty for AET@HOST:PORT.
std::string nodeNameOf(const std::string& text);
// The node configuration: --nodes FILE, else the default location.
Result<NodeConfig> nodeConfigFromArgs(const Args& args);

// How `outbox retry` finds an item's peer: its named node in the node
// configuration when it has one, else the AET@host:port it was queued for.
OutboxNodeResolver nodeResolverFromConfig();

// DCMTK's own network log lines duplicate our messages; keep only fatal ones.
void quietNetworkLog();

}  // namespace annulo::cli
