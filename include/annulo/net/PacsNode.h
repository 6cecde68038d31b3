#pragma once
// A DICOM peer (PACS, workstation, Orthanc): who we call, where, and how long we wait.

#include <string>

#include "annulo/dicom/Result.h"

namespace annulo {

struct PacsNode {
  std::string calledAe;                // the peer's AE title
  std::string host;
  int port = 104;
  std::string callingAe = "ANNULO";    // our AE title, as the peer knows it
  int connectTimeoutS = 5;             // TCP connect: a down PACS must fail fast, not hang
  int acseTimeoutS = 10;               // association request/release
  int dimseTimeoutS = 30;              // each DIMSE response (large C-STOREs take a while)
};

// "AET@host:port" (port 1..65535; AE titles 1..16 characters, no backslash).
Result<PacsNode> parsePacsNode(const std::string& text);

// "AET@host:port" again, for messages.
std::string describe(const PacsNode& node);
// "host:port", what a connection error names.
std::string address(const PacsNode& node);

// Checks the fields a user can type wrong (empty host, AE too long, bad port).
Status validate(const PacsNode& node);

}  // namespace annulo
