#pragma once
// The outbox in the viewer (Outbox.h): what waits to go to a PACS (pending), what
// failed and why, what was sent; "Retry now" and "Clear sent". The viewer retries
// every pending or failed item once at start-up and then, every 30 s, the items
// whose back-off has passed (30 s after a failure, doubling to 30 min), on a
// worker thread; a CLI retry running at the same time never sends the same item
// (the outbox's per-item locks).

#include <cstddef>
#include <string>
#include <vector>

#include "annulo/net/Outbox.h"
#include "annulo/study/Job.h"

namespace annulo::app {

inline constexpr double kOutboxRetryPeriodMs = 30000;
inline constexpr double kOutboxListPeriodMs = 2000;  // the list is re-read from disk this often

struct OutboxViewState {
  Job<OutboxSendReport> retryJob;
  std::vector<OutboxItem> items;  // as last read, oldest first
  std::string listError;          // the outbox could not be read
  std::string status;             // the last retry's outcome, one line
  double listedAtMs = -1e12;      // when `items` was read
  double lastRetryMs = -1e12;     // when the last retry started (start-up or periodic)
  bool startedUp = false;         // the start-up retry has been started
  bool open = false;              // the view is unfolded (a script's 'tab outbox' unfolds it)
  void stopAll() { retryJob.stop(); }
};

struct OutboxCounts {
  std::size_t pending = 0, failed = 0, sent = 0;
};
OutboxCounts countOutbox(const OutboxViewState& st);

// Re-reads the list from disk now.
void refreshOutbox(OutboxViewState& st);
// `all`: every item not sent (start-up, Retry now); otherwise those due (periodic).
void startOutboxRetry(OutboxViewState& st, double nowMs, bool all);
// Once per loop turn: takes a finished retry, starts the start-up retry and the
// periodic ones, re-reads the list every 2 s. True when what the view shows changed.
bool tickOutbox(OutboxViewState& st, double nowMs);

// Blocks until a running retry has finished and takes its result (scripts).
void waitForOutboxRetry(OutboxViewState& st);

// Draws the view (call inside a window).
void drawOutbox(OutboxViewState& st, double nowMs);

}  // namespace annulo::app
