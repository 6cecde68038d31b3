#pragma once
// Private to src/net: DCMTK's OpenSSL transport layer set up from TlsSettings.
// The profile is BCP 195 (PS3.15 B.9, the DICOM "BCP 195 TLS Secure Transport
// Connection Profile"): TLS 1.2+, no weak ciphers.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmtls/tlslayer.h>

#include <memory>
#include <string>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

namespace annulo::net_detail {

// `who` names the peer (or our SCP) in the messages.
Result<std::unique_ptr<DcmTLSTransportLayer>> makeTlsLayer(const TlsSettings& tls, T_ASC_NetworkRole role,
                                                           const std::string& who);

}  // namespace annulo::net_detail
