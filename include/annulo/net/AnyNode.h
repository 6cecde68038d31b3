#pragma once
// A PACS of either kind: DICOM (DIMSE, "AET@HOST:PORT") or DICOMweb ("http(s)://host/root"
// or "dicomweb+http(s)://..."). Query, retrieve and send pick the protocol from the
// node and return the same result types, so the viewer's PACS section and scripts
// treat both alike. Sends to a DIMSE node go through the persistent outbox (an object
// that cannot be sent now stays there with the reason); DICOMweb sends are one
// STOW-RS request whose answer names each file's outcome at once.

#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/DicomWeb.h"
#include "annulo/net/Find.h"
#include "annulo/net/Outbox.h"
#include "annulo/net/PacsNode.h"
#include "annulo/net/Retrieve.h"
#include "annulo/net/Store.h"

namespace annulo {

struct AnyNode {
  std::optional<PacsNode> dimse;
  std::optional<DicomWebNode> web;
  bool isDicomWeb() const { return web.has_value(); }
};

// A DICOMweb URL (looksLikeDicomWeb) or AET@HOST:PORT; `callingAe` is our AE title for DIMSE.
Result<AnyNode> parseAnyNode(const std::string& text, const std::string& callingAe = "ANNULO");
std::string describe(const AnyNode& node);

struct ConfiguredNode;
struct NodeConfig;
// A configured DICOMweb node as the client uses it: its URL, CA file, the
// configuration's timeouts, and its name as the credentials entry to look up.
Result<DicomWebNode> webNodeOf(const ConfiguredNode& node, const NodeConfig& config);
// `text` as a node name of `config` first (either protocol, with its TLS / CA
// settings), else parseAnyNode(text, our configured AE title).
// A configured DIMSE node with a TLS key gets the key's passphrase from the credentials file.
Result<AnyNode> resolveAnyNode(const std::string& text, const NodeConfig& config);
Result<AnyNode> resolveAnyNode(const std::string& text);  // with loadDefaultNodeConfig()

// C-FIND or QIDO-RS at study level.
Result<std::vector<StudyMatch>> findStudiesOn(const AnyNode& node, const StudyQuery& query);
// C-GET or WADO-RS of a whole study into `folder` (0700, files 0600, each whole or absent).
Result<RetrieveReport> retrieveStudyFrom(const AnyNode& node, const std::string& studyInstanceUid,
                                         const std::string& folder, const RetrieveOptions& options = {});

struct SendReport {
  StoreReport report;                    // per file, in the order given (path: the file given)
  std::vector<std::string> outboxState;  // parallel: "sent", "failed", "pending", "" (not queued / DICOMweb)
  std::size_t leftInOutbox = 0;          // files queued and not sent: a retry sends them
};

// Every file queued in `outbox` for `node` (a file that is not DICOM is reported and
// not queued), then the queued items sent in one association. Never an error: a PACS
// that is down leaves each item failed with the reason ("connection refused host:port").
SendReport sendThroughOutbox(const Outbox& outbox, const std::vector<std::string>& files, const PacsNode& node,
                             const std::string& nodeName = {}, const StoreOptions& options = {});
// DIMSE through `outbox`; DICOMweb as one STOW-RS (an error when nothing could be sent).
Result<SendReport> sendFilesTo(const AnyNode& node, const std::vector<std::string>& files, const Outbox& outbox,
                               const StoreOptions& options = {});

// How a retry finds an item's peer: the named node of the node configuration
// (nodes.json, with its TLS settings) when it was queued for one, else the
// AET@host:port and calling AE it was queued with.
OutboxNodeResolver configuredNodeResolver();

}  // namespace annulo
