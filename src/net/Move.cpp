#include "annulo/net/Move.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <chrono>
#include <filesystem>

#include "annulo/net/PrivateFiles.h"
#include "annulo/net/StorageScp.h"
#include "net/Association.h"
#include "net/IncomingFile.h"
#include "net/RetrieveKeys.h"

namespace annulo {

using namespace net_detail;

namespace {

const char* const kMoveModel = UID_MOVEStudyRootQueryRetrieveInformationModel;

struct MoveProgress {
  const RetrieveOptions* options;
  T_ASC_Association* assoc;
  T_ASC_PresentationContextID context;
  bool cancelSent = false;
};

// Called on each pending C-MOVE-RSP: progress, and C-CANCEL when asked (PS3.7 9.3.4.3).
void onMoveResponse(void* data, T_DIMSE_C_MoveRQ* request, int, T_DIMSE_C_MoveRSP* rsp) {
  auto* p = static_cast<MoveProgress*>(data);
  if (p->options->progress && (rsp->opts & O_MOVE_NUMBEROFREMAININGSUBOPERATIONS)) {
    const double done =
        rsp->NumberOfCompletedSubOperations + rsp->NumberOfFailedSubOperations + rsp->NumberOfWarningSubOperations;
    const double total = done + rsp->NumberOfRemainingSubOperations;
    if (total > 0) p->options->progress->store(float(done / total), std::memory_order_relaxed);
  }
  if (!p->cancelSent && p->options->cancel && p->options->cancel->load(std::memory_order_relaxed)) {
    p->cancelSent = true;
    (void)DIMSE_sendCancelRequest(p->assoc, p->context, request->MessageID);
  }
}

void fillReport(RetrieveReport& r, const T_DIMSE_C_MoveRSP& rsp, const StorageScp& scp) {
  if (rsp.opts & O_MOVE_NUMBEROFCOMPLETEDSUBOPERATIONS) r.completed = rsp.NumberOfCompletedSubOperations;
  if (rsp.opts & O_MOVE_NUMBEROFFAILEDSUBOPERATIONS) r.failed = rsp.NumberOfFailedSubOperations;
  if (rsp.opts & O_MOVE_NUMBEROFWARNINGSUBOPERATIONS) r.warning = rsp.NumberOfWarningSubOperations;
  r.status = rsp.DimseStatus;
  r.statusMeaning = statusMeaning(rsp.DimseStatus);
  for (const auto& f : scp.received()) {
    r.files.push_back(f.path);
    std::error_code ec;
    r.bytes += std::filesystem::file_size(f.path, ec);
  }
  r.failures = scp.failures();
}

}  // namespace

Result<RetrieveReport> moveStudy(const PacsNode& node, const std::string& studyInstanceUid, const std::string& folder,
                                 const MoveOptions& options) {
  if (studyInstanceUid.empty()) return makeError("no Study Instance UID to retrieve");
  const auto start = std::chrono::steady_clock::now();
  if (auto made = makePrivateDirs(folder); !made) return made.error();
  removeStaleIncoming(folder);
  StorageScpConfig sc;
  sc.aeTitle = options.destinationAe.empty() ? node.callingAe : options.destinationAe;
  sc.bindAddress = options.bindAddress;
  sc.port = options.port;
  sc.peers = {{node.calledAe, ""}};
  sc.folder = folder;
  sc.dimseTimeoutS = node.dimseTimeoutS;
  sc.tls = options.scpTls;
  auto scp = StorageScp::start(sc);
  if (!scp) return scp.error();

  auto assoc = Association::open(
      node, {{kMoveModel, {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}}});
  if (!assoc) return assoc.error();
  Association& a = **assoc;
  const T_ASC_PresentationContextID id = a.contextFor(kMoveModel);
  DcmDataset keys;
  fillRetrieveKeys(keys, studyInstanceUid, options.retrieve.seriesInstanceUid);
  T_DIMSE_C_MoveRQ req{};
  req.MessageID = a.get()->nextMsgID++;
  OFStandard::strlcpy(req.AffectedSOPClassUID, kMoveModel, sizeof req.AffectedSOPClassUID);
  OFStandard::strlcpy(req.MoveDestination, sc.aeTitle.c_str(), sizeof req.MoveDestination);
  req.Priority = DIMSE_PRIORITY_MEDIUM;
  req.DataSetType = DIMSE_DATASET_PRESENT;
  MoveProgress progress{&options.retrieve, a.get(), id};
  if (options.retrieve.progress) options.retrieve.progress->store(0.0f, std::memory_order_relaxed);
  T_DIMSE_C_MoveRSP rsp{};
  DcmDataset* detail = nullptr;
  DcmDataset* rspIds = nullptr;
  OFCondition cond = DIMSE_moveUser(a.get(), id, &req, &keys, onMoveResponse, &progress, DIMSE_NONBLOCKING,
                                    node.dimseTimeoutS, nullptr, nullptr, nullptr, &rsp, &detail, &rspIds, OFTrue);
  delete detail;
  delete rspIds;
  if (cond.bad()) {
    a.markBroken();
    return a.dimseError("C-MOVE", cond);
  }
  (void)a.release();
  (*scp)->stop();  // the final response comes after the last sub-operation: everything is in
  RetrieveReport report;
  report.cancelled = progress.cancelSent;
  fillReport(report, rsp, **scp);
  if (classifyStatus(rsp.DimseStatus) == DimseOutcome::Failure && report.files.empty())
    return makeError("C-MOVE on " + describe(node) + " to " + sc.aeTitle + " answered " + hex4(rsp.DimseStatus) + " (" +
                     statusMeaning(rsp.DimseStatus) + "); does the PACS know " + sc.aeTitle + " with port " +
                     std::to_string((*scp)->port()) + "?");
  if (options.retrieve.progress) options.retrieve.progress->store(1.0f, std::memory_order_relaxed);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace annulo
