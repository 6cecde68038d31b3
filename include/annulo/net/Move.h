#pragma once
// C-MOVE of a study or one series, for PACS that do not offer C-GET: the PACS
// opens its own association to our storage SCP (StorageScp.h) and sends the
// instances there. The PACS must know our AE title with this machine's address
// and the SCP port (Orthanc: "DicomModalities"); only the PACS's own AE title
// may connect to the SCP while the move runs.

#include <string>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"
#include "annulo/net/Retrieve.h"

namespace annulo {

struct MoveOptions {
  RetrieveOptions retrieve;               // series, progress, cancel
  std::string destinationAe;              // Move Destination, as the PACS knows us; empty: node.callingAe
  std::string bindAddress = "127.0.0.1";  // where our SCP listens
  int port = 11112;                       // ...and on which port (the one registered at the PACS)
  TlsSettings scpTls;                     // DICOM TLS on our SCP (StorageScp.h), when the PACS sends with TLS
};

// Files are written as by retrieveStudy(): folder/<SOPInstanceUID>.dcm, private,
// complete or absent. Errors when the SCP cannot listen, the association fails
// or the C-MOVE exchange breaks; a refused move (unknown destination...) is an
// error naming the status.
Result<RetrieveReport> moveStudy(const PacsNode& node, const std::string& studyInstanceUid, const std::string& folder,
                                 const MoveOptions& options = {});

}  // namespace annulo
