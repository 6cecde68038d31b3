#include "PacsBrowser.h"

#include <imgui.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "annulo/study/StudyFolders.h"

namespace annulo::app {
namespace {

bool busy(const PacsBrowserState& st) { return st.findJob.running() || st.getJob.running(); }

void startFind(PacsBrowserState& st, const Result<AnyNode>& node) {
  StudyQuery q;
  q.patientId = st.patientId;
  q.patientName = st.patientName;
  q.modality = st.modality;
  st.error.clear();
  st.status.clear();
  if (!node) return (void)(st.error = node.message());
  if (st.dates[0])
    if (Status s = parseDateRange(st.dates, q); !s) return (void)(st.error = s.message());
  st.findJob.start("find", [n = *node, q](JobControl&) { return findStudiesOn(n, q); });
}

void startRetrieve(PacsBrowserState& st, const Result<AnyNode>& node, const std::string& studyUid) {
  if (!node) return (void)(st.error = node.message());
  st.folder = retrieveFolder(studyUid);
  st.error.clear();
  st.status = "retrieving " + studyUid;
  st.getJob.start("retrieve", [n = *node, studyUid, folder = st.folder](JobControl& control) {
    RetrieveOptions o;
    o.progress = control.progressSlot();
    o.cancel = control.cancelFlag();
    return retrieveStudyFrom(n, studyUid, folder, o);  // C-GET or WADO-RS
  });
}

void pollFind(PacsBrowserState& st) {
  auto done = st.findJob.take();
  if (!done) return;
  auto& r = *done;
  if (!r) return (void)(st.error = r.message());
  st.matches = std::move(*r);
  st.status = std::to_string(st.matches.size()) + " stud" + (st.matches.size() == 1 ? "y" : "ies") + " found";
}

std::optional<std::string> pollRetrieve(PacsBrowserState& st) {
  auto done = st.getJob.take();
  if (!done) return std::nullopt;
  auto& r = *done;
  if (!r) {
    st.error = r.message();
    return std::nullopt;
  }
  st.status = std::to_string(r->files.size()) + " instance(s) retrieved" + (r->cancelled ? " (cancelled)" : "");
  if (r->failed || !r->failures.empty())
    st.error = std::to_string(r->failed) + " failed" + (r->failures.empty() ? "" : ": " + r->failures.front());
  // Whatever arrived is worth opening, even after a cancel or a partial failure.
  if (r->files.empty()) return std::nullopt;
  return st.folder;
}

void drawQuery(PacsBrowserState& st, PacsSendState& node) {
  drawPacsNodeFields(node);
  ImGui::InputText("Patient ID", st.patientId, sizeof st.patientId);
  ImGui::InputText("Patient name", st.patientName, sizeof st.patientName);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("DICOM wildcards: DOE^* or *JOHN*");
  ImGui::InputText("Dates", st.dates, sizeof st.dates);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("YYYYMMDD, or a range FROM-TO (either side may be empty)");
  ImGui::InputText("Modality", st.modality, sizeof st.modality);
  ImGui::BeginDisabled(busy(st));
  if (ImGui::Button(st.findJob.running() ? "Searching..." : "Find studies")) startFind(st, anyNodeFrom(node));
  ImGui::EndDisabled();
}

void drawMatches(PacsBrowserState& st, PacsSendState& node) {
  for (std::size_t i = 0; i < st.matches.size(); ++i) {
    const StudyMatch& m = st.matches[i];
    ImGui::PushID(int(i));
    std::string modalities;
    for (const auto& x : m.modalities) modalities += (modalities.empty() ? "" : "/") + x;
    ImGui::TextWrapped("%s  %s  %s  %s", m.patientName.c_str(), m.studyDate.c_str(), modalities.c_str(),
                       m.studyDescription.c_str());
    if (m.numberOfInstances >= 0) ImGui::TextDisabled("%d instance(s)", m.numberOfInstances);
    ImGui::BeginDisabled(busy(st));
    if (ImGui::SmallButton("Retrieve and open")) startRetrieve(st, anyNodeFrom(node), m.studyInstanceUid);
    ImGui::EndDisabled();
    ImGui::PopID();
  }
}

}  // namespace

std::optional<std::string> drawPacsBrowser(PacsBrowserState& st, PacsSendState& node) {
  pollFind(st);
  auto open = pollRetrieve(st);
  drawQuery(st, node);
  if (st.getJob.running()) {
    if (ImGui::SmallButton("Cancel")) st.getJob.cancel();
    ImGui::SameLine();
    ImGui::ProgressBar(st.getJob.progress(), ImVec2(-1, 0));
  }
  if (!st.status.empty()) ImGui::TextWrapped("%s", st.status.c_str());
  if (!st.error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "%s", st.error.c_str());
  drawMatches(st, node);
  return open;
}

}  // namespace annulo::app
