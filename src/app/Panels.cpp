#include "Panels.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "SegmentationList.h"
#include "SessionChanges.h"
#include "ViewDrawing.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/render/CineClock.h"
#include "annulo/sr/SrExport.h"

namespace annulo::app {
namespace {

template <typename E>
bool comboOf(const char* label, E& value, const std::vector<std::string>& tokens,
             std::optional<E> (*parse)(const std::string&)) {
  bool changed = false;
  if (ImGui::BeginCombo(label, token(value))) {
    for (const auto& t : tokens) {
      const E e = *parse(t);
      if (ImGui::Selectable(t.c_str(), e == value)) {
        value = e;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

// Widgets as wide as the panel less their longest label, so no label is cut.
void fitItems() {
  ImGui::PushItemWidth(-(ImGui::CalcTextSize("Dallas grade").x + ImGui::GetStyle().ItemInnerSpacing.x + 4));
}

void tearFields(TearAnnotation& t) {
  fitItems();
  if (ImGui::BeginCombo("level", t.level.c_str())) {
    for (const auto& l : discLevels())
      if (ImGui::Selectable(l.c_str(), l == t.level)) t.level = l;
    ImGui::EndCombo();
  }
  comboOf("type", t.type, tearTypeTokens(), parseTearType);
  ImGui::SliderInt("Dallas grade", &t.grade, 0, 5);
  int clock = t.clock.value_or(0);
  if (ImGui::SliderInt("clock", &clock, 0, 12, clock == 0 ? "unset" : "%d o'clock"))
    t.clock = clock ? std::optional<int>(clock) : std::nullopt;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Clock-face position of the tear; 0 = not recorded");
  SpinalZone zone = t.zone.value_or(SpinalZone::Central);
  bool hasZone = t.zone.has_value();
  if (ImGui::Checkbox("##haszone", &hasZone)) t.zone = hasZone ? std::optional<SpinalZone>(zone) : std::nullopt;
  ImGui::SameLine();
  ImGui::BeginDisabled(!hasZone);
  ImGui::SetNextItemWidth(ImGui::CalcItemWidth() - ImGui::GetFrameHeight() - ImGui::GetStyle().ItemSpacing.x);
  if (comboOf("zone", zone, zoneTokens(), parseZone)) t.zone = zone;
  ImGui::EndDisabled();
  comboOf("leak", t.leak, leakTokens(), parseLeak);
  comboOf("pain", t.pain, painTokens(), parsePain);
  char comment[512];
  std::snprintf(comment, sizeof comment, "%s", t.comment.c_str());
  if (ImGui::InputText("comment", comment, sizeof comment)) t.comment = comment;
  ImGui::PopItemWidth();
}

// A path broken at '/' so each line fits the panel (TextWrapped breaks at spaces only).
void wrappedPath(const std::string& path) {
  const float width = ImGui::GetContentRegionAvail().x;
  std::string line;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t next = path.find_first_of("/.", i + 1);
    next = next == std::string::npos ? path.size() : next;
    const std::string part = path.substr(i, next - i);
    if (!line.empty() && ImGui::CalcTextSize((line + part).c_str()).x > width) {
      ImGui::TextUnformatted(line.c_str());
      line.clear();
    }
    line += part;
    i = next;
  }
  if (!line.empty()) ImGui::TextUnformatted(line.c_str());
}

std::string describe(const TearAnnotation& t) {
  std::string s = t.id + "  " + t.level + " " + token(t.type) + " G" + std::to_string(t.grade);
  if (t.clock) s += " " + std::to_string(*t.clock) + "h";
  if (!t.geometry.is3D()) s += "  f" + std::to_string(std::max(1, t.geometry.image.frameNumber));
  return s;
}

// ImGui 1.86 has no SeparatorText.
void heading(const std::string& text) {
  ImGui::Separator();
  ImGui::TextUnformatted(text.c_str());
}

}  // namespace

void applyTheme() {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 2;
  // Reading rooms are dark: keep panels near-black so the image dominates.
  s.Colors[ImGuiCol_WindowBg] = ImVec4(0.06f, 0.06f, 0.07f, 1.0f);
  s.Colors[ImGuiCol_ChildBg] = ImVec4(0.0f, 0.0f, 0.0f, 1.0f);
  s.Colors[ImGuiCol_Header] = ImVec4(0.20f, 0.25f, 0.32f, 1.0f);
}

namespace {

// SR documents found with the study: what each holds, and its tears into the session.
void drawReports(AppState& st) {
  if (!st.study || st.study->reports().empty()) return;
  if (!ImGui::CollapsingHeader(("Reports (" + std::to_string(st.study->reports().size()) + ")").c_str(),
                               ImGuiTreeNodeFlags_DefaultOpen))
    return;
  for (std::size_t i = 0; i < st.study->reports().size(); ++i) {
    const FoundReport& r = st.study->reports()[i];
    ImGui::PushID(int(i));
    ImGui::TextWrapped("%s", std::filesystem::path(r.path).filename().c_str());
    if (!r.report) {
      ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "%s", r.error.c_str());
    } else {
      const SrImport& sr = *r.report;
      ImGui::TextDisabled("%s, %zu tear(s)%s%s", sr.documentTitle.c_str(), sr.tears.size(),
                          sr.observer.empty() ? "" : ", by ", sr.observer.c_str());
      if (!sr.unmapped.empty() || !sr.warnings.empty())
        ImGui::TextDisabled("%zu item(s) not mapped, %zu warning(s)", sr.unmapped.size(), sr.warnings.size());
      ImGui::BeginDisabled(!st.model() || sr.tears.empty());
      if (ImGui::SmallButton("Import tears")) importFoundReport(st, sr);
      ImGui::EndDisabled();
    }
    ImGui::PopID();
  }
}

}  // namespace

void startExport(AppState& st) {
  if (!st.study || !st.model()) return;
  if (st.exportPath.empty()) st.exportPath = st.study->defaultExportPath();
  // A copy of what to export: editing goes on while the files are written.
  ExportRequest request = siblingExport(st.exportPath);
  request.observerName = st.settings.reader;
  st.exporting.start("export", [input = st.study->exportInput(), request](JobControl& control) -> Result<ExportReport> {
    return exportStudy(input, request, &control);
  });
}

void pollExport(AppState& st) {
  auto done = st.exporting.take();
  if (!done) return;
  if (!*done) {
    st.exportMessage = st.message = "export: " + done->message();
    return;
  }
  st.exportMessage = (*done)->summary();
  for (const auto& w : (*done)->warnings) st.exportMessage += "; " + w;
  st.message = st.exportMessage;
  if (!(*done)->written.empty()) st.exportedFiles = (*done)->files();
}

void importFoundReport(AppState& st, const SrImport& report) {
  if (!st.study || !st.model()) return;
  const ImportCount c = st.study->importReport(report);
  st.message = "imported " + std::to_string(c.added) + " tear(s)" +
               (c.present ? ", " + std::to_string(c.present) + " already in the session" : "") +
               (c.error.empty() ? "" : "; stopped: " + c.error);
}

void drawStudyPanel(AppState& st, const Thumbnails& thumbs) {
  ImGui::TextUnformatted("Open a file, folder or DICOMDIR");
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", st.pathInput.c_str());
  if (ImGui::InputText("##path", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) {
    st.pathInput = buf;
    startOpen(st, st.pathInput);
  } else {
    st.pathInput = buf;
  }
  ImGui::SameLine();
  if (ImGui::Button("Open")) startOpen(st, st.pathInput);
  if (st.opening.running()) {
    // The bar counts frames once the loader knows them (progressive display, LoadPreview.h).
    const std::size_t total = st.preview ? st.preview->total() : 0;
    const std::string label = total ? std::to_string(st.preview->decoded()) + "/" + std::to_string(total) + " frames"
                                    : std::string("loading...");
    ImGui::ProgressBar(st.opening.progress(), ImVec2(-1, 0), label.c_str());
    if (ImGui::Button("Cancel")) st.opening.cancel();
  }
  if (!st.loadError.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.4f, 0.3f, 1));
    ImGui::TextWrapped("%s", st.loadError.c_str());
    ImGui::PopStyleColor();
  }
  for (std::size_t i = 0; i < st.loadRejected.size() && i < 20; ++i)
    ImGui::TextWrapped("  %s: %s", std::filesystem::path(st.loadRejected[i].path).filename().c_str(),
                       st.loadRejected[i].reason.c_str());
  if (st.pacsBrowser.open) ImGui::SetNextItemOpen(true);
  st.pacsBrowser.open = false;
  if (ImGui::CollapsingHeader("PACS")) {
    ImGui::PushID("pacs-browser");
    if (auto folder = drawPacsBrowser(st.pacsBrowser, st.pacs)) {
      st.pathInput = *folder;
      startOpen(st, *folder);
    }
    ImGui::PopID();
  }
  if (!st.recent.empty() && ImGui::CollapsingHeader("Recent")) {
    for (std::size_t i = 0; i < st.recent.size(); ++i) {
      ImGui::PushID(int(i));
      if (ImGui::Selectable(st.recent[i].c_str())) {
        st.pathInput = st.recent[i];
        startOpen(st, st.pathInput);
      }
      ImGui::PopID();
    }
  }
  ImGui::Separator();
  if (!st.study) return;
  ImGui::Text("%zu series", st.study->series().size());
  for (std::size_t i = 0; i < st.study->series().size(); ++i) {
    const Series& s = st.study->series()[i];
    ImGui::PushID(int(i));
    char label[256];
    std::snprintf(label, sizeof label, "%s  %dx%dx%zu\n%s", s.series.modality.c_str(), s.columns, s.rows,
                  s.sliceCount(), s.series.description.c_str());
    const float rowHeight = float(Thumbnails::kSize) + 4;
    const ImVec2 rowStart = ImGui::GetCursorScreenPos();
    if (ImGui::Selectable("##series", int(i) == st.seriesIndex, 0, ImVec2(0, rowHeight))) selectSeries(st, int(i));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (GLuint tex = thumbs.texture(i))
      dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(tex)),
                   ImVec2(rowStart.x + 2, rowStart.y + 2),
                   ImVec2(rowStart.x + 2 + Thumbnails::kSize, rowStart.y + 2 + Thumbnails::kSize));
    dl->AddText(ImVec2(rowStart.x + Thumbnails::kSize + 10, rowStart.y + 4), ImGui::GetColorU32(ImGuiCol_Text), label);
    ImGui::PopID();
  }
  for (std::size_t i = 0; i < st.study->derived().size(); ++i) {
    const Series& s = st.study->derived()[i];
    const int index = int(st.study->series().size() + i);
    ImGui::PushID(index);
    char label[256];
    std::snprintf(label, sizeof label, "%s  %dx%dx%zu (filtered)\n%s", s.series.modality.c_str(), s.columns, s.rows,
                  s.sliceCount(), s.series.description.c_str());
    if (ImGui::Selectable(label, index == st.seriesIndex, 0, ImVec2(0, 2 * ImGui::GetTextLineHeightWithSpacing())))
      selectSeries(st, index);
    ImGui::PopID();
  }
  drawReports(st);
  drawLoadedSegmentations(st);
  if (!st.study->rejected().empty() &&
      ImGui::CollapsingHeader(("Rejected files (" + std::to_string(st.study->rejected().size()) + ")").c_str())) {
    for (std::size_t i = 0; i < st.study->rejected().size(); ++i) {
      const auto& r = st.study->rejected()[i];
      ImGui::PushID(int(i));
      ImGui::TextWrapped("%s: %s", std::filesystem::path(r.path).filename().c_str(), r.reason.c_str());
      ImGui::PopID();
    }
  }
  if (const Series* s = st.series(); s && !s->warnings.empty() && ImGui::CollapsingHeader("Warnings")) {
    for (const auto& w : s->warnings) ImGui::TextWrapped("%s", w.c_str());
  }
}

namespace {

// What earlier sends left to do: folded unless something failed or a script asked.
void drawOutboxSection(AppState& st) {
  const OutboxCounts c = countOutbox(st.outbox);
  if (st.outbox.open || st.pacs.sentToOutbox) ImGui::SetNextItemOpen(true);
  st.outbox.open = st.pacs.sentToOutbox = false;
  const std::string title = "Outbox (" + std::to_string(c.pending) + " pending, " + std::to_string(c.failed) +
                            " failed, " + std::to_string(c.sent) + " sent)###outbox";
  if (!ImGui::TreeNode(title.c_str())) return;
  drawOutbox(st.outbox, nowMs());
  ImGui::TreePop();
}

// Who reads: the name signs every tear and the SR's person observer (TID 1002).
void drawReader(AppState& st) {
  heading("Reader");
  char name[128];
  std::snprintf(name, sizeof name, "%s", st.settings.reader.c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##reader", "Family^Given (signs the report)", name, sizeof name)) {
    st.settings.reader = name;
    st.settingsChanged = true;
    if (st.study) st.study->setReader(st.settings.reader);
  }
  if (st.settings.reader.empty()) ImGui::TextColored(ImVec4(1, 0.75f, 0.3f, 1), "The report needs its reader's name.");
  // Sessions on a shared drive let several readers work on one study (edits merge).
  ImGui::TextDisabled("session folder");
  char folder[512];
  std::snprintf(folder, sizeof folder, "%s", st.settings.sessionFolder.c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##sessions", "empty: private default", folder, sizeof folder)) {
    st.settings.sessionFolder = folder;
    st.settingsChanged = true;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Where sessions are kept, e.g. a department's shared drive; used for the studies opened next.\n"
        "Now: %s",
        st.study ? st.study->sessionPath().c_str() : "(no study open)");
}

// Exports what the session holds: the leak SEG, the SR for every reader, GSPS for
// viewers without SR.
void drawExport(AppState& st) {
  heading("Export");
  if (st.exportPath.empty()) st.exportPath = st.study->defaultExportPath();
  const std::filesystem::path target(st.exportPath);
  ImGui::TextDisabled("folder");
  wrappedPath(target.parent_path().string() + "/");
  // Issue 16: a folder every account can read is no place for patient data.
  if (std::string open = worldReadableWarning(target.parent_path()); !open.empty()) {
    if (const auto at = open.find(" is readable"); at != std::string::npos) open = "This folder" + open.substr(at);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.75f, 0.3f, 1));
    ImGui::TextWrapped("%s", open.c_str());
    ImGui::PopStyleColor();
  }
  char name[256];
  std::snprintf(name, sizeof name, "%s", target.filename().c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText("##exportname", name, sizeof name) && name[0])
    st.exportPath = (target.parent_path() / name).string();
  const ExportContents what = st.study->exportContents();  // light: asked every frame
  const bool seg = what.segmentation, sr = what.tears || what.provocation;
  const bool signedBy = !st.settings.reader.empty();
  ImGui::BeginDisabled((!seg && !sr) || st.exporting.running() || !signedBy);
  const std::string label = std::string("Export ") + (sr ? "SR" : "") + (sr && seg ? " + " : "") + (seg ? "SEG" : "") +
                            (sr ? " + presentation state" : "");
  if (ImGui::Button(st.exporting.running() ? "Exporting..." : sr || seg ? label.c_str() : "Export (no tears yet)"))
    startExport(st);
  ImGui::EndDisabled();
  if (!signedBy && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Enter the reader's name above: it signs the SR");
  if (st.exporting.running()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel##export")) st.exporting.cancel();
  }
  if (!st.exportMessage.empty()) {
    ImGui::TextWrapped("%s", st.exportMessage.c_str());
    if (!st.exportedFiles.empty()) {
      const std::string folder = std::filesystem::path(st.exportedFiles.front()).parent_path().string();
      wrappedPath(folder + "/");
      if (ImGui::SmallButton("Copy folder path")) ImGui::SetClipboardText(folder.c_str());
    }
  }
  // The objects just written go to the PACS the images came from (or any other).
  if (ImGui::TreeNode("Send to PACS")) {
    if (st.exportedFiles.empty())
      ImGui::TextDisabled("export first: Send stores the exported objects");
    else
      ImGui::TextDisabled("sends %zu exported object(s)", st.exportedFiles.size());
    drawPacsSend(st.pacs, st.exportedFiles);
    ImGui::TreePop();
  }
  drawOutboxSection(st);
}

}  // namespace

void drawTearPanel(AppState& st) {
  if (!st.model()) {
    ImGui::TextWrapped("Open a study to mark tears.");
    return;
  }
  if (!st.study->sessionError().empty())
    ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "%s", st.study->sessionError().c_str());
  ImGui::TextDisabled("every edit is saved at once (hover: where)");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", st.study->sessionPath().c_str());
  heading("New tear");
  tearFields(st.draft);
  ImGui::TextUnformatted("Place on the image:");
  if (ImGui::Button("Point (P)")) st.tool.start(TearTool::Mode::Point);
  ImGui::SameLine();
  if (ImGui::Button("Polyline (L)")) st.tool.start(TearTool::Mode::Polyline);
  ImGui::SameLine();
  if (ImGui::Button("Polygon (G)")) st.tool.start(TearTool::Mode::Polygon);
  if (st.tool.active())
    ImGui::TextColored(ImVec4(0.5f, 0.9f, 1, 1), "click on the image; Enter finishes, Esc cancels (%zu pts)",
                       st.tool.pending().size());
  heading("Tears");
  ImGui::BeginDisabled(!st.model()->canUndo());
  if (ImGui::Button("Undo")) st.message = st.model()->undo().message();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!st.model()->canRedo());
  if (ImGui::Button("Redo")) st.message = st.model()->redo().message();
  ImGui::EndDisabled();
  std::string toRemove;
  for (const auto& t : st.model()->tears()) {
    ImGui::PushID(t.id.c_str());
    if (ImGui::Selectable(describe(t).c_str(), st.selectedTear == t.id)) {
      st.selectedTear = t.id;
      // Jump to it: frame or slice, and the MPR crosshair on its first point.
      if (const Series* s = st.series()) {
        const auto voxels = tearVoxels(*s, t);
        if (!voxels.empty()) {
          st.frame = std::clamp(int(std::lround(voxels[0][2])), 0, int(s->sliceCount()) - 1);
          st.crossColumn = std::clamp(int(std::lround(voxels[0][0])), 0, s->columns - 1);
          st.crossRow = std::clamp(int(std::lround(voxels[0][1])), 0, s->rows - 1);
        }
      }
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", describeAuthorship(t).c_str());
    if (ImGui::BeginPopupContextItem()) {
      if (ImGui::MenuItem("Delete")) toRemove = t.id;
      ImGui::EndPopup();
    }
    ImGui::PopID();
  }
  if (!toRemove.empty()) {
    Status s = st.model()->remove(toRemove);
    st.message = s ? "removed " + toRemove : s.message();
  }
  if (!st.selectedTear.empty()) {
    if (const TearAnnotation* sel = st.model()->find(st.selectedTear)) {
      heading(("Edit " + sel->id).c_str());
      TearAnnotation edit = *sel;
      tearFields(edit);
      if (!(edit == *sel)) {
        Status s = st.model()->update(edit);
        if (!s) st.message = s.message();
      }
      if (ImGui::Button("Delete tear")) {
        Status s = st.model()->remove(sel->id);
        st.message = s ? "removed" : s.message();
        st.selectedTear.clear();
      }
    }
  }
}

void drawMeasurePanel(AppState& st) {
  if (!st.model()) {
    ImGui::TextWrapped("Open a study to measure.");
    return;
  }
  if (ImGui::Button("Ruler (D)")) st.measure.start(MeasureKind::Distance);
  ImGui::SameLine();
  if (ImGui::Button("Angle (A)")) st.measure.start(MeasureKind::Angle);
  ImGui::SameLine();
  ImGui::BeginDisabled(st.selectedTear.empty());
  if (ImGui::Button("Catheter path (C)")) st.measure.start(MeasureKind::Catheter);
  ImGui::EndDisabled();
  if (st.measure.active())
    ImGui::TextColored(ImVec4(0.5f, 0.9f, 1, 1), "%s",
                       st.measure.kind() == MeasureKind::Catheter ? "click the target, then the entry point"
                                                                  : "click the points on the image");
  if (!st.measurements.empty() && ImGui::Button("Clear measurements")) st.measurements.clear();
  ImGui::TextWrapped("Lengths use the series' calibration, named beside each value.");
}

void drawReportPanel(AppState& st) {
  if (!st.model()) {
    ImGui::TextWrapped("Open a study to report.");
    drawOutboxSection(st);
    return;
  }
  drawReader(st);
  drawExport(st);
  const auto discs = st.model()->byDisc();
  if (!discs.empty()) {
    heading("By disc");
    for (const auto& [level, tears] : discs) {
      std::string line = level + ":";
      for (const auto* t : tears) line += " " + t->id + (t->geometry.is3D() ? " (MR)" : "");
      ImGui::PushID(level.c_str());
      ImGui::TextWrapped("%s", line.c_str());
      if (tears.size() > 1 && ImGui::SmallButton("side by side")) st.compareLevel = level;
      ImGui::PopID();
    }
  }
}

void drawCineBar(AppState& st, double nowMs) {
  const Series* s = st.series();
  if (!s) return;
  const int n = int(s->sliceCount());
  // Playback controls for a cine only; a volume gets its slice slider.
  if (s->multiFrame && n > 1) {
    if (ImGui::Button(st.cine.playing ? "Pause" : "Play")) {
      st.cine.playing = !st.cine.playing;
      st.cine.startedAtMs = nowMs;
      st.cine.startOffsetMs = s->slices[std::size_t(st.frame)].timeMs;
    }
    ImGui::SameLine();
    ImGui::Checkbox("loop", &st.cine.loop);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    float speed = float(st.cine.speed);
    if (ImGui::SliderFloat("speed", &speed, 0.1f, 4.0f, "%.1fx")) {
      st.cine.startOffsetMs = s->slices[std::size_t(st.frame)].timeMs;
      st.cine.startedAtMs = nowMs;
      st.cine.speed = speed;
    }
    ImGui::SameLine();
    ImGui::Checkbox("ghost tears", &st.ghostTears);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Tears within %d frames of the shown one drawn faintly, so they stay in view while playing",
                        st.ghostFrames);
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(150);
  if (ImGui::BeginCombo("##wl", "W/L preset")) {
    for (const NamedWindow& w : modalityWindows(*s, std::size_t(st.frame))) {
      char label[96];
      std::snprintf(label, sizeof label, "%s %.0f/%.0f", w.name.c_str(), w.window.width, w.window.center);
      if (ImGui::Selectable(label)) st.window = w.window;
    }
    if (!s->windows.empty()) ImGui::Separator();
    for (std::size_t i = 0; i < s->windows.size(); ++i) {
      const WindowPreset& w = s->windows[i];
      char label[160];
      std::snprintf(label, sizeof label, "%s %.0f/%.0f##%zu", w.explanation.empty() ? "preset" : w.explanation.c_str(),
                    w.width, w.center, i);
      if (ImGui::Selectable(label)) st.window = {w.center, w.width};
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  int frame = st.frame + 1;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderInt("##frame", &frame, 1, std::max(1, n), s->multiFrame ? "frame %d" : "slice %d")) {
    st.frame = frame - 1;
    st.cine.playing = false;
  }
  if (s->multiFrame)
    ImGui::Text("%.0f ms  |  %.1f fps (%s)", s->slices[std::size_t(st.frame)].timeMs, s->frameRate(),
                s->timing.source.empty() ? "no timing" : s->timing.source.c_str());
}

void drawStatusBar(const AppState& st) {
  const Series* s = st.series();
  if (!s) {
    const std::string loading = st.opening.running() ? "Loading " + st.openingPath : std::string("No study open");
    ImGui::TextUnformatted(st.message.empty() ? loading.c_str() : st.message.c_str());
    return;
  }
  std::string text = s->series.modality + " " + s->patient.name + "  W/L " + std::to_string(int(st.window.width)) +
                     "/" + std::to_string(int(st.window.center)) +
                     "  reader: " + (st.settings.reader.empty() ? "(none: see Report)" : st.settings.reader);
  if (st.hover) {
    const int c = int(std::lround((*st.hover)[0])), r = int(std::lround((*st.hover)[1]));
    if (c >= 0 && r >= 0 && c < s->columns && r < s->rows && !s->pixels.empty()) {
      char buf[256];
      const std::size_t idx = std::size_t(r) * std::size_t(s->columns) * std::size_t(s->samplesPerPixel) +
                              std::size_t(c) * std::size_t(s->samplesPerPixel);
      const Vec3 p = s->pixelToPatient(c, r, std::size_t(st.frame));
      std::snprintf(buf, sizeof buf, "   (%d, %d) value %.1f", c, r, s->modalityValue(std::size_t(st.frame), idx));
      text += buf;
      if (s->hasPatientGeometry) {
        std::snprintf(buf, sizeof buf, "   LPS %.1f %.1f %.1f mm", p[0], p[1], p[2]);
        text += buf;
      }
    }
  }
  text += "   [" + std::string(calibrationName(s->calibration.kind)) + "]";
  if (!st.message.empty()) text += "   " + st.message;
  ImGui::TextUnformatted(text.c_str());
}

void drawHelp(AppState& st) {
  if (!st.showHelp) return;
  ImGui::SetNextWindowSize(ImVec2(420, 0), ImGuiCond_Appearing);
  if (ImGui::Begin("Keyboard and mouse (F1)", &st.showHelp, ImGuiWindowFlags_AlwaysAutoResize)) {
    const char* rows[][2] = {{"Space", "play / pause cine"},
                             {"Left / Right", "previous / next frame"},
                             {"Up / Down", "previous / next slice"},
                             {"Right drag", "window / level"},
                             {"Left drag", "pan"},
                             {"Wheel", "zoom about the cursor"},
                             {"R", "reset view and window"},
                             {"H / V", "flip horizontal / vertical"},
                             {"T", "rotate 90 degrees"},
                             {"P / L / G", "place point / polyline / polygon tear"},
                             {"D / A", "ruler / angle (calibrated)"},
                             {"C", "catheter path for the selected tear"},
                             {"Enter / Esc", "finish / cancel the shape"},
                             {"Ctrl+Z / Ctrl+Y", "undo / redo"},
                             {"Ctrl+Q", "quit"},
                             {"1 / 2 / 3 / 4", "2D / MPR / 3D / disc-plane layout"},
                             {"MPR: click a reformat", "move slice and crosshair there"},
                             {"MPR: middle drag", "move the crosshair on the main plane"},
                             {"3D: left drag / wheel", "rotate / zoom (labels: surface or overlay)"},
                             {"I", "place the injection point (cine)"},
                             {"F1", "this help"}};
    for (auto& r : rows) {
      ImGui::TextUnformatted(r[0]);
      ImGui::SameLine(190);
      ImGui::TextUnformatted(r[1]);
    }
  }
  ImGui::End();
}

}  // namespace annulo::app
