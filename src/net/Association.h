#pragma once
// Private to src/net: one DICOM association over DCMTK's ASC_/DIMSE_ layer, and
// the translation of DCMTK conditions into messages a clinician can act on.
// The low-level API rather than DcmSCU because DcmSCU drops the reject reason
// (which the user needs to fix a wrong AE title) and hides role selection.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmlayer.h>
#include <dcmtk/dcmnet/dimse.h>

#include <memory>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

namespace annulo::net_detail {

struct ProposedContext {
  std::string abstractSyntax;
  std::vector<std::string> transferSyntaxes;
  T_ASC_SC_ROLE role = ASC_SC_ROLE_DEFAULT;  // ASC_SC_ROLE_SCP: we receive C-STOREs (C-GET)
};

class Association {
 public:
  // At most 128 contexts (odd IDs 1..255).
  static Result<std::unique_ptr<Association>> open(const PacsNode& node, const std::vector<ProposedContext>& contexts);
  ~Association();
  Association(const Association&) = delete;
  Association& operator=(const Association&) = delete;

  T_ASC_Association* get() const { return assoc_; }
  const PacsNode& node() const { return node_; }

  // The accepted context for the SOP class, preferring `transferSyntax`; 0 if none.
  T_ASC_PresentationContextID contextFor(const std::string& sopClass, const std::string& transferSyntax = {}) const;
  // The transfer syntax the peer accepted on a context.
  std::string acceptedTransferSyntax(T_ASC_PresentationContextID id) const;

  // Orderly release; after a failed DIMSE exchange the destructor aborts instead.
  Status release();
  void markBroken() { broken_ = true; }

  // "<what> with AET@host:port failed: <reason>" for a DIMSE-level condition.
  Error dimseError(const std::string& what, const OFCondition& cond) const;

 private:
  Association(const PacsNode& node, T_ASC_Network* net) : node_(node), net_(net) {}
  PacsNode node_;
  std::unique_ptr<DcmTransportLayer> tls_;  // outlives net_ (dropped in the destructor body)
  T_ASC_Network* net_ = nullptr;
  T_ASC_Association* assoc_ = nullptr;
  bool released_ = false;
  bool broken_ = false;
};

// Meaning of a DIMSE status code, per PS3.7 C and the service's annex.
enum class DimseOutcome { Success, Warning, Failure, Pending, Cancel };
DimseOutcome classifyStatus(unsigned status);
std::string statusMeaning(unsigned status);
std::string hex4(unsigned status);

}  // namespace annulo::net_detail
