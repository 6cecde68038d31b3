#pragma once
// C-ECHO: is the PACS there and does it accept us?

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

namespace annulo {

struct EchoReport {
  unsigned status = 0;  // DIMSE status of the C-ECHO-RSP (0x0000 success)
  double ms = 0;        // association + echo + release
};

// Fails with a message naming the peer and the cause: connection refused,
// unknown host, timeout, association rejected (with DCMTK's reason/source),
// aborted, or a non-success echo status.
Result<EchoReport> echo(const PacsNode& node);

}  // namespace annulo
