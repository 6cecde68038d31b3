#include "net/TlsLayer.h"

namespace annulo::net_detail {

Result<std::unique_ptr<DcmTLSTransportLayer>> makeTlsLayer(const TlsSettings& tls, T_ASC_NetworkRole role,
                                                           const std::string& who) {
  auto layer = std::make_unique<DcmTLSTransportLayer>(role, nullptr, OFTrue);
  if (!*layer) return makeError("TLS for " + who + ": cannot initialise OpenSSL");
  const std::string prefix = "TLS for " + who + ": ";
  OFCondition cond = layer->setTLSProfile(TSP_Profile_BCP195);
  if (cond.good()) cond = layer->activateCipherSuites();
  if (cond.bad()) return makeError(prefix + "cannot set the BCP 195 cipher suites: " + cond.text());
  if (!tls.caFile.empty() && layer->addTrustedCertificateFile(tls.caFile.c_str(), DCF_Filetype_PEM).bad())
    return makeError(prefix + tls.caFile + ": not a PEM certificate (trusted CA)");
  if (!tls.certFile.empty()) {
    if (!tls.keyPassword.empty()) layer->setPrivateKeyPasswd(tls.keyPassword.c_str());
    if (layer->setPrivateKeyFile(tls.keyFile.c_str(), DCF_Filetype_PEM).bad())
      return makeError(prefix + tls.keyFile + ": cannot read the private key (PEM; wrong passphrase?)");
    if (layer->setCertificateFile(tls.certFile.c_str(), DCF_Filetype_PEM).bad())
      return makeError(prefix + tls.certFile + ": not a PEM certificate");
    if (!layer->checkPrivateKeyMatchesCertificate())
      return makeError(prefix + tls.keyFile + " is not the private key of " + tls.certFile);
  }
  // Verification is the default; only an explicit setting turns it off.
  layer->setCertificateVerification(tls.verifyPeer ? DCV_requireCertificate : DCV_ignoreCertificate);
  return layer;
}

}  // namespace annulo::net_detail
