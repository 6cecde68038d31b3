#pragma once
// The options every network command shares: the peer as AET@HOST:PORT, our AE
// title and the connect timeout.

#include <string>

#include "CliArgs.h"
#include "annulo/net/Outbox.h"
#include "annulo/net/PacsNode.h"

namespace annulo::cli {

// Valued options the network commands accept besides their own.
inline const std::set<std::string> kNodeOptions = {"--calling-ae", "--timeout"};
inline const char* kNodeOptionsUsage =
    "  --calling-ae AE  our AE title (default ANNULO)\n"
    "  --timeout S      connect timeout in seconds (default 5)\n";

Result<PacsNode> nodeFromArgs(const std::string& text, const Args& args);

// How `outbox retry` finds an item's peer: its named node in the node
// configuration when it has one, else the AET@host:port it was queued for.
OutboxNodeResolver nodeResolverFromConfig();

// DCMTK's own network log lines duplicate our messages; keep only fatal ones.
void quietNetworkLog();

}  // namespace annulo::cli
