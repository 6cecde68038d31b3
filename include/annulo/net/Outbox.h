#pragma once
// The persistent outbox: every object Annulo sends to a PACS is first copied here
// (<data>/outbox/<id>/object.dcm plus state.json), so a send that fails (PACS down,
// association rejected, timeout, file refused) loses nothing: the object stays
// with the reason and time, and a later retry (this process or another one, at
// start-up or on demand) sends it. An item being sent is claimed with an
// open-file-description lock (fcntl F_OFD_SETLK), so two retriers, in two
// processes or two threads, never send the same item at the same time; a crashed
// sender's claim ends with its process.

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"
#include "annulo/net/Store.h"

namespace annulo {

enum class OutboxState { Pending, Failed, Sent };
const char* outboxStateName(OutboxState state);  // "pending", "failed", "sent"

struct OutboxItem {
  std::string id;      // folder name: <SOPInstanceUID>-<hash of the node>
  std::string file;    // the copy in the outbox (what is sent)
  std::string source;  // where it was queued from
  std::string sopInstanceUid, sopClassUid, studyInstanceUid;
  std::string node;      // "AET@host:port"
  std::string nodeName;  // the node configuration entry, when sent to a named node
  std::string callingAe;
  TlsSettings tls;  // file paths only: a key passphrase is never written here
  OutboxState state = OutboxState::Pending;
  std::string reason;  // why the last attempt failed (or its warning); empty otherwise
  int attempts = 0;
  std::string lastAttempt;  // ISO 8601 UTC, empty before the first attempt
  std::string queued;       // ISO 8601 UTC
};

// The item as the outbox JSON names it (also the state.json format):
// file, sop_instance_uid, node, state, reason, attempts, last_attempt, and the rest.
nlohmann::json outboxItemJson(const OutboxItem& item);

// Back-off for periodic retries (the viewer's timer): 30 s after the first failed
// attempt, doubling per attempt, at most 30 min; so a PACS down for the night is
// asked about twice an hour, not every few seconds.
std::chrono::seconds outboxRetryDelay(int attempts);
// Is a pending/failed item due for a periodic retry at `now` (its last attempt
// plus the back-off has passed)? Never for sent items; at once for untried ones.
bool outboxRetryDue(const OutboxItem& item, std::chrono::system_clock::time_point now);

// How a retry finds the peer of an item (a named node's TLS settings live in the
// node configuration, not in the outbox).
using OutboxNodeResolver = std::function<Result<PacsNode>(const OutboxItem&)>;
// parsePacsNode(item.node) with the item's calling AE.
Result<PacsNode> nodeOfItem(const OutboxItem& item);

struct OutboxSendReport {
  std::vector<OutboxItem> items;         // the items tried, with their new state
  std::vector<FileStoreResult> results;  // parallel to items: the C-STORE of each (path: the outbox copy)
  std::vector<std::string> busy;         // ids another sender holds right now (not tried)
  std::size_t sent = 0, failed = 0;
  double seconds = 0;
};

class Outbox {
 public:
  explicit Outbox(std::filesystem::path dir);
  static Outbox atDefaultLocation();  // outboxDir()
  const std::filesystem::path& dir() const { return dir_; }

  // Copies `file` in (atomically, 0600) as a pending item for `node`. Queuing the
  // same SOP instance for the same node again replaces the object and makes it
  // pending. Errors: not a DICOM file, cannot write the outbox, item being sent.
  Result<OutboxItem> enqueue(const std::string& file, const PacsNode& node, const std::string& nodeName = {}) const;

  // Every complete item, oldest first; half-made items of a killed process are
  // not listed (and are removed).
  Result<std::vector<OutboxItem>> list() const;

  // Sends the items (ids from enqueue/list) that are not sent yet, one C-STORE
  // association per peer; each ends sent or failed with the reason. Items held
  // by another sender are left alone and listed in `busy`.
  OutboxSendReport send(const std::vector<std::string>& ids, const OutboxNodeResolver& resolve = nodeOfItem,
                        const StoreOptions& options = {}) const;
  // Every pending or failed item (start-up, "Retry now", annulo-cli outbox retry).
  OutboxSendReport retryAll(const OutboxNodeResolver& resolve = nodeOfItem, const StoreOptions& options = {}) const;
  // Those whose back-off has passed (outboxRetryDue): what a periodic timer calls.
  OutboxSendReport retryDue(std::chrono::system_clock::time_point now, const OutboxNodeResolver& resolve = nodeOfItem,
                            const StoreOptions& options = {}) const;

  // Removes sent items (all items with `everything`); returns the removed ids.
  // Items being sent are kept.
  Result<std::vector<std::string>> clear(bool everything) const;
  // Removes every item of a study, whatever its state (annulo-cli forget).
  Result<std::vector<std::string>> removeStudy(const std::string& studyInstanceUid) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace annulo
