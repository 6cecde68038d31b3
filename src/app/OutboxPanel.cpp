#include "OutboxPanel.h"

#include <imgui.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "annulo/net/AnyNode.h"

namespace annulo::app {
namespace {

// What kind of object an item holds, from its SOP class (PS3.4 B.5).
const char* kindOf(const std::string& sopClass) {
  if (sopClass.rfind("1.2.840.10008.5.1.4.1.1.88.", 0) == 0) return "SR";
  if (sopClass == "1.2.840.10008.5.1.4.1.1.66.4") return "SEG";
  if (sopClass == "1.2.840.10008.5.1.4.1.1.11.1") return "GSPS";
  return "image";
}

ImVec4 colourOf(OutboxState s) {
  switch (s) {
    case OutboxState::Sent:
      return ImVec4(0.6f, 1.0f, 0.6f, 1.0f);
    case OutboxState::Failed:
      return ImVec4(1.0f, 0.45f, 0.4f, 1.0f);
    case OutboxState::Pending:
      break;
  }
  return ImVec4(1.0f, 0.8f, 0.35f, 1.0f);
}

// "2026-12-02T12:31:05Z" -> "12:31:05" (the day only when it is not today's).
std::string shortTime(const std::string& iso) {
  if (iso.size() < 19) return iso;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", std::gmtime(&now));
  return iso.compare(0, 10, today) == 0 ? iso.substr(11, 8) + " UTC" : iso.substr(0, 10) + " " + iso.substr(11, 5);
}

// Greyed text that wraps at the panel's edge (paths and reasons are long).
void disabledWrapped(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

void absorb(OutboxViewState& st, const Result<OutboxSendReport>& r) {
  if (!r) {
    st.status = "retry: " + r.message();
  } else if (!r->items.empty() || !r->busy.empty()) {
    st.status = "retried " + std::to_string(r->items.size()) + ": " + std::to_string(r->sent) + " sent, " +
                std::to_string(r->failed) + " failed";
    if (!r->busy.empty()) st.status += ", " + std::to_string(r->busy.size()) + " being sent by another process";
  }
  refreshOutbox(st);
}

void takeRetry(OutboxViewState& st) {
  if (auto done = st.retryJob.take()) absorb(st, *done);
}

void drawItem(const OutboxItem& i) {
  ImGui::TextColored(colourOf(i.state), "%-7s", outboxStateName(i.state));
  ImGui::SameLine();
  const std::string name = std::string(kindOf(i.sopClassUid)) + " " + i.sopInstanceUid;
  ImGui::TextWrapped("%s", name.c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\nqueued from %s\nstudy %s\nqueued %s", i.file.c_str(), i.source.c_str(),
                      i.studyInstanceUid.c_str(), i.queued.c_str());
  ImGui::Indent();
  std::string line = "to " + (i.nodeName.empty() ? i.node : i.nodeName + " (" + i.node + ")");
  line += ", " + std::to_string(i.attempts) + " attempt" + (i.attempts == 1 ? "" : "s");
  if (!i.lastAttempt.empty()) line += ", last " + shortTime(i.lastAttempt);
  disabledWrapped(line);
  if (!i.reason.empty() && i.state != OutboxState::Sent) {
    ImGui::PushStyleColor(ImGuiCol_Text, colourOf(i.state));
    ImGui::TextWrapped("%s", i.reason.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::Unindent();
}

}  // namespace

OutboxCounts countOutbox(const OutboxViewState& st) {
  OutboxCounts c;
  for (const auto& i : st.items) {
    if (i.state == OutboxState::Pending) ++c.pending;
    if (i.state == OutboxState::Failed) ++c.failed;
    if (i.state == OutboxState::Sent) ++c.sent;
  }
  return c;
}

void refreshOutbox(OutboxViewState& st) {
  auto items = Outbox::atDefaultLocation().list();
  st.listError = items ? std::string() : items.message();
  st.items = items ? std::move(*items) : std::vector<OutboxItem>{};
}

void startOutboxRetry(OutboxViewState& st, double nowMs, bool all) {
  if (st.retryJob.running()) return;
  st.lastRetryMs = nowMs;
  st.retryJob.start("outbox retry", [all](JobControl& control) -> Result<OutboxSendReport> {
    StoreOptions o;
    o.progress = control.progressSlot();
    o.cancel = control.cancelFlag();
    const Outbox box = Outbox::atDefaultLocation();
    if (all) return box.retryAll(configuredNodeResolver(), o);
    return box.retryDue(std::chrono::system_clock::now(), configuredNodeResolver(), o);
  });
}

void waitForOutboxRetry(OutboxViewState& st) {
  if (st.retryJob.running()) absorb(st, st.retryJob.wait());
}

bool tickOutbox(OutboxViewState& st, double nowMs) {
  const bool wasRunning = st.retryJob.running();
  takeRetry(st);
  bool changed = wasRunning && !st.retryJob.running();
  if (!st.startedUp) {
    st.startedUp = true;
    startOutboxRetry(st, nowMs, true);
  } else if (nowMs - st.lastRetryMs >= kOutboxRetryPeriodMs) {
    startOutboxRetry(st, nowMs, false);
  }
  if (nowMs - st.listedAtMs >= kOutboxListPeriodMs) {
    const OutboxCounts before = countOutbox(st);
    refreshOutbox(st);
    st.listedAtMs = nowMs;
    const OutboxCounts after = countOutbox(st);
    changed |= before.pending != after.pending || before.failed != after.failed || before.sent != after.sent;
  }
  return changed;
}

void drawOutbox(OutboxViewState& st, double nowMs) {
  const OutboxCounts c = countOutbox(st);
  ImGui::TextWrapped("%zu pending, %zu failed, %zu sent", c.pending, c.failed, c.sent);
  disabledWrapped(Outbox::atDefaultLocation().dir().string());
  ImGui::BeginDisabled(st.retryJob.running() || c.pending + c.failed == 0);
  if (ImGui::SmallButton(st.retryJob.running() ? "Retrying..." : "Retry now")) startOutboxRetry(st, nowMs, true);
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(c.sent == 0);
  if (ImGui::SmallButton("Clear sent")) {
    auto removed = Outbox::atDefaultLocation().clear(false);
    st.status = removed ? "cleared " + std::to_string(removed->size()) + " sent item(s)" : removed.message();
    refreshOutbox(st);
  }
  ImGui::EndDisabled();
  if (st.retryJob.running()) {
    if (ImGui::SmallButton("Cancel##outbox")) st.retryJob.cancel();
    ImGui::SameLine();
    ImGui::ProgressBar(st.retryJob.progress(), ImVec2(-1, 0));
  }
  if (!st.status.empty()) ImGui::TextWrapped("%s", st.status.c_str());
  if (!st.listError.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "%s", st.listError.c_str());
  if (c.pending + c.failed > 0)
    disabledWrapped("retried every " + std::to_string(int(kOutboxRetryPeriodMs / 1000)) +
                    " s while the back-off allows");
  // Newest first: what the reader just sent is at the top.
  for (std::size_t k = st.items.size(); k-- > 0;) {
    ImGui::PushID(int(k));
    drawItem(st.items[k]);
    ImGui::PopID();
  }
}

}  // namespace annulo::app
