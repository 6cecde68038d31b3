#include "ProvocationPanel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "annulo/annotation/ManometryLog.h"
#include "annulo/annotation/ProvocationCriteria.h"
#include "annulo/annotation/Vocabulary.h"

namespace annulo::app {
namespace {

ImVec4 classColour(ProvocationClass c) {
  switch (c) {
    case ProvocationClass::Positive:
      return ImVec4(1.0f, 0.38f, 0.32f, 1);
    case ProvocationClass::Negative:
      return ImVec4(0.45f, 0.85f, 0.45f, 1);
    case ProvocationClass::Indeterminate:
      return ImVec4(1.0f, 0.78f, 0.3f, 1);
    case ProvocationClass::Invalid:
      return ImVec4(0.75f, 0.6f, 1.0f, 1);
  }
  return ImVec4(1, 1, 1, 1);
}

void note(ProvocationPanel& panel, const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  panel.widgets[name] = {a.x, a.y, b.x - a.x, b.y - a.y};
}

void hint(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

void heading(const std::string& text) {
  ImGui::Separator();
  ImGui::TextUnformatted(text.c_str());
}

// An optional number typed as text (empty: not recorded). Returns true when the
// user finished an edit that changed the value; a bad number is said and ignored.
bool numberField(ProvocationPanel& panel, AppState& st, const char* label, const char* key,
                 std::optional<double>& value) {
  std::string& buf = panel.buffers[key];
  if (panel.editing != key) buf = value ? formatValue(*value) : "";
  char text[32];
  std::snprintf(text, sizeof text, "%s", buf.c_str());
  ImGui::InputTextWithHint(label, "not recorded", text, sizeof text, ImGuiInputTextFlags_CharsDecimal);
  buf = text;
  note(panel, key);
  if (ImGui::IsItemActive())
    panel.editing = key;
  else if (panel.editing == key)
    panel.editing.clear();
  if (!ImGui::IsItemDeactivatedAfterEdit()) return false;
  std::optional<double> parsed;
  if (!buf.empty()) {
    char* end = nullptr;
    const double v = std::strtod(buf.c_str(), &end);
    if (end != buf.c_str() + buf.size() || !std::isfinite(v)) {
      st.message = std::string(label) + ": '" + buf + "' is not a number; not saved";
      return false;
    }
    parsed = v;
  }
  if (parsed == value) return false;
  value = parsed;
  return true;
}

template <typename E>
bool optionalCombo(const char* label, std::optional<E>& value, const std::vector<std::string>& tokens,
                   std::optional<E> (*parse)(const std::string&)) {
  bool changed = false;
  if (ImGui::BeginCombo(label, value ? token(*value) : "not recorded")) {
    if (ImGui::Selectable("not recorded", !value)) {
      changed = value.has_value();
      value.reset();
    }
    for (const auto& t : tokens) {
      const E e = *parse(t);
      if (ImGui::Selectable(t.c_str(), value && *value == e)) {
        changed = !value || *value != e;
        value = e;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool textField(const char* label, std::string& value) {
  char text[256];
  std::snprintf(text, sizeof text, "%s", value.c_str());
  ImGui::InputText(label, text, sizeof text);
  if (ImGui::IsItemDeactivatedAfterEdit() && value != text) {
    value = text;
    return true;
  }
  return false;
}

void save(AppState& st, const ProvocationLevel& edited) {
  Status s = st.model()->setProvocation(edited);
  st.message = s ? "saved " + edited.level : s.message();
}

// The record's fields; each finished edit is saved at once.
void levelForm(AppState& st, ProvocationPanel& panel, const ProvocationLevel& current) {
  ProvocationLevel p = current;
  bool changed = false;
  ImGui::PushItemWidth(-(ImGui::CalcTextSize("pain at (psi)").x + ImGui::GetStyle().ItemInnerSpacing.x + 4));
  changed |= optionalCombo("side", p.side, {"left", "right"}, parseInjectionSide);
  changed |= textField("approach", p.approach);
  const auto kpa = [](const std::optional<double>& psi) {
    if (psi) ImGui::TextDisabled("   = %s kPa", formatValue(psiToKpa(*psi)).c_str());
  };
  changed |= numberField(panel, st, "opening (psi)", "opening", p.openingPsi);
  kpa(p.openingPsi);
  changed |= numberField(panel, st, "pain at (psi)", "pain-psi", p.painPsi);
  kpa(p.painPsi);
  changed |= numberField(panel, st, "peak (psi)", "peak", p.peakPsi);
  kpa(p.peakPsi);
  changed |= numberField(panel, st, "volume (mL)", "volume", p.volumeAtPainMl);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("volume injected when the pain was provoked");
  changed |= numberField(panel, st, "total (mL)", "total", p.totalVolumeMl);
  // Dragged in a draft, saved once on release: one undo step per setting.
  int pain = panel.editing == "pain" ? panel.painDraft : p.painScore.value_or(-1);
  ImGui::SliderInt("pain score", &pain, -1, 10, pain < 0 ? "not scored" : "%d / 10");
  note(panel, "pain");
  if (ImGui::IsItemActive()) {
    panel.editing = "pain";
    panel.painDraft = pain;
  } else if (panel.editing == "pain") {
    panel.editing.clear();
  }
  if (ImGui::IsItemDeactivatedAfterEdit() && pain != p.painScore.value_or(-1)) {
    p.painScore = pain < 0 ? std::nullopt : std::optional<int>(pain);
    changed = true;
  }
  changed |= optionalCombo("concordance", p.concordance, concordanceTokens(), parseConcordance);
  note(panel, "concordance");
  changed |= textField("location", p.painLocation);
  changed |= optionalCombo("nucleogram", p.nucleogram, nucleogramTokens(), parseNucleogram);
  changed |= textField("contrast", p.contrastAgent);
  ImGui::PopItemWidth();
  if (changed && p != current) save(st, p);
}

// The pressure-volume curve of the log (volume on x, pressure on y), pain marks (red
// at or above the positive score), the opening pressure and opening + the limit dashed.
void pressureVolumePlot(const ProvocationLevel& p) {
  const ProvocationCriteria& c = defaultProvocationCriteria();
  double maxV = 4, maxP = 100;
  for (const auto& r : p.log) maxV = std::max(maxV, r.volumeMl), maxP = std::max(maxP, r.pressurePsi);
  if (p.openingPsi) maxP = std::max(maxP, *p.openingPsi + c.maxPsiAboveOpening + 10);
  const float w = ImGui::GetContentRegionAvail().x, h = 110;
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float left = o.x + 30, right = o.x + w - 4, top = o.y + 4, bottom = o.y + h - 16;
  auto X = [&](double v) { return float(left + v / maxV * (right - left)); };
  auto Y = [&](double psi) { return float(bottom - psi / maxP * (bottom - top)); };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(ImVec2(left, top), ImVec2(right, bottom), IM_COL32(120, 120, 120, 255));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  dl->AddText(ImVec2(o.x, top), text, (formatValue(maxP)).c_str());
  dl->AddText(ImVec2(o.x + 8, bottom - 12), text, "0");
  dl->AddText(ImVec2(right - ImGui::CalcTextSize((formatValue(maxV) + " mL").c_str()).x, bottom + 1), text,
              (formatValue(maxV) + " mL").c_str());
  dl->AddText(ImVec2(left + 2, bottom + 1), text, "psi over volume");
  auto dashed = [&](double psi, ImU32 colour) {
    for (float x = left; x < right; x += 8)
      dl->AddLine(ImVec2(x, Y(psi)), ImVec2(std::min(x + 4, right), Y(psi)), colour);
  };
  if (p.openingPsi) {
    dashed(*p.openingPsi, IM_COL32(60, 180, 120, 255));
    dashed(*p.openingPsi + c.maxPsiAboveOpening, IM_COL32(230, 140, 40, 255));
  }
  for (std::size_t i = 1; i < p.log.size(); ++i)
    dl->AddLine(ImVec2(X(p.log[i - 1].volumeMl), Y(p.log[i - 1].pressurePsi)),
                ImVec2(X(p.log[i].volumeMl), Y(p.log[i].pressurePsi)), IM_COL32(90, 150, 255, 255), 2);
  for (const auto& r : p.log)
    if (r.pain)
      dl->AddCircleFilled(ImVec2(X(r.volumeMl), Y(r.pressurePsi)), 4,
                          *r.pain >= c.minPainScore ? IM_COL32(255, 80, 70, 255) : IM_COL32(255, 190, 60, 255));
  ImGui::Dummy(ImVec2(w, h));
}

void logSection(AppState& st, ProvocationPanel& panel, const ProvocationLevel& current) {
  heading("Manometry log");
  if (current.log.empty()) {
    hint("No log. Import the manometer's CSV (columns time, volume, pressure or pressure_kpa, pain).");
  } else {
    hint(std::to_string(current.log.size()) + " rows; opening (green) and opening + " +
         formatValue(defaultProvocationCriteria().maxPsiAboveOpening) + " psi (orange) dashed");
    pressureVolumePlot(current);
  }
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("Import CSV").x -
                          ImGui::GetStyle().FramePadding.x * 2 - ImGui::GetStyle().ItemSpacing.x);
  ImGui::InputTextWithHint("##logpath", "manometer CSV file", panel.logPath, sizeof panel.logPath);
  ImGui::SameLine();
  ImGui::BeginDisabled(panel.logPath[0] == 0);
  if (ImGui::Button("Import CSV")) {
    auto rows = readManometryCsv(panel.logPath);
    if (!rows) {
      st.message = rows.message();
    } else {
      ProvocationLevel p = current;
      p.log = *rows;
      save(st, p);
    }
  }
  ImGui::EndDisabled();
}

void overrideForm(AppState& st, ProvocationPanel& panel, const ProvocationLevel& current) {
  const std::vector<std::string> classes = provocationClassTokens();
  if (current.override_) {
    ImGui::TextWrapped("Override: %s, by %s: %s", token(current.override_->classification),
                       current.override_->by.empty() ? "?" : current.override_->by.c_str(),
                       current.override_->reason.c_str());
    if (ImGui::Button("Clear override")) {
      ProvocationLevel p = current;
      p.override_.reset();
      save(st, p);
    }
    return;
  }
  panel.overrideClass = std::clamp(panel.overrideClass, 0, int(classes.size()) - 1);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);
  if (ImGui::BeginCombo("##overrideclass", classes[std::size_t(panel.overrideClass)].c_str())) {
    for (int i = 0; i < int(classes.size()); ++i)
      if (ImGui::Selectable(classes[std::size_t(i)].c_str(), i == panel.overrideClass)) panel.overrideClass = i;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##overridereason", "reason (required)", panel.overrideReason, sizeof panel.overrideReason);
  ImGui::BeginDisabled(panel.overrideReason[0] == 0);
  if (ImGui::Button("Override the computed result")) {
    ProvocationLevel p = current;
    ProvocationOverride o;
    o.classification = *parseProvocationClass(classes[std::size_t(panel.overrideClass)]);
    o.reason = panel.overrideReason;
    o.by = st.settings.reader;
    o.at = isoTimestampUtc();
    p.override_ = o;
    save(st, p);
    panel.overrideReason[0] = 0;
  }
  ImGui::EndDisabled();
}

void levelTable(AppState& st, ProvocationPanel& panel, const StudyAssessment& study) {
  const auto& record = st.model()->session().provocation;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("levels", 5, flags)) return;
  ImGui::TableSetupColumn("level");
  ImGui::TableSetupColumn("pain");
  ImGui::TableSetupColumn("psi > open");
  ImGui::TableSetupColumn("mL");
  ImGui::TableSetupColumn("result", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < record.size(); ++i) {
    const ProvocationLevel& p = record[i];
    const LevelAssessment& a = study.levels[i];
    ImGui::PushID(p.level.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::Selectable(p.level.c_str(), panel.selected == p.level, ImGuiSelectableFlags_SpanAllColumns))
      panel.selected = p.level;
    note(panel, "row:" + p.level);
    ImGui::TableNextColumn();
    ImGui::Text("%s%s", p.painScore ? std::to_string(*p.painScore).c_str() : "-",
                p.concordance == Concordance::Concordant   ? " C"
                : p.concordance == Concordance::Discordant ? " D"
                                                           : "");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(a.psiAboveOpening ? formatValue(*a.psiAboveOpening).c_str() : "-");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(p.volumeAtPainMl ? formatValue(*p.volumeAtPainMl).c_str() : "-");
    ImGui::TableNextColumn();
    ImGui::TextColored(classColour(a.final()), "%s%s%s", token(a.final()), a.override_ ? "*" : "",
                       a.negativeControl ? " (control)" : "");
    ImGui::PopID();
    panel.shown.push_back(
        {p.level, token(a.computed), token(a.final()), a.derby ? token(*a.derby) : "", a.negativeControl});
  }
  ImGui::EndTable();
  hint("C concordant, D discordant; * overridden");
}

// Next to the study's export (SR, SEG, GSPS): provocation-report.html, .pdf, .dcm.
void reportButton(AppState& st, ProvocationPanel& panel) {
  if (auto done = panel.reportJob.take()) {
    if (!*done) {
      panel.reportMessage = "report: " + done->message();
    } else {
      panel.reportMessage = "wrote";
      for (const auto& f : (*done)->files)
        if (f.find("-images/") == std::string::npos) panel.reportMessage += " " + f;
      panel.reportMessage += " (" + std::to_string((*done)->context.keyImages.size()) + " key image(s))";
    }
    st.message = panel.reportMessage;
  }
  heading("Report for the referring physician");
  ImGui::BeginDisabled(panel.reportJob.running() || st.settings.reader.empty());
  if (ImGui::Button(panel.reportJob.running() ? "Printing the report..." : "Save report (HTML, PDF, DICOM PDF)")) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(st.study->defaultExportPath()).parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    ReportRequest r;
    r.htmlPath = (dir / "provocation-report.html").string();
    r.pdfPath = (dir / "provocation-report.pdf").string();
    r.dicomPath = (dir / "provocation-report.dcm").string();
    r.readerName = st.settings.reader;
    r.generatedAt = isoTimestampUtc();
    // The key images need the loaded pixels: drawn here; chromium prints in the background.
    auto html = writeReportHtml(st.model()->session(), st.study->series(), r, true);
    if (!html) {
      panel.reportMessage = st.message = html.message();
    } else {
      panel.reportMessage = "printing " + r.pdfPath + " ...";
      panel.reportJob.start("report", [w = *html, r](JobControl&) mutable -> Result<ReportWritten> {
        if (Status s = writeReportPdf(w, r); !s) return s.error();
        return w;
      });
    }
  }
  note(panel, "report");
  ImGui::EndDisabled();
  if (st.settings.reader.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Enter the reader's name (Report tab): it signs the report");
  if (!panel.reportMessage.empty()) hint(panel.reportMessage);
}

}  // namespace

void drawProvocationPanel(AppState& st, ProvocationPanel& panel) {
  panel.shown.clear();
  panel.widgets.clear();
  panel.shownInvalid = false;
  AnnotationModel* model = st.model();
  if (!model) {
    ImGui::TextWrapped("Open a study to record the provocation (discography) of each injected disc.");
    return;
  }
  const StudyAssessment study = assessProvocation(model->session().provocation);
  if (study.invalid) {
    panel.shownInvalid = true;
    ImGui::PushStyleColor(ImGuiCol_Text, classColour(ProvocationClass::Invalid));
    ImGui::TextWrapped("INVALID STUDY: a positive level has no valid negative control.");
    for (const auto& r : study.reasons) {
      ImGui::Bullet();
      ImGui::TextWrapped("%s", r.c_str());
    }
    ImGui::PopStyleColor();
  }
  hint("Every edit is saved at once; undo and redo as for tears.");
  ImGui::BeginDisabled(!model->canUndo());
  if (ImGui::Button("Undo")) st.message = model->undo().message();
  note(panel, "undo");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!model->canRedo());
  if (ImGui::Button("Redo")) st.message = model->redo().message();
  note(panel, "redo");
  ImGui::EndDisabled();

  for (const ProvocationConflict& c : model->provocationConflicts()) {
    ImGui::PushID(("conflict" + c.level).c_str());
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s was also edited by another reader", c.level.c_str());
    if (ImGui::SmallButton("keep mine")) st.message = model->resolveProvocationConflict(c.level, true).message();
    ImGui::SameLine();
    if (ImGui::SmallButton("keep theirs")) st.message = model->resolveProvocationConflict(c.level, false).message();
    ImGui::PopID();
  }

  heading("Injected levels");
  const auto& record = model->session().provocation;
  if (record.empty())
    ImGui::TextWrapped("No level recorded yet. Record each injected disc, the controls included.");
  else
    levelTable(st, panel, study);
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("L5-S1").x + ImGui::GetFrameHeight() * 2);
  if (ImGui::BeginCombo("##newlevel", panel.newLevel.c_str())) {
    for (const auto& l : discLevels())
      if (ImGui::Selectable(l.c_str(), l == panel.newLevel)) panel.newLevel = l;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  const bool have = model->findProvocation(panel.newLevel) != nullptr;
  ImGui::BeginDisabled(have);
  if (ImGui::Button("Record level")) {
    ProvocationLevel p;
    p.level = panel.newLevel;
    p.observer = st.settings.reader;
    p.observedAt = isoTimestampUtc();
    save(st, p);
    panel.selected = p.level;
  }
  note(panel, "record");
  ImGui::EndDisabled();
  if (!record.empty()) reportButton(st, panel);

  if (!model->findProvocation(panel.selected) && !record.empty()) panel.selected = record.front().level;
  const auto it =
      std::find_if(record.begin(), record.end(), [&](const ProvocationLevel& p) { return p.level == panel.selected; });
  if (it != record.end()) {
    const ProvocationLevel current = *it;  // a copy: saving replaces the record
    const LevelAssessment& a = study.levels[std::size_t(it - record.begin())];
    ImGui::PushID(current.level.c_str());
    heading(current.level);
    levelForm(st, panel, current);
    const LevelMorphology m = levelMorphology(current, model->tears());
    if (m.tearIds.empty())
      hint("no tear marked at this level");
    else
      ImGui::TextWrapped("From %zu tear(s): Dallas grade %d, %s", m.tearIds.size(), m.dallasGrade.value_or(0),
                         !m.leakAssessed ? "leak not assessed"
                         : m.leak        ? "leak"
                                         : "contained");
    ImGui::Text("Computed:");
    ImGui::SameLine();
    ImGui::TextColored(classColour(a.computed), "%s", token(a.computed));
    if (a.override_) {
      ImGui::SameLine();
      ImGui::Text("  final:");
      ImGui::SameLine();
      ImGui::TextColored(classColour(a.final()), "%s", token(a.final()));
    }
    for (const auto& r : a.reasons) {
      const bool fails = r.find("fails") != std::string::npos;
      ImGui::PushStyleColor(ImGuiCol_Text, fails ? ImVec4(1, 0.7f, 0.5f, 1) : ImVec4(0.8f, 0.9f, 0.8f, 1));
      ImGui::Bullet();
      ImGui::TextWrapped("%s", r.c_str());
      ImGui::PopStyleColor();
    }
    if (a.negativeControl) ImGui::TextWrapped("This level is a negative control for an adjacent level.");
    logSection(st, panel, current);
    overrideForm(st, panel, current);
    if (ImGui::Button("Remove level")) {
      Status s = model->removeProvocation(current.level);
      st.message = s ? "removed " + current.level : s.message();
    }
    ImGui::PopID();
  }
  if (!study.levels.empty()) {
    heading("Conclusion");
    for (const auto& l : study.levels) {
      ImGui::PushStyleColor(ImGuiCol_Text, classColour(l.final()));
      ImGui::TextWrapped("%s", l.conclusion.c_str());
      ImGui::PopStyleColor();
    }
    hint("criteria: " + defaultProvocationCriteria().version);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s (docs/PROVOCATION.md)", defaultProvocationCriteria().name.c_str());
  }
}

nlohmann::json provocationSidecar(const ProvocationPanel& panel) {
  nlohmann::json j = {
      {"levels", nlohmann::json::array()}, {"invalid", panel.shownInvalid}, {"widgets", nlohmann::json::object()}};
  for (const auto& l : panel.shown)
    j["levels"].push_back(
        {{"level", l.level}, {"computed", l.computed}, {"final", l.final}, {"derby", l.derby}, {"control", l.control}});
  for (const auto& [name, r] : panel.widgets) j["widgets"][name] = {r[0], r[1], r[2], r[3]};
  return j;
}

}  // namespace annulo::app
