#include "PacsPanel.h"

#include <imgui.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "annulo/net/Outbox.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/net/UserFolders.h"

namespace annulo::app {
namespace {

bool busy(const PacsSendState& st) { return st.echoJob.running() || st.sendJob.running(); }
bool web(const PacsSendState& st) { return st.protocol == 1; }

void copyTo(char* dst, std::size_t size, const std::string& src) { std::snprintf(dst, size, "%s", src.c_str()); }

// Validates, remembers the node, and hands it to a worker.
bool prepare(PacsSendState& st, AnyNode& node) {
  st.error.clear();
  st.status.clear();
  auto n = anyNodeFrom(st);
  if (!n) return st.error = n.message(), false;
  node = *n;
  if (auto s = savePacsNode(st); !s) st.error = "node not saved: " + s.message();
  return true;
}

void startEcho(PacsSendState& st) {
  AnyNode node;
  if (!prepare(st, node) || !node.dimse) return;
  st.echoJob.start("echo", [n = *node.dimse](JobControl&) { return echo(n); });
}

void startSend(PacsSendState& st, const std::vector<std::string>& files) {
  AnyNode node;
  if (!prepare(st, node)) return;
  st.lastFiles.clear();
  st.lastOutbox.clear();
  st.sendJob.start("send", [node, files](JobControl& control) {
    StoreOptions o;
    o.progress = control.progressSlot();
    o.cancel = control.cancelFlag();
    return sendFilesTo(node, files, Outbox::atDefaultLocation(), o);
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
  const StoreReport& s = r->report;
  st.lastFiles = s.files;
  st.lastOutbox = r->outboxState;
  st.sentToOutbox = r->leftInOutbox > 0;
  st.status = std::to_string(s.stored) + " of " + std::to_string(s.files.size()) + " file(s) stored";
  if (s.warnings) st.status += " (" + std::to_string(s.warnings) + " with warnings)";
  if (s.cancelled) st.status += ", cancelled";
  if (s.notStored) st.error = std::to_string(s.notStored) + " file(s) not stored: see the list";
  if (r->leftInOutbox)
    st.error += (st.error.empty() ? "" : "; ") + std::to_string(r->leftInOutbox) +
                " kept in the outbox: retried at start-up, every 30 s and by Retry now";
}

void drawButtons(PacsSendState& st, const std::vector<std::string>& files) {
  ImGui::BeginDisabled(busy(st));
  if (!web(st)) {  // DICOMweb has no echo
    if (ImGui::Button("Echo")) startEcho(st);
    ImGui::SameLine();
  }
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
  if (!st.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.4f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", st.error.c_str());
    ImGui::PopStyleColor();
  }
  if (st.lastFiles.empty() || !ImGui::TreeNode("Files")) return;
  for (std::size_t i = 0; i < st.lastFiles.size(); ++i) {
    const FileStoreResult& f = st.lastFiles[i];
    const bool good = f.outcome == StoreOutcome::Success || f.outcome == StoreOutcome::Warning;
    const ImVec4 colour = good ? ImVec4(0.6f, 1.0f, 0.6f, 1.0f) : ImVec4(1.0f, 0.4f, 0.4f, 1.0f);
    const std::string name = std::filesystem::path(f.path).filename().string();
    const std::string box =
        i < st.lastOutbox.size() && !st.lastOutbox[i].empty() ? " (outbox: " + st.lastOutbox[i] + ")" : "";
    ImGui::TextColored(colour, "%s  %s%s", outcomeName(f.outcome), name.c_str(), box.c_str());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s\n%s\n%s", f.path.c_str(), f.sopInstanceUid.c_str(), f.message.c_str());
  }
  ImGui::TreePop();
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

Result<AnyNode> anyNodeFrom(const PacsSendState& st) {
  if (!st.nodeName.empty()) return resolveAnyNode(st.nodeName, st.nodes);
  AnyNode n;
  if (web(st)) {
    auto w = parseDicomWebNode(st.url);
    if (!w) return w.error();
    w->caFile = st.caFile;
    if (!w->caFile.empty() && !std::filesystem::is_regular_file(w->caFile))
      return makeError("CA file " + w->caFile + ": no such file");
    n.web = *w;
    return n;
  }
  PacsNode d = pacsNodeFrom(st);
  if (auto s = validate(d); !s) return s.error();
  n.dimse = d;
  return n;
}

void ensurePacsNodeLoaded(PacsSendState& st) {
  if (st.loaded) return;
  st.loaded = true;
  if (auto c = loadDefaultNodeConfig())
    st.nodes = std::move(*c);
  else
    st.nodesError = c.message();
  (void)loadPacsNode(st);  // first run: the defaults stay
  if (!st.nodeName.empty()) showConfiguredNode(st, st.nodeName);
}

void showConfiguredNode(PacsSendState& st, const std::string& name) {
  const ConfiguredNode* n = st.nodes.find(name);
  st.nodeName = n ? name : std::string();
  if (!n) return;
  st.protocol = n->protocol == "dicomweb" ? 1 : 0;
  copyTo(st.url, sizeof st.url, n->url);
  copyTo(st.caFile, sizeof st.caFile, n->caFile);
  copyTo(st.calledAe, sizeof st.calledAe, n->node.calledAe);
  copyTo(st.host, sizeof st.host, n->node.host);
  copyTo(st.callingAe, sizeof st.callingAe, n->node.callingAe);
  st.port = n->node.port;
}

namespace {

// The configured nodes by name, or "typed below" for the fields as edited.
void drawNodeChoice(PacsSendState& st) {
  if (!st.nodesError.empty()) ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", st.nodesError.c_str());
  if (st.nodes.nodes.empty()) return;
  const std::string current = st.nodeName.empty() ? std::string("(typed below)") : st.nodeName;
  if (ImGui::BeginCombo("Node", current.c_str())) {
    if (ImGui::Selectable("(typed below)", st.nodeName.empty())) st.nodeName.clear();
    for (const auto& n : st.nodes.nodes) {
      const std::string label = n.name + "  (" + (n.protocol == "dicomweb" ? n.url : describe(n.node)) + ")";
      if (ImGui::Selectable(label.c_str(), n.name == st.nodeName)) showConfiguredNode(st, n.name);
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Nodes of %s: used as configured there (TLS, CA, login from the credentials file)",
                      st.nodes.source.string().c_str());
}

// https trust, visible: which CA the server is verified against, and where the login comes from.
void drawWebTrust(PacsSendState& st) {
  ImGui::InputText("CA file", st.caFile, sizeof st.caFile);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "https: verify the server against this CA (PEM) instead of the system's CAs.\n"
        "Certificates are always verified; empty: the system's CAs.");
  const std::string url = st.url;
  const bool https = url.rfind("https", 0) == 0 || url.find("+https") != std::string::npos;
  const std::string ca = std::filesystem::path(st.caFile).filename().string();
  const std::string trust = !https         ? "plain http: not encrypted"
                            : st.caFile[0] ? "https: server verified against " + ca
                                           : "https: server verified against the system's CAs";
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", trust.c_str());
  const std::string login = st.nodeName.empty() ? "the server's host:port" : "\"" + st.nodeName + "\"";
  ImGui::TextWrapped("Login: credentials entry %s", login.c_str());
  ImGui::PopStyleColor();
}

}  // namespace

void drawPacsNodeFields(PacsSendState& st) {
  ensurePacsNodeLoaded(st);
  ImGui::BeginDisabled(busy(st));
  drawNodeChoice(st);
  ImGui::BeginDisabled(!st.nodeName.empty());  // a configured node is shown, edited in nodes.json
  ImGui::RadioButton("DICOM", &st.protocol, 0);
  ImGui::SameLine();
  ImGui::RadioButton("DICOMweb", &st.protocol, 1);
  if (web(st)) {
    ImGui::InputText("URL", st.url, sizeof st.url);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The DICOMweb service root (QIDO-RS, WADO-RS, STOW-RS), e.g. http://pacs:8042/dicom-web");
    drawWebTrust(st);
  } else {
    ImGui::InputText("Called AE", st.calledAe, sizeof st.calledAe);
    ImGui::InputText("Host", st.host, sizeof st.host);
    ImGui::InputInt("Port", &st.port, 0);
    ImGui::InputText("Our AE", st.callingAe, sizeof st.callingAe);
  }
  ImGui::EndDisabled();
  ImGui::EndDisabled();
}

std::string pacsConfigPath() { return (annuloConfigDir() / "pacs.json").string(); }

Status loadPacsNode(PacsSendState& st) {
  const std::string path = pacsConfigPath();
  std::ifstream in(path);
  if (!in) return makeError(path + ": no saved PACS node");
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) return makeError(path + ": not a JSON object");
  try {
    PacsNode n = pacsNodeFrom(st);
    n.calledAe = j.value("called_ae", n.calledAe);
    n.host = j.value("host", n.host);
    n.port = j.value("port", n.port);
    n.callingAe = j.value("calling_ae", n.callingAe);
    if (auto s = validate(n); !s) return makeError(path + ": " + s.message());
    copyTo(st.calledAe, sizeof st.calledAe, n.calledAe);
    copyTo(st.host, sizeof st.host, n.host);
    copyTo(st.callingAe, sizeof st.callingAe, n.callingAe);
    st.port = n.port;
    copyTo(st.url, sizeof st.url, j.value("url", std::string(st.url)));
    st.protocol = j.value("protocol", std::string("dimse")) == "dicomweb" ? 1 : 0;
    copyTo(st.caFile, sizeof st.caFile, j.value("ca_file", std::string(st.caFile)));
    st.nodeName = j.value("node", std::string());
  } catch (const nlohmann::json::exception& e) {
    return makeError(path + ": " + e.what());
  }
  return {};
}

Status savePacsNode(const PacsSendState& st) {
  const std::filesystem::path path = pacsConfigPath();
  if (Status s = makePrivateDirs(path.parent_path()); !s) return s;
  const PacsNode node = pacsNodeFrom(st);
  const nlohmann::json j = {{"protocol", web(st) ? "dicomweb" : "dimse"},
                            {"called_ae", node.calledAe},
                            {"host", node.host},
                            {"port", node.port},
                            {"calling_ae", node.callingAe},
                            {"url", st.url},
                            {"ca_file", st.caFile},
                            {"node", st.nodeName}};
  return writePrivateFile(path, j.dump(2) + "\n");
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
