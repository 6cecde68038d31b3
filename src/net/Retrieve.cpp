#include "annulo/net/Retrieve.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/ofstd/ofstd.h>

#include <chrono>
#include <filesystem>

#include "annulo/net/PrivateFiles.h"
#include "net/Association.h"
#include "net/IncomingFile.h"
#include "net/RetrieveKeys.h"

namespace annulo {

using namespace net_detail;

namespace {

const char* const kGetModel = UID_GETStudyRootQueryRetrieveInformationModel;

// What a reader of annulograms, MR and our own reports needs back. C-GET needs
// contexts per SOP class with us in the SCP role, and 128 contexts is the limit.
const char* const kImageClasses[] = {UID_XRayAngiographicImageStorage,
                                     UID_EnhancedXAImageStorage,
                                     UID_XRayRadiofluoroscopicImageStorage,
                                     UID_EnhancedXRFImageStorage,
                                     UID_MRImageStorage,
                                     UID_EnhancedMRImageStorage,
                                     UID_CTImageStorage,
                                     UID_EnhancedCTImageStorage,
                                     UID_ComputedRadiographyImageStorage,
                                     UID_DigitalXRayImageStorageForPresentation,
                                     UID_DigitalXRayImageStorageForProcessing,
                                     UID_DigitalMammographyXRayImageStorageForPresentation,
                                     UID_SecondaryCaptureImageStorage,
                                     UID_MultiframeGrayscaleByteSecondaryCaptureImageStorage,
                                     UID_MultiframeGrayscaleWordSecondaryCaptureImageStorage,
                                     UID_MultiframeSingleBitSecondaryCaptureImageStorage,
                                     UID_MultiframeTrueColorSecondaryCaptureImageStorage,
                                     UID_UltrasoundImageStorage,
                                     UID_UltrasoundMultiframeImageStorage,
                                     UID_NuclearMedicineImageStorage,
                                     UID_PositronEmissionTomographyImageStorage,
                                     UID_VLPhotographicImageStorage};
const char* const kDocumentClasses[] = {UID_BasicTextSRStorage,
                                        UID_EnhancedSRStorage,
                                        UID_ComprehensiveSRStorage,
                                        UID_Comprehensive3DSRStorage,
                                        UID_KeyObjectSelectionDocumentStorage,
                                        UID_XRayRadiationDoseSRStorage,
                                        UID_SegmentationStorage,
                                        UID_GrayscaleSoftcopyPresentationStateStorage,
                                        UID_ColorSoftcopyPresentationStateStorage,
                                        UID_PseudoColorSoftcopyPresentationStateStorage,
                                        UID_BlendingSoftcopyPresentationStateStorage,
                                        UID_XAXRFGrayscaleSoftcopyPresentationStateStorage,
                                        UID_EncapsulatedPDFStorage};

// One context per lossless compressed syntax (the acceptor picks one syntax per
// context, so a list in one context would make the PACS transcode): a JPEG-LS
// cine comes back bit for bit as stored. Uncompressed is the fallback it always has.
std::vector<ProposedContext> getContexts() {
  const std::vector<std::string> plain = {UID_LittleEndianExplicitTransferSyntax,
                                          UID_LittleEndianImplicitTransferSyntax};
  std::vector<ProposedContext> out = {{kGetModel, plain}};
  for (const char* cls : kImageClasses) {
    out.push_back({cls, plain, ASC_SC_ROLE_SCP});
    for (const char* ts :
         {UID_JPEGLSLosslessTransferSyntax, UID_JPEGProcess14SV1TransferSyntax, UID_RLELosslessTransferSyntax})
      out.push_back({cls, {ts}, ASC_SC_ROLE_SCP});
  }
  for (const char* cls : kDocumentClasses) out.push_back({cls, plain, ASC_SC_ROLE_SCP});
  return out;
}

struct Session {
  Association& assoc;
  std::filesystem::path folder;
  RetrieveReport& report;
  const RetrieveOptions& options;
  T_ASC_PresentationContextID getContext;
  DIC_US getMessageId;
  BackgroundCommits& commits;
  bool cancelSent = false;
};

// The data set straight from the association into `temp`, meta header first, its
// bytes as the PACS sent them: no parse into memory and no re-encoding (what
// DCMTK's storescp --bit-preserving does; getscu parses and re-writes). `id` is the
// command's context: the data set must come on the same one.
OFCondition receiveIntoFile(Session& s, T_ASC_PresentationContextID id, const T_DIMSE_C_StoreRQ& req,
                            const std::filesystem::path& temp, bool& written) {
  DcmOutputFileStream* out = nullptr;
  OFCondition cond = DIMSE_createFilestream(temp.c_str(), &req, s.assoc.get(), id, OFTrue, &out);
  written = cond.good();
  if (!written) {
    s.report.failures.push_back(temp.string() + ": cannot create: " + cond.text());
    DIC_UL bytes = 0, pdvs = 0;
    cond = DIMSE_ignoreDataSet(s.assoc.get(), DIMSE_NONBLOCKING, s.assoc.node().dimseTimeoutS, &bytes, &pdvs);
  } else {
    cond = DIMSE_receiveDataSetInFile(s.assoc.get(), DIMSE_NONBLOCKING, s.assoc.node().dimseTimeoutS, &id, out, nullptr,
                                      nullptr);
  }
  delete out;
  return cond;
}

// One incoming instance: streamed to a private temporary file, answered as soon as
// it is written; the fsync and rename to folder/<SOPInstanceUID>.dcm happen on the
// commit thread meanwhile (a failed commit is reported at the end).
Status handleStoreRequest(Session& s, T_ASC_PresentationContextID id, T_DIMSE_C_StoreRQ& req) {
  auto temp = createIncomingTemp(s.folder, req.AffectedSOPInstanceUID);
  bool written = false;
  OFCondition cond;
  if (temp) {
    cond = receiveIntoFile(s, id, req, *temp, written);
  } else {
    s.report.failures.push_back(temp.message());
    DIC_UL bytes = 0, pdvs = 0;
    cond = DIMSE_ignoreDataSet(s.assoc.get(), DIMSE_NONBLOCKING, s.assoc.node().dimseTimeoutS, &bytes, &pdvs);
  }
  if (temp && (cond.bad() || !written)) {
    std::error_code ec;
    std::filesystem::remove(*temp, ec);
  }
  if (cond.bad()) return s.assoc.dimseError("receiving a C-STORE sub-operation", cond);
  if (written) s.commits.add(*temp, s.folder / (std::string(req.AffectedSOPInstanceUID) + ".dcm"));
  T_DIMSE_C_StoreRSP rsp{};
  rsp.MessageIDBeingRespondedTo = req.MessageID;
  rsp.DimseStatus = written ? STATUS_Success : STATUS_STORE_Refused_OutOfResources;
  rsp.DataSetType = DIMSE_DATASET_NULL;
  OFStandard::strlcpy(rsp.AffectedSOPClassUID, req.AffectedSOPClassUID, sizeof rsp.AffectedSOPClassUID);
  OFStandard::strlcpy(rsp.AffectedSOPInstanceUID, req.AffectedSOPInstanceUID, sizeof rsp.AffectedSOPInstanceUID);
  rsp.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
  cond = DIMSE_sendStoreResponse(s.assoc.get(), id, &req, &rsp, nullptr);
  if (cond.bad()) return s.assoc.dimseError("answering a C-STORE sub-operation", cond);
  return Status::success();
}

// The committed files into the report, in arrival order.
void collectCommits(BackgroundCommits& commits, RetrieveReport& report) {
  for (auto& c : commits.finish()) {
    if (c.path.empty()) {
      report.failures.push_back(std::move(c.error));
      continue;
    }
    std::error_code ec;
    report.bytes += std::filesystem::file_size(c.path, ec);
    report.files.push_back(std::move(c.path));
  }
}

// Returns true when this was the final C-GET response.
bool handleGetResponse(Session& s, const T_DIMSE_C_GetRSP& rsp) {
  RetrieveReport& r = s.report;
  if (rsp.opts & O_GET_NUMBEROFCOMPLETEDSUBOPERATIONS) r.completed = rsp.NumberOfCompletedSubOperations;
  if (rsp.opts & O_GET_NUMBEROFFAILEDSUBOPERATIONS) r.failed = rsp.NumberOfFailedSubOperations;
  if (rsp.opts & O_GET_NUMBEROFWARNINGSUBOPERATIONS) r.warning = rsp.NumberOfWarningSubOperations;
  if (s.options.progress && (rsp.opts & O_GET_NUMBEROFREMAININGSUBOPERATIONS)) {
    const double done = r.completed + r.failed + r.warning;
    const double total = done + rsp.NumberOfRemainingSubOperations;
    if (total > 0) s.options.progress->store(float(done / total), std::memory_order_relaxed);
  }
  r.status = rsp.DimseStatus;
  r.statusMeaning = statusMeaning(rsp.DimseStatus);
  return classifyStatus(rsp.DimseStatus) != DimseOutcome::Pending;
}

void maybeCancel(Session& s) {
  if (s.cancelSent || !s.options.cancel || !s.options.cancel->load(std::memory_order_relaxed)) return;
  s.cancelSent = true;
  s.report.cancelled = true;
  (void)DIMSE_sendCancelRequest(s.assoc.get(), s.getContext, s.getMessageId);
}

// The C-GET conversation: C-STORE requests and C-GET responses interleave until the final response.
Status runSession(Session& s) {
  for (;;) {
    maybeCancel(s);
    T_DIMSE_Message msg{};
    T_ASC_PresentationContextID id = 0;
    DcmDataset* detail = nullptr;
    OFCondition cond =
        DIMSE_receiveCommand(s.assoc.get(), DIMSE_NONBLOCKING, s.assoc.node().dimseTimeoutS, &id, &msg, &detail);
    delete detail;
    if (cond.bad()) return s.assoc.dimseError("C-GET", cond);
    if (msg.CommandField == DIMSE_C_STORE_RQ) {
      if (auto st = handleStoreRequest(s, id, msg.msg.CStoreRQ); !st) return st;
    } else if (msg.CommandField == DIMSE_C_GET_RSP) {
      if (msg.msg.CGetRSP.DataSetType != DIMSE_DATASET_NULL) {
        DcmDataset* failedList = nullptr;  // Failed SOP Instance UID List; the counts say enough
        cond = DIMSE_receiveDataSetInMemory(s.assoc.get(), DIMSE_NONBLOCKING, s.assoc.node().dimseTimeoutS, &id,
                                            &failedList, nullptr, nullptr);
        delete failedList;
        if (cond.bad()) return s.assoc.dimseError("C-GET response", cond);
      }
      if (handleGetResponse(s, msg.msg.CGetRSP)) return Status::success();
    } else {
      return makeError("C-GET: unexpected DIMSE command " + hex4(msg.CommandField) + " from " +
                       describe(s.assoc.node()));
    }
  }
}

Status sendGetRequest(Session& s, const std::string& studyUid) {
  DcmDataset keys;
  fillRetrieveKeys(keys, studyUid, s.options.seriesInstanceUid);
  T_DIMSE_Message msg{};
  msg.CommandField = DIMSE_C_GET_RQ;
  T_DIMSE_C_GetRQ& req = msg.msg.CGetRQ;
  req.MessageID = s.getMessageId;
  OFStandard::strlcpy(req.AffectedSOPClassUID, kGetModel, sizeof req.AffectedSOPClassUID);
  req.Priority = DIMSE_PRIORITY_MEDIUM;
  req.DataSetType = DIMSE_DATASET_PRESENT;
  OFCondition cond =
      DIMSE_sendMessageUsingMemoryData(s.assoc.get(), s.getContext, &msg, nullptr, &keys, nullptr, nullptr);
  if (cond.bad()) return s.assoc.dimseError("sending the C-GET request", cond);
  return Status::success();
}

}  // namespace

const std::vector<std::string>& retrievableSopClasses() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v(std::begin(kImageClasses), std::end(kImageClasses));
    v.insert(v.end(), std::begin(kDocumentClasses), std::end(kDocumentClasses));
    return v;
  }();
  return all;
}

const std::vector<std::string>& acceptedTransferSyntaxes() {
  static const std::vector<std::string> all = {UID_JPEGLSLosslessTransferSyntax, UID_JPEGProcess14SV1TransferSyntax,
                                               UID_RLELosslessTransferSyntax, UID_LittleEndianExplicitTransferSyntax,
                                               UID_LittleEndianImplicitTransferSyntax};
  return all;
}

Result<RetrieveReport> retrieveStudy(const PacsNode& node, const std::string& studyInstanceUid,
                                     const std::string& folder, const RetrieveOptions& options) {
  if (studyInstanceUid.empty()) return makeError("no Study Instance UID to retrieve");
  const auto start = std::chrono::steady_clock::now();
  if (auto made = makePrivateDirs(folder); !made) return made.error();
  removeStaleIncoming(folder);
  auto assoc = Association::open(node, getContexts());
  if (!assoc) return assoc.error();
  Association& a = **assoc;
  const T_ASC_PresentationContextID getContext = a.contextFor(kGetModel);
  if (getContext == 0) {
    a.markBroken();
    return makeError(describe(node) + " does not offer C-GET (Study Root GET model not accepted)");
  }
  RetrieveReport report;
  BackgroundCommits commits;
  Session s{a, folder, report, options, getContext, a.get()->nextMsgID++, commits};
  if (options.progress) options.progress->store(0.0f, std::memory_order_relaxed);
  Status st = sendGetRequest(s, studyInstanceUid);
  if (st) st = runSession(s);
  collectCommits(commits, report);  // what arrived stays on disk, also after an error
  if (!st) {
    a.markBroken();
    return st.error();
  }
  (void)a.release();  // the final response is in: a failed release loses nothing
  if (options.progress) options.progress->store(1.0f, std::memory_order_relaxed);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace annulo
