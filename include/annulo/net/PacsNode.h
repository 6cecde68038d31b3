#pragma once
// A DICOM peer (PACS, workstation, Orthanc): who we call, where, and how long we wait.

#include <string>

#include "annulo/base/Result.h"

namespace annulo {

// DICOM TLS (PS3.15 Annex B, the Basic TLS Secure Transport Connection Profile).
// The peer's certificate is verified against `caFile` unless verification is
// turned off explicitly; our own certificate/key are needed when the peer asks
// for a client certificate (Orthanc's DicomTlsRemoteCertificateRequired).
struct TlsSettings {
  bool enabled = false;
  std::string caFile;       // PEM: the CA certificates we trust for this peer
  std::string certFile;     // PEM: our certificate
  std::string keyFile;      // PEM: our private key (unencrypted, or see Credentials.h for its passphrase)
  std::string keyPassword;  // from the credentials file, never from the command line
  bool verifyPeer = true;
};

struct PacsNode {
  std::string calledAe;  // the peer's AE title
  std::string host;
  int port = 104;
  std::string callingAe = "ANNULO";  // our AE title, as the peer knows it
  int connectTimeoutS = 5;           // TCP connect: a down PACS must fail fast, not hang
  int acseTimeoutS = 10;             // association request/release
  int dimseTimeoutS = 30;            // each DIMSE response (large C-STOREs take a while)
  TlsSettings tls;
};

// "AET@host:port" (port 1..65535; AE titles 1..16 characters, no backslash).
Result<PacsNode> parsePacsNode(const std::string& text);

// "AET@host:port" again, for messages.
std::string describe(const PacsNode& node);
// "host:port", what a connection error names.
std::string address(const PacsNode& node);

// Checks the fields a user can type wrong (empty host, AE too long, bad port,
// TLS files missing or a certificate without its key).
Status validate(const PacsNode& node);

}  // namespace annulo
