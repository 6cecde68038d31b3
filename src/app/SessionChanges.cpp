#include "SessionChanges.h"

#include <imgui.h>

#include <vector>

#include "annulo/annotation/Vocabulary.h"

namespace annulo::app {
namespace {

std::string list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string who(const std::string& name) { return name.empty() ? "another writer" : name; }

// The findings a reader compares, as rows of (field, value).
std::vector<std::pair<std::string, std::string>> findings(const TearAnnotation& t) {
  return {{"level", t.level},
          {"type", token(t.type)},
          {"Dallas grade", std::to_string(t.grade)},
          {"clock", t.clock ? std::to_string(*t.clock) + " o'clock" : "unset"},
          {"zone", t.zone ? token(*t.zone) : "unset"},
          {"leak", token(t.leak)},
          {"pain", token(t.pain)},
          {"comment", t.comment},
          {"changed by", who(t.modifiedBy.empty() ? t.createdBy : t.modifiedBy)},
          {"at", t.modifiedAt.empty() ? t.createdAt : t.modifiedAt}};
}

void conflictTable(const TearConflict& c) {
  const auto mine = c.mine ? findings(*c.mine) : std::vector<std::pair<std::string, std::string>>{};
  const auto theirs = c.theirs ? findings(*c.theirs) : std::vector<std::pair<std::string, std::string>>{};
  const auto& rows = c.mine ? mine : theirs;
  if (!ImGui::BeginTable(("##conflict" + c.id).c_str(), 3,
                         ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 100);
  ImGui::TableSetupColumn("here (mine)");
  ImGui::TableSetupColumn("on disk (theirs)");
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string a = c.mine ? mine[i].second : "(deleted here)";
    const std::string b = c.theirs ? theirs[i].second : "(deleted there)";
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(rows[i].first.c_str());
    const bool differs = a != b;
    const ImVec4 mark(1.0f, 0.8f, 0.3f, 1.0f);  // the values that disagree stand out
    ImGui::TableSetColumnIndex(1);
    differs ? ImGui::TextColored(mark, "%s", a.c_str()) : ImGui::TextUnformatted(a.c_str());
    ImGui::TableSetColumnIndex(2);
    differs ? ImGui::TextColored(mark, "%s", b.c_str()) : ImGui::TextUnformatted(b.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

std::string describeMerge(const AnnotationModel& model) {
  const MergeResult& m = model.lastMerge();
  std::vector<std::string> parts;
  for (const auto& id : m.addedElsewhere) {
    const TearAnnotation* t = model.find(id);
    parts.push_back(id + " added by " + who(t ? t->createdBy : ""));
  }
  if (!m.removedElsewhere.empty()) parts.push_back(list(m.removedElsewhere) + " removed elsewhere");
  if (!m.changedElsewhere.empty()) parts.push_back(list(m.changedElsewhere) + " changed elsewhere");
  if (!model.conflicts().empty())
    parts.push_back(std::to_string(model.conflicts().size()) + " conflict(s): choose in the window");
  return list(parts);
}

std::string describeAuthorship(const TearAnnotation& t) {
  std::string s = "created by " + who(t.createdBy) + (t.createdAt.empty() ? "" : " at " + t.createdAt);
  if (!t.modifiedBy.empty() && (t.modifiedBy != t.createdBy || t.modifiedAt != t.createdAt))
    s += "; last changed by " + t.modifiedBy + (t.modifiedAt.empty() ? "" : " at " + t.modifiedAt);
  return s;
}

void drawSessionConflicts(AppState& st) {
  AnnotationModel* model = st.model();
  if (!model || model->conflicts().empty()) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(560, 0), ImGuiCond_Appearing);
  ImGui::Begin("Tears changed here and by another writer", nullptr, ImGuiWindowFlags_NoCollapse);
  ImGui::TextWrapped(
      "These tears were changed in this window and, meanwhile, by another writer of the session. Both versions "
      "are kept until you choose; the file on disk holds theirs.");
  // Copied: resolving one changes the list.
  const std::vector<TearConflict> conflicts = model->conflicts();
  for (const auto& c : conflicts) {
    ImGui::PushID(c.id.c_str());
    ImGui::Separator();
    const std::string theirsBy = c.theirs ? who(c.theirs->modifiedBy) : "another writer";
    ImGui::Text("%s: %s", c.id.c_str(),
                !c.theirs ? ("deleted by another writer, changed here")
                : !c.mine ? ("changed by " + theirsBy + ", deleted here").c_str()
                          : ("changed here and by " + theirsBy).c_str());
    conflictTable(c);
    if (ImGui::Button(c.mine ? "Keep mine" : "Keep it deleted")) {
      Status s = model->resolveConflict(c.id, true);
      st.message = s ? "kept your version of " + c.id : s.message();
    }
    ImGui::SameLine();
    if (ImGui::Button(c.theirs ? "Keep theirs" : "Accept the deletion")) {
      Status s = model->resolveConflict(c.id, false);
      st.message = s ? "kept the other writer's version of " + c.id : s.message();
    }
    ImGui::PopID();
  }
  ImGui::End();
}

}  // namespace annulo::app
