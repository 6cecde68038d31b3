#include "annulo/net/Store.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/ofstd/ofstd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>

#include "annulo/dicom/FileIdentity.h"
#include "dicom/Codecs.h"
#include "net/Association.h"

namespace annulo {

using namespace net_detail;

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Candidate {
  std::size_t index;  // into the report
  std::string sopClass, ts;
};

bool isUncompressed(const std::string& ts) {
  return ts == UID_LittleEndianExplicitTransferSyntax || ts == UID_LittleEndianImplicitTransferSyntax ||
         ts == UID_BigEndianExplicitTransferSyntax;
}

// The file's own syntax where it is compressed (sent as is, bit for bit), and
// uncompressed little endian so the file still goes if the PACS refuses that.
std::vector<ProposedContext> contextsFor(const std::vector<Candidate>& files) {
  std::map<std::pair<std::string, std::string>, ProposedContext> unique;
  const std::vector<std::string> plain = {UID_LittleEndianExplicitTransferSyntax,
                                          UID_LittleEndianImplicitTransferSyntax};
  for (const auto& f : files) {
    unique.emplace(std::make_pair(f.sopClass, std::string()), ProposedContext{f.sopClass, plain});
    if (!isUncompressed(f.ts)) unique.emplace(std::make_pair(f.sopClass, f.ts), ProposedContext{f.sopClass, {f.ts}});
  }
  std::vector<ProposedContext> out;
  for (auto& [key, c] : unique) out.push_back(std::move(c));
  return out;
}

// Files split so that no association proposes more than 128 contexts.
std::vector<std::vector<Candidate>> planBatches(const std::vector<Candidate>& files) {
  std::map<std::string, std::vector<Candidate>> byClass;
  for (const auto& f : files) byClass[f.sopClass].push_back(f);
  std::vector<std::vector<Candidate>> batches(1);
  for (auto& [cls, group] : byClass) {
    std::vector<Candidate> trial = batches.back();
    trial.insert(trial.end(), group.begin(), group.end());
    if (contextsFor(trial).size() > 128 && !batches.back().empty()) batches.emplace_back();
    batches.back().insert(batches.back().end(), group.begin(), group.end());
  }
  // Restore the caller's order within each batch.
  for (auto& b : batches)
    std::sort(b.begin(), b.end(), [](const Candidate& x, const Candidate& y) { return x.index < y.index; });
  return batches;
}

// Loads the whole file and converts it to the accepted syntax when it differs.
Result<std::unique_ptr<DcmFileFormat>> loadForSending(const std::string& path, const std::string& acceptedTs) {
  auto ff = std::make_unique<DcmFileFormat>();
  OFCondition cond = ff->loadFile(path.c_str());
  if (cond.bad()) return makeError(std::string("cannot read: ") + cond.text());
  DcmDataset* ds = ff->getDataset();
  const E_TransferSyntax target = DcmXfer(acceptedTs.c_str()).getXfer();
  if (ds->getOriginalXfer() != target) {
    ensureDecodersRegistered();
    cond = ds->chooseRepresentation(target, nullptr);
    if (cond.bad() || !ds->canWriteXfer(target))
      return makeError(std::string("cannot convert to ") + DcmXfer(target).getXferName() +
                       " for sending: " + (cond.bad() ? cond.text() : "no codec"));
  }
  return ff;
}

void applyStatus(FileStoreResult& r, unsigned status) {
  r.status = status;
  r.message = statusMeaning(status);
  switch (classifyStatus(status)) {
    case DimseOutcome::Success:
      r.outcome = StoreOutcome::Success;
      break;
    case DimseOutcome::Warning:
      r.outcome = StoreOutcome::Warning;
      break;
    default:
      r.outcome = StoreOutcome::Failure;
      break;
  }
}

// Sends one file; false when the association broke and must be reopened.
bool sendOne(Association& a, FileStoreResult& r) {
  const auto start = Clock::now();
  const T_ASC_PresentationContextID id = a.contextFor(r.sopClassUid, r.transferSyntaxUid);
  if (id == 0) {
    r.outcome = StoreOutcome::SopClassNotAccepted;
    const char* name = dcmFindNameOfUID(r.sopClassUid.c_str(), nullptr);
    r.message = "SOP class " + (name ? std::string(name) + " (" + r.sopClassUid + ")" : r.sopClassUid) +
                " not accepted by " + describe(a.node());
    return true;
  }
  const std::string acceptedTs = a.acceptedTransferSyntax(id);
  auto file = loadForSending(r.path, acceptedTs);
  if (!file) {
    r.outcome = StoreOutcome::NotDicom;
    r.message = file.message();
    return true;
  }
  r.transferSyntaxUid = acceptedTs;
  T_DIMSE_C_StoreRQ req{};
  req.MessageID = a.get()->nextMsgID++;
  OFStandard::strlcpy(req.AffectedSOPClassUID, r.sopClassUid.c_str(), sizeof req.AffectedSOPClassUID);
  OFStandard::strlcpy(req.AffectedSOPInstanceUID, r.sopInstanceUid.c_str(), sizeof req.AffectedSOPInstanceUID);
  req.DataSetType = DIMSE_DATASET_PRESENT;
  req.Priority = DIMSE_PRIORITY_MEDIUM;
  T_DIMSE_C_StoreRSP rsp{};
  DcmDataset* detail = nullptr;
  OFCondition cond = DIMSE_storeUser(a.get(), id, &req, nullptr, (*file)->getDataset(), nullptr, nullptr,
                                     DIMSE_NONBLOCKING, a.node().dimseTimeoutS, &rsp, &detail);
  delete detail;  // owned by us; the status code is what we report
  r.ms = msSince(start);
  if (cond.bad()) {
    r.outcome = StoreOutcome::Failure;
    r.message = a.dimseError("C-STORE", cond).message;
    a.markBroken();
    return false;
  }
  applyStatus(r, rsp.DimseStatus);
  return true;
}

class Progress {
 public:
  Progress(std::atomic<float>* out, std::size_t total) : out_(out), total_(total ? total : 1) {
    if (out_) out_->store(0.0f, std::memory_order_relaxed);
  }
  void done() {
    if (out_) out_->store(float(++done_) / float(total_), std::memory_order_relaxed);
  }

 private:
  std::atomic<float>* out_;
  std::size_t total_, done_ = 0;
};

bool cancelled(const StoreOptions& o) { return o.cancel && o.cancel->load(std::memory_order_relaxed); }

void markRest(StoreReport& report, const std::vector<Candidate>& batch, std::size_t from, StoreOutcome outcome,
              const std::string& why) {
  for (std::size_t i = from; i < batch.size(); ++i) {
    report.files[batch[i].index].outcome = outcome;
    report.files[batch[i].index].message = why;
  }
}

// Sends one batch, reopening the association after a broken exchange so that
// one file the PACS chokes on does not take the rest with it. Returns the
// association error when the very first open failed.
std::optional<Error> sendBatch(const PacsNode& node, const std::vector<Candidate>& batch, const StoreOptions& options,
                               StoreReport& report, Progress& progress) {
  std::size_t next = 0;
  bool anyOpened = false;
  while (next < batch.size()) {
    if (cancelled(options)) break;
    auto assoc = Association::open(node, contextsFor(std::vector<Candidate>(batch.begin() + long(next), batch.end())));
    if (!assoc) {
      markRest(report, batch, next, StoreOutcome::Failure, "not sent: " + assoc.message());
      for (std::size_t i = next; i < batch.size(); ++i) progress.done();
      if (!anyOpened) return assoc.error();
      return std::nullopt;
    }
    anyOpened = true;
    bool intact = true;
    while (next < batch.size() && intact && !cancelled(options)) {
      intact = sendOne(**assoc, report.files[batch[next].index]);
      ++next;
      progress.done();
    }
    if (intact) (void)(*assoc)->release();  // everything was answered: a failed release loses nothing
  }
  if (next < batch.size()) markRest(report, batch, next, StoreOutcome::Cancelled, "cancelled before sending");
  return std::nullopt;
}

}  // namespace

const char* outcomeName(StoreOutcome outcome) {
  switch (outcome) {
    case StoreOutcome::Success:
      return "success";
    case StoreOutcome::Warning:
      return "warning";
    case StoreOutcome::Failure:
      return "failure";
    case StoreOutcome::NotDicom:
      return "not-dicom";
    case StoreOutcome::SopClassNotAccepted:
      return "sop-class-not-accepted";
    case StoreOutcome::Cancelled:
      return "cancelled";
  }
  return "failure";
}

void countStoreOutcomes(StoreReport& report) {
  report.stored = report.warnings = report.notStored = 0;
  report.bytesSent = 0;
  report.cancelled = false;
  for (const auto& f : report.files) {
    if (f.outcome == StoreOutcome::Success || f.outcome == StoreOutcome::Warning) {
      ++report.stored;
      report.bytesSent += f.bytes;
      if (f.outcome == StoreOutcome::Warning) ++report.warnings;
    } else {
      ++report.notStored;
    }
    if (f.outcome == StoreOutcome::Cancelled) report.cancelled = true;
  }
}

Result<StoreReport> storeFiles(const PacsNode& node, const std::vector<std::string>& files,
                               const StoreOptions& options) {
  if (files.empty()) return makeError("no files to send");
  if (auto s = validate(node); !s) return s.error();
  const auto start = Clock::now();
  StoreReport report;
  report.files.resize(files.size());
  Progress progress(options.progress, files.size());
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < files.size(); ++i) {
    FileStoreResult& r = report.files[i];
    r.path = files[i];
    std::error_code ec;
    r.bytes = std::filesystem::file_size(files[i], ec);
    auto id = readFileIdentity(files[i]);
    if (!id) {
      r.outcome = StoreOutcome::NotDicom;
      r.message = id.message();
      progress.done();
    } else {
      r.sopClassUid = id->sopClassUid;
      r.sopInstanceUid = id->sopInstanceUid;
      r.transferSyntaxUid = id->transferSyntaxUid;
      candidates.push_back({i, r.sopClassUid, r.transferSyntaxUid});
    }
  }
  bool anySent = false;
  std::optional<Error> firstError;
  for (const auto& batch : planBatches(candidates)) {
    if (batch.empty()) continue;
    auto err = sendBatch(node, batch, options, report, progress);
    if (err && !firstError) firstError = err;
    if (!err) anySent = true;
  }
  // Nothing reached the PACS because it could not be reached: that is the error,
  // not a list of identical per-file failures.
  if (firstError && !anySent) return *firstError;
  countStoreOutcomes(report);
  report.seconds = msSince(start) / 1000.0;
  return report;
}

}  // namespace annulo
