#include "PacsPanel.h"

#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace annulo::app {
namespace {

bool busy(const PacsSendState& st) { return st.echoJob.running() || st.sendJob.running(); }

void copyTo(char* dst, std::size_t size, const std::string& src) { std::snprintf(dst, size, "%s", src.c_str()); }

// Validates, remembers the node, and hands it to a worker.
bool prepare(PacsSendState& st, PacsNode& node) {
  node = pacsNodeFrom(st);
  st.error.clear();
  st.status.clear();
  if (auto s = validate(node); !s) return st.error = s.message(), false;
  if (auto s = savePacsNode(node); !s) st.error = "node not saved: " + s.message();
  return true;
}

void startEcho(PacsSendState& st) {
  PacsNode node;
  if (!prepare(st, node)) return;
  st.echoJob.start("echo", [node](JobControl&) { return echo(node); });
}

void startSend(PacsSendState& st, const std::vector<std::string>& files) {
  PacsNode node;
  if (!prepare(st, node)) return;
  st.lastFiles.clear();
  st.sendJob.start("send", [node, files](JobControl& control) {
    StoreOptions o;
    o.progress = control.progressSlot();
    o.cancel = control.cancelFlag();
    return storeFiles(node, files, o);
  });
}

void pollEcho(PacsSendState& st) {
  auto done = st.echoJob.take();
  if (!done) return;
  auto& r = *done;
  if (r)
    st.status = "Echo " + describe(pacsNodeFrom(st)) + ": success (" + std::to_string(int(r->ms + 0.5)) + " ms)";
  else
    st.error = r.message();
}

void pollSend(PacsSendState& st) {
  auto done = st.sendJob.take();
  if (!done) return;
  auto& r = *done;
  if (!r) return (void)(st.error = r.message());
  st.lastFiles = r->files;
  st.status = std::to_string(r->stored) + " of " + std::to_string(r->files.size()) + " file(s) stored";
  if (r->warnings) st.status += " (" + std::to_string(r->warnings) + " with warnings)";
  if (r->cancelled) st.status += ", cancelled";
  if (r->notStored) st.error = std::to_string(r->notStored) + " file(s) not stored: see the list";
}

void drawButtons(PacsSendState& st, const std::vector<std::string>& files) {
  ImGui::BeginDisabled(busy(st));
  if (ImGui::Button("Echo")) startEcho(st);
  ImGui::SameLine();
  ImGui::BeginDisabled(files.empty());
  const std::string label = "Send " + std::to_string(files.size()) + " file(s)";
  if (ImGui::Button(label.c_str())) startSend(st, files);
  ImGui::EndDisabled();
  ImGui::EndDisabled();
}

void drawProgress(PacsSendState& st) {
  if (st.echoJob.running()) ImGui::TextUnformatted("Echo...");
  if (!st.sendJob.running()) return;
  if (ImGui::SmallButton("Cancel")) st.sendJob.cancel();
  ImGui::SameLine();
  ImGui::ProgressBar(st.sendJob.progress(), ImVec2(-1, 0));
}

void drawResults(const PacsSendState& st) {
  if (!st.status.empty()) ImGui::TextWrapped("%s", st.status.c_str());
  if (!st.error.empty()) ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", st.error.c_str());
  if (st.lastFiles.empty() || !ImGui::TreeNode("Files")) return;
  for (const auto& f : st.lastFiles) {
    const bool good = f.outcome == StoreOutcome::Success || f.outcome == StoreOutcome::Warning;
    const ImVec4 colour = good ? ImVec4(0.6f, 1.0f, 0.6f, 1.0f) : ImVec4(1.0f, 0.4f, 0.4f, 1.0f);
    const std::string name = std::filesystem::path(f.path).filename().string();
    ImGui::TextColored(colour, "%s  %s", outcomeName(f.outcome), name.c_str());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s\n%s\n%s", f.path.c_str(), f.sopInstanceUid.c_str(), f.message.c_str());
  }
  ImGui::TreePop();
}

std::filesystem::path configDir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "annulo";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".config" / "annulo";
}

}  // namespace

PacsNode pacsNodeFrom(const PacsSendState& st) {
  PacsNode n;
  n.calledAe = st.calledAe;
  n.host = st.host;
  n.port = st.port;
  n.callingAe = st.callingAe;
  return n;
}

void ensurePacsNodeLoaded(PacsSendState& st) {
  if (st.loaded) return;
  st.loaded = true;
  auto n = loadPacsNode();
  if (!n) return;  // first run: the defaults stay
  copyTo(st.calledAe, sizeof st.calledAe, n->calledAe);
  copyTo(st.host, sizeof st.host, n->host);
  copyTo(st.callingAe, sizeof st.callingAe, n->callingAe);
  st.port = n->port;
}

void drawPacsNodeFields(PacsSendState& st) {
  ensurePacsNodeLoaded(st);
  ImGui::BeginDisabled(busy(st));
  ImGui::InputText("Called AE", st.calledAe, sizeof st.calledAe);
  ImGui::InputText("Host", st.host, sizeof st.host);
  ImGui::InputInt("Port", &st.port, 0);
  ImGui::InputText("Our AE", st.callingAe, sizeof st.callingAe);
  ImGui::EndDisabled();
}

std::string pacsConfigPath() { return (configDir() / "pacs.json").string(); }

Result<PacsNode> loadPacsNode() {
  const std::string path = pacsConfigPath();
  std::ifstream in(path);
  if (!in) return makeError(path + ": no saved PACS node");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return makeError(path + ": not a JSON object");
  PacsNode n;
  try {
    n.calledAe = j.value("called_ae", n.calledAe);
    n.host = j.value("host", n.host);
    n.port = j.value("port", n.port);
    n.callingAe = j.value("calling_ae", n.callingAe);
  } catch (const nlohmann::json::exception& e) {
    return makeError(path + ": " + e.what());
  }
  if (auto s = validate(n); !s) return makeError(path + ": " + s.message());
  return n;
}

Status savePacsNode(const PacsNode& node) {
  const std::filesystem::path path = pacsConfigPath();
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return makeError("cannot create " + path.parent_path().string() + ": " + ec.message());
  const nlohmann::json j = {
      {"called_ae", node.calledAe}, {"host", node.host}, {"port", node.port}, {"calling_ae", node.callingAe}};
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) return makeError("cannot write " + path.string());
  return Status::success();
}

void drawPacsSend(PacsSendState& st, const std::vector<std::string>& files) {
  ensurePacsNodeLoaded(st);
  pollEcho(st);
  pollSend(st);
  drawPacsNodeFields(st);
  drawButtons(st, files);
  drawProgress(st);
  drawResults(st);
}

}  // namespace annulo::app
