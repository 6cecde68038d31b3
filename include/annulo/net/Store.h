#pragma once
// C-STORE SCU: send DICOM files to a PACS, one report line per file. One bad
// file (not DICOM, unreadable, SOP class refused) never stops the batch.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

namespace annulo {

enum class StoreOutcome {
  Success,
  Warning,              // stored, with a warning status (e.g. coercion of data elements)
  Failure,              // the PACS answered a failure status, or the exchange broke
  NotDicom,             // unreadable or not a DICOM file: never sent
  SopClassNotAccepted,  // the PACS accepted no presentation context for its SOP class / syntax
  Cancelled,            // not sent because the caller cancelled
};
const char* outcomeName(StoreOutcome outcome);

struct FileStoreResult {
  std::string path;
  std::string sopInstanceUid;
  std::string sopClassUid;
  std::string transferSyntaxUid;  // the one sent (after conversion when the peer refused the file's own)
  StoreOutcome outcome = StoreOutcome::Failure;
  unsigned status = 0;      // DIMSE status of the C-STORE-RSP when there was one
  std::string message;      // status meaning, or why it was not sent
  std::uint64_t bytes = 0;  // file size
  double ms = 0;
};

struct StoreOptions {
  std::atomic<float>* progress = nullptr;     // fraction of files done, 0..1
  const std::atomic<bool>* cancel = nullptr;  // checked between files
};

struct StoreReport {
  std::vector<FileStoreResult> files;  // in the order given
  std::size_t stored = 0;              // Success + Warning
  std::size_t warnings = 0;
  std::size_t notStored = 0;
  std::uint64_t bytesSent = 0;
  double seconds = 0;
  bool cancelled = false;
  bool ok() const { return notStored == 0 && !cancelled; }
};

// (Re)counts stored / warnings / notStored / bytesSent / cancelled from `files`: the one
// tally for every way of sending (DIMSE, DICOMweb, the outbox).
void countStoreOutcomes(StoreReport& report);

// Errors only when nothing could be sent at all (no files, or the association
// failed: refused, unknown host, rejected...); per-file trouble is in the report.
Result<StoreReport> storeFiles(const PacsNode& node, const std::vector<std::string>& files,
                               const StoreOptions& options = {});

}  // namespace annulo
