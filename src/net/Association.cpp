#include "net/Association.h"

#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/ofstd/ofstd.h>

#include <cstdio>

#include "net/TlsLayer.h"

namespace annulo::net_detail {
namespace {

const char* rejectReason(const T_ASC_RejectParameters& r) {
  switch (r.reason) {
    case ASC_REASON_SU_NOREASON:
      return "no reason given";
    case ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED:
      return "application context name not supported";
    case ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED:
      return "calling AE title not recognised (the PACS does not know us)";
    case ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED:
      return "called AE title not recognised (wrong AE title for the PACS)";
    case ASC_REASON_SP_ACSE_NOREASON:
      return "no reason given (ACSE)";
    case ASC_REASON_SP_ACSE_PROTOCOLVERSIONNOTSUPPORTED:
      return "protocol version not supported";
    case ASC_REASON_SP_PRES_TEMPORARYCONGESTION:
      return "temporary congestion";
    case ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED:
      return "local limit exceeded (too many associations)";
  }
  return "unknown reason";
}

const char* rejectSource(const T_ASC_RejectParameters& r) {
  switch (r.source) {
    case ASC_SOURCE_SERVICEUSER:
      return "service user";
    case ASC_SOURCE_SERVICEPROVIDER_ACSE_RELATED:
      return "service provider, ACSE";
    case ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED:
      return "service provider, presentation";
  }
  return "unknown source";
}

bool mentions(const OFCondition& cond, const char* word) {
  return std::string(cond.text()).find(word) != std::string::npos;
}

Error requestError(const PacsNode& node, const OFCondition& cond, T_ASC_Parameters* params) {
  const std::string who = describe(node);
  if (cond == DUL_ASSOCIATIONREJECTED) {
    T_ASC_RejectParameters rej{};
    ASC_getRejectParameters(params, &rej);
    return makeError("association rejected by " + who + ": " + rejectReason(rej) + " [" +
                     (rej.result == ASC_RESULT_REJECTEDTRANSIENT ? "transient" : "permanent") +
                     ", source: " + rejectSource(rej) + "]");
  }
  if (cond.code() == DULC_TLSERROR || mentions(cond, "TLS error"))
    return makeError("TLS handshake with " + address(node) + " failed: " + cond.text() +
                     " (does the peer speak TLS on this port, and is its certificate signed by the CA given?)");
  if (cond.code() == DULC_UNKNOWNHOST)
    return makeError("unknown host '" + node.host + "': cannot resolve the address of " + who);
  if (mentions(cond, "refused"))
    return makeError("connection refused by " + address(node) + ": no DICOM service listening there (is the PACS " +
                     "running and the port right?)");
  if (mentions(cond, "timed out") || mentions(cond, "Timeout") || cond == DUL_READTIMEOUT)
    return makeError("timeout: no answer from " + address(node) + " within " +
                     std::to_string(cond == DUL_READTIMEOUT ? node.acseTimeoutS : node.connectTimeoutS) + " s");
  if (node.tls.enabled && mentions(cond, "reset by peer"))
    return makeError("TLS: " + address(node) + " closed the connection during the association request; it " +
                     "probably does not trust our certificate (" +
                     (node.tls.certFile.empty() ? std::string("none given") : node.tls.certFile) + ")");
  if (cond == DUL_PEERABORTEDASSOCIATION)
    return makeError("association aborted by " + who + " before it was accepted" +
                     (node.tls.enabled
                          ? " (with TLS this usually means it does not trust our certificate, " +
                                (node.tls.certFile.empty() ? std::string("none given") : node.tls.certFile) + ")"
                          : std::string(" (if it requires DICOM TLS, use --tls)")));
  if (cond.code() == DULC_TCPINITERROR) return makeError("cannot connect to " + address(node) + ": " + cond.text());
  return makeError("association with " + who + " failed: " + cond.text());
}

OFCondition addContexts(T_ASC_Parameters* params, const std::vector<ProposedContext>& contexts) {
  T_ASC_PresentationContextID id = 1;
  for (const auto& c : contexts) {
    std::vector<const char*> ts;
    for (const auto& t : c.transferSyntaxes) ts.push_back(t.c_str());
    OFCondition cond =
        ASC_addPresentationContext(params, id, c.abstractSyntax.c_str(), ts.data(), int(ts.size()), c.role);
    if (cond.bad()) return cond;
    id += 2;
  }
  return EC_Normal;
}

}  // namespace

Result<std::unique_ptr<Association>> Association::open(const PacsNode& node,
                                                       const std::vector<ProposedContext>& contexts) {
  if (auto s = validate(node); !s) return s.error();
  if (contexts.empty() || contexts.size() > 128)
    return makeError("cannot propose " + std::to_string(contexts.size()) + " presentation contexts (1..128)");
  // Global in DCMTK: read when the socket connects, so set just before.
  dcmConnectionTimeout.set(node.connectTimeoutS);
  T_ASC_Network* net = nullptr;
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, node.acseTimeoutS, &net);
  if (cond.bad()) return makeError(std::string("cannot initialise the DICOM network: ") + cond.text());
  std::unique_ptr<Association> a(new Association(node, net));
  if (node.tls.enabled) {
    auto layer = makeTlsLayer(node.tls, NET_REQUESTOR, describe(node));
    if (!layer) return layer.error();
    a->tls_ = std::move(*layer);
    cond = ASC_setTransportLayer(net, a->tls_.get(), 0);
    if (cond.bad()) return makeError("TLS for " + describe(node) + ": " + cond.text());
  }

  T_ASC_Parameters* params = nullptr;
  // The largest PDU we take (DCMTK's maximum, 128 KiB; its default is 16 KiB): a
  // C-GET brings whole cines over this association, and each PDU costs a read, a
  // header parse and a copy on both sides (PS3.8 9.3.1: the receiver sets it).
  cond = ASC_createAssociationParameters(&params, ASC_MAXIMUMPDUSIZE);
  if (cond.bad()) return makeError(std::string("cannot create association parameters: ") + cond.text());
  const std::string peer = address(node);
  ASC_setAPTitles(params, node.callingAe.c_str(), node.calledAe.c_str(), nullptr);
  cond = ASC_setPresentationAddresses(params, OFStandard::getHostName().c_str(), peer.c_str());
  if (cond.good() && node.tls.enabled) cond = ASC_setTransportLayerType(params, OFTrue);
  if (cond.good()) cond = addContexts(params, contexts);
  if (cond.bad()) {
    ASC_destroyAssociationParameters(&params);
    return makeError(std::string("cannot propose presentation contexts: ") + cond.text());
  }
  cond = ASC_requestAssociation(net, params, &a->assoc_);
  if (cond.bad()) {
    Error e = requestError(node, cond, params);
    if (!a->assoc_) ASC_destroyAssociationParameters(&params);  // else the association owns them
    a->released_ = true;                                        // nothing to release or abort
    return e;
  }
  if (ASC_countAcceptedPresentationContexts(params) == 0) {
    a->broken_ = true;
    return makeError(describe(node) + " accepted none of the " + std::to_string(contexts.size()) +
                     " proposed presentation contexts (SOP classes / transfer syntaxes)");
  }
  return a;
}

Association::~Association() {
  if (assoc_) {
    if (!released_) {
      if (broken_)
        ASC_abortAssociation(assoc_);
      else
        ASC_releaseAssociation(assoc_);
    }
    ASC_destroyAssociation(&assoc_);
  }
  if (net_) ASC_dropNetwork(&net_);
}

Status Association::release() {
  if (released_ || !assoc_) return Status::success();
  released_ = true;
  OFCondition cond = broken_ ? ASC_abortAssociation(assoc_) : ASC_releaseAssociation(assoc_);
  if (cond.bad()) return makeError("releasing the association with " + describe(node_) + " failed: " + cond.text());
  return Status::success();
}

T_ASC_PresentationContextID Association::contextFor(const std::string& sopClass,
                                                    const std::string& transferSyntax) const {
  if (!assoc_) return 0;
  if (!transferSyntax.empty()) {
    T_ASC_PresentationContextID id =
        ASC_findAcceptedPresentationContextID(assoc_, sopClass.c_str(), transferSyntax.c_str());
    if (id != 0) return id;
  }
  return ASC_findAcceptedPresentationContextID(assoc_, sopClass.c_str());
}

std::string Association::acceptedTransferSyntax(T_ASC_PresentationContextID id) const {
  T_ASC_PresentationContext pc;
  if (!assoc_ || ASC_findAcceptedPresentationContext(assoc_->params, id, &pc).bad()) return {};
  return pc.acceptedTransferSyntax;
}

Error Association::dimseError(const std::string& what, const OFCondition& cond) const {
  const std::string who = describe(node_);
  if (cond == DUL_PEERABORTEDASSOCIATION) return makeError(what + ": association aborted by " + who);
  if (cond == DIMSE_NODATAAVAILABLE || cond == DUL_READTIMEOUT)
    return makeError(what + ": timeout, no response from " + who + " within " + std::to_string(node_.dimseTimeoutS) +
                     " s");
  if (cond == DUL_NETWORKCLOSED || cond == DUL_PEERREQUESTEDRELEASE)
    return makeError(what + ": " + who + " closed the connection");
  return makeError(what + " with " + who + " failed: " + cond.text());
}

DimseOutcome classifyStatus(unsigned s) {
  if (s == 0x0000) return DimseOutcome::Success;
  if (s == 0xFF00 || s == 0xFF01) return DimseOutcome::Pending;
  if (s == 0xFE00) return DimseOutcome::Cancel;
  if (s == 0x0001 || s == 0x0107 || s == 0x0116 || (s & 0xF000) == 0xB000) return DimseOutcome::Warning;
  return DimseOutcome::Failure;
}

std::string hex4(unsigned status) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", status & 0xFFFFu);
  return buf;
}

std::string statusMeaning(unsigned s) {
  switch (s) {
    case 0x0000:
      return "success";
    case 0xFF00:
    case 0xFF01:
      return "pending";
    case 0xFE00:
      return "cancelled";
    case 0xB000:
      return "warning: coercion of data elements";
    case 0xB006:
      return "warning: elements discarded";
    case 0xB007:
      return "warning: data set does not match SOP class";
    case 0x0001:
      return "warning: requested optional attributes not supported";
    case 0x0107:
      return "warning: attribute list error";
    case 0x0116:
      return "warning: attribute value out of range";
    case 0x0110:
      return "failure: processing failure";
    case 0x0111:
      return "failure: duplicate SOP instance";
    case 0x0117:
      return "failure: invalid object instance";
    case 0x0122:
      return "failure: SOP class not supported";
    case 0x0124:
      return "failure: not authorised";
    case 0x0211:
      return "failure: unrecognised operation";
    case 0xA801:
      return "failure: move destination unknown";
    case 0xA900:
      return "failure: identifier does not match SOP class";
  }
  if ((s & 0xFF00) == 0xA700) return "failure: out of resources";
  if ((s & 0xFF00) == 0xA900) return "failure: data set does not match SOP class";
  if ((s & 0xF000) == 0xC000) return "failure: cannot understand";
  if ((s & 0xF000) == 0xB000) return "warning";
  return "failure";
}

}  // namespace annulo::net_detail
