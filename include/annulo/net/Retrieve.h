#pragma once
// C-GET of a whole study: the PACS sends the instances back over our own
// association, so no storage SCP port has to be open on this machine.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

namespace annulo {

struct RetrieveOptions {
  std::string seriesInstanceUid;              // set: that series only (SERIES level), else the whole study
  std::atomic<float>* progress = nullptr;     // completed / (completed + remaining), when the PACS says
  const std::atomic<bool>* cancel = nullptr;  // sends C-CANCEL; what arrived so far stays on disk
};

struct RetrieveReport {
  std::vector<std::string> files;              // folder/<SOPInstanceUID>.dcm, in arrival order
  int completed = 0, failed = 0, warning = 0;  // sub-operation counts (PACS's final response when given)
  unsigned status = 0;                         // final C-GET-RSP status
  std::string statusMeaning;
  std::vector<std::string> failures;  // instances we could not store, and why
  std::uint64_t bytes = 0;
  double seconds = 0;
  bool cancelled = false;
  bool ok() const { return failed == 0 && failures.empty() && !cancelled && !files.empty(); }
};

// Image, SR, SEG and presentation-state SOP classes are accepted; the folder is
// created 0700 and each file written 0600 under a hidden name, renamed when
// complete. Errors when the association fails or the C-GET exchange breaks.
Result<RetrieveReport> retrieveStudy(const PacsNode& node, const std::string& studyInstanceUid,
                                     const std::string& folder, const RetrieveOptions& options = {});

// The SOP classes a retrieve (C-GET or our storage SCP) accepts, and the
// transfer syntaxes offered for each: lossless compressed ones first so files
// arrive as stored, then uncompressed little endian.
const std::vector<std::string>& retrievableSopClasses();
const std::vector<std::string>& acceptedTransferSyntaxes();

}  // namespace annulo
