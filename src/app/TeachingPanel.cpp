#include "TeachingPanel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "AppState.h"
#include "ViewDrawing.h"
#include "ViewerSettings.h"
#include "annulo/deid/DeidKey.h"

namespace annulo::app {
namespace {

namespace fs = std::filesystem;

std::string defaultCaseDir(const AppState& st) {
  return (fs::path(st.study->defaultExportPath()).parent_path() / "teaching-case").string();
}

// The annotated cine whose labels go into the case (SEG, overlay, plot): the first
// multi-frame series of the study with a label map.
std::optional<teaching::CaseLabels> caseLabels(const AppState& st) {
  for (int i = 0; i < st.study->seriesCount(); ++i) {
    const Series* s = st.study->seriesAt(i);
    if (!s || !s->multiFrame) continue;
    const SeriesLabels* l = st.study->labels(*s);
    if (!l || !l->labels || !l->any) continue;
    return teaching::CaseLabels{s->columns, s->rows, int(s->slices.size()), l->labels, l->leak};
  }
  return std::nullopt;
}

deid::BlankRect rectangle(Vec2 a, Vec2 b, const Series* s) {
  const int maxX = s ? s->columns : 1 << 20, maxY = s ? s->rows : 1 << 20;
  const int x0 = std::clamp(int(std::floor(std::min(a[0], b[0]) + 0.5)), 0, maxX);
  const int y0 = std::clamp(int(std::floor(std::min(a[1], b[1]) + 0.5)), 0, maxY);
  const int x1 = std::clamp(int(std::floor(std::max(a[0], b[0]) + 0.5)) + 1, 0, maxX);
  const int y1 = std::clamp(int(std::floor(std::max(a[1], b[1]) + 0.5)) + 1, 0, maxY);
  return {x0, y0, x1 - x0, y1 - y0};
}

// What the panel shows of a finished run.
void showOutcome(AppState& st, const Result<teaching::TeachingCase>& done) {
  TeachingState& t = st.teaching;
  if (!done) {
    t.message = st.message = "teaching case: " + done.message();
    return;
  }
  char text[256];
  std::snprintf(text, sizeof text, "teaching case written: %d DICOM file(s), %d snapshot(s), %zu cine(s)%s",
                done->deid.written(), done->snapshots, done->cines.size(),
                done->plot.empty() ? "" : ", leak-area plot");
  t.message = st.message = text;
  t.warnings = done->warnings;
  t.indexHtml = done->indexHtml;
}

deid::DeidOptions deidOptions(const TeachingState& t, std::string& error) {
  deid::DeidOptions o;
  o.pseudonymName = t.pseudonym;
  o.retainModifiedDates = t.keepDates;
  o.retainPatientCharacteristics = t.keepCharacteristics;
  o.cleanDescriptors = t.keepDescriptors;
  o.blanks = t.blanks;
  // The viewer's key (beside its settings): the same study gives the same UIDs each time.
  const std::string keyPath = (fs::path(viewerSettingsPath()).parent_path() / "teaching.key").string();
  auto key = deid::loadOrCreateKey(keyPath);
  if (!key)
    error = key.message();
  else
    o.key = key->key;
  return o;
}

void showDeidOutcome(AppState& st, const Result<deid::DeidReport>& done) {
  TeachingState& t = st.teaching;
  t.deidNotes.clear();
  if (!done) {
    t.deidMessage = st.message = "de-identification: " + done.message();
    return;
  }
  t.deidMessage = st.message = "de-identified: " + std::to_string(done->written()) + " file(s) written, " +
                               std::to_string(done->refused()) + " refused, in " + t.deidDir;
  for (const auto& f : done->files) {
    const std::string name = fs::path(f.input).filename().string();
    if (!f.refusal.empty()) t.deidNotes.push_back(name + " refused: " + f.refusal);
    for (const auto& w : f.warnings) t.deidNotes.push_back(name + ": " + w);
  }
}

}  // namespace

void startDeidentify(AppState& st, const std::string& dir) {
  TeachingState& t = st.teaching;
  if (!st.study || t.deidJob.running()) return;
  if (!dir.empty()) t.deidDir = dir;
  if (t.deidDir.empty()) t.deidDir = (fs::path(st.study->defaultExportPath()).parent_path() / "deidentified").string();
  std::string error;
  deid::DeidOptions options = deidOptions(t, error);
  if (!error.empty()) {
    t.deidMessage = st.message = "de-identification: " + error;
    return;
  }
  t.deidMessage.clear();
  t.deidNotes.clear();
  t.deidJob.start(
      "de-identify",
      [input = st.study->path(), out = t.deidDir, options](JobControl& control) mutable -> Result<deid::DeidReport> {
        options.cancel = control.cancelFlag();
        options.progress = control.progressSlot();
        return deid::deidentify(input, out, options);
      });
}

void startTeachingCase(AppState& st, const std::string& dir) {
  TeachingState& t = st.teaching;
  if (!st.study || !st.model() || st.model()->tears().empty() || t.job.running()) return;
  if (!dir.empty()) t.caseDir = dir;
  if (t.caseDir.empty()) t.caseDir = defaultCaseDir(st);
  teaching::TeachingCaseOptions options;
  std::string error;
  options.deid = deidOptions(t, error);
  if (!error.empty()) {
    t.message = st.message = "teaching case: " + error;
    return;
  }
  options.labels = caseLabels(st);
  t.message.clear();
  t.warnings.clear();
  t.indexHtml.clear();
  // Copies of what the case is made from: reading goes on while it is written.
  t.job.start("teaching case",
              [session = st.study->exportInput().session, dir = t.caseDir,
               options](JobControl& control) mutable -> Result<teaching::TeachingCase> {
                options.cancel = control.cancelFlag();
                options.progress = control.progressSlot();
                return teaching::writeTeachingCase(session, dir, options);
              });
}

void pollTeaching(AppState& st) {
  if (auto done = st.teaching.job.take()) showOutcome(st, *done);
  if (auto done = st.teaching.deidJob.take()) showDeidOutcome(st, *done);
}

bool teachingClick(AppState& st, Vec2 image) {
  TeachingState& t = st.teaching;
  if (!t.blankTool) return false;
  if (!t.corner) {
    t.corner = image;
    return true;
  }
  const deid::BlankRect r = rectangle(*t.corner, image, st.series());
  if (r.width > 0 && r.height > 0) t.blanks.push_back(r);
  t.corner.reset();
  t.blankTool = false;
  return true;
}

void drawTeachingOverlay(const AppState& st, const ViewState& view, const ViewGeometry& g, ImVec2 origin,
                         ImDrawList* dl) {
  const TeachingState& t = st.teaching;
  auto box = [&](Vec2 a, Vec2 b, bool done) {
    const ImVec2 p = toIm(imageToScreen(view, g, a), origin), q = toIm(imageToScreen(view, g, b), origin);
    const ImVec2 lo(std::min(p.x, q.x), std::min(p.y, q.y)), hi(std::max(p.x, q.x), std::max(p.y, q.y));
    dl->AddRectFilled(lo, hi, done ? IM_COL32(0, 0, 0, 170) : IM_COL32(0, 0, 0, 90));
    dl->AddRect(lo, hi, IM_COL32(230, 60, 60, 255), 0, 0, 2.0f);
    if (done) dl->AddText(ImVec2(lo.x + 4, lo.y + 2), IM_COL32(230, 60, 60, 255), "blanked");
  };
  for (const auto& r : t.blanks) box({r.x - 0.5, r.y - 0.5}, {r.x + r.width - 0.5, r.y + r.height - 0.5}, true);
  if (t.corner && st.hover) box(*t.corner, *st.hover, false);
}

void drawTeachingPanel(AppState& st) {
  TeachingState& t = st.teaching;
  ImGui::TextUnformatted("Teaching case");
  ImGui::Separator();
  if (!st.study || !st.model()) {
    ImGui::TextWrapped("Open an annotated study to make a teaching case of it.");
    return;
  }
  ImGui::TextWrapped(
      "One folder for a USB stick or a slide: de-identified images, report, segmentation and presentation "
      "state (DICOM PS3.15 basic profile, references kept), labelled snapshots, the cine with the leak, the "
      "leak-area plot and one page (index.html).");
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##pseudonym", "pseudonym (default TEACHING^CASE-1)", t.pseudonym, sizeof t.pseudonym);
  ImGui::Checkbox("Keep dates (shifted)", &t.keepDates);
  ImGui::Checkbox("Keep age, sex, size", &t.keepCharacteristics);
  ImGui::Checkbox("Keep descriptions (cleaned)", &t.keepDescriptors);

  ImGui::Spacing();
  ImGui::TextUnformatted("Burned-in text");
  ImGui::TextDisabled("rectangles blanked in every frame");
  if (ImGui::Button(t.blankTool ? (t.corner ? "Click the second corner" : "Click the first corner")
                                : "Draw blanking rectangle"))
    t.blankTool = !t.blankTool, t.corner.reset();
  for (std::size_t i = 0; i < t.blanks.size(); ++i) {
    ImGui::PushID(int(i));
    const auto& r = t.blanks[i];
    ImGui::Text("%d,%d  %dx%d px", r.x, r.y, r.width, r.height);
    ImGui::SameLine();
    if (ImGui::SmallButton("Remove")) {
      t.blanks.erase(t.blanks.begin() + std::ptrdiff_t(i));
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }

  ImGui::Spacing();
  if (t.caseDir.empty()) t.caseDir = defaultCaseDir(st);
  ImGui::TextDisabled("folder");
  ImGui::TextWrapped("%s/", t.caseDir.c_str());
  const bool tears = !st.model()->tears().empty();
  ImGui::BeginDisabled(!tears || t.job.running());
  if (ImGui::Button(t.job.running() ? "Making teaching case..." : tears ? "Make teaching case" : "No tears yet"))
    startTeachingCase(st);
  ImGui::EndDisabled();
  if (t.job.running()) {
    ImGui::ProgressBar(t.job.progress(), ImVec2(-1, 0));
    if (ImGui::SmallButton("Cancel##teaching")) t.job.cancel();
  }
  if (!t.message.empty()) ImGui::TextWrapped("%s", t.message.c_str());
  bool burnedIn = false;
  for (const auto& w : t.warnings) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.65f, 0.2f, 1));
    ImGui::TextWrapped("! %s", w.c_str());
    ImGui::PopStyleColor();
    burnedIn = burnedIn || w.find("Burned In Annotation") != std::string::npos;
  }
  if (burnedIn)
    ImGui::TextWrapped(
        "Look for patient text in the frames; if there is any, draw a blanking rectangle over it "
        "and make the case again.");
  if (!t.indexHtml.empty() && ImGui::SmallButton("Copy page path")) ImGui::SetClipboardText(t.indexHtml.c_str());

  ImGui::Spacing();
  ImGui::TextUnformatted("Whole study");
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("every file of the study, with the options and rectangles above");
  ImGui::PopStyleColor();
  ImGui::BeginDisabled(t.deidJob.running());
  if (ImGui::Button(t.deidJob.running() ? "De-identifying..." : "De-identify study")) startDeidentify(st);
  ImGui::EndDisabled();
  if (t.deidJob.running()) {
    ImGui::ProgressBar(t.deidJob.progress(), ImVec2(-1, 0));
    if (ImGui::SmallButton("Cancel##deid")) t.deidJob.cancel();
  }
  if (!t.deidMessage.empty()) ImGui::TextWrapped("%s", t.deidMessage.c_str());
  for (std::size_t i = 0; i < t.deidNotes.size() && i < 12; ++i) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.65f, 0.2f, 1));
    ImGui::TextWrapped("! %s", t.deidNotes[i].c_str());
    ImGui::PopStyleColor();
  }
  if (t.deidNotes.size() > 12) ImGui::TextDisabled("and %zu more", t.deidNotes.size() - 12);
}

bool isTeachingStep(const std::string& name) {
  return name == "teaching-blank" || name == "teaching-case" || name == "deidentify";
}

Status runTeachingStep(AppState& st, const std::string& name, const std::string& value) {
  TeachingState& t = st.teaching;
  if (name == "teaching-blank") {
    deid::BlankRect r;
    if (std::sscanf(value.c_str(), "%d,%d,%d,%d", &r.x, &r.y, &r.width, &r.height) != 4 || r.width <= 0 ||
        r.height <= 0)
      return makeError("teaching-blank takes X,Y,W,H (image pixels)");
    t.blanks.push_back(r);
    return {};
  }
  if (name == "teaching-case") {
    if (!st.study || !st.model() || st.model()->tears().empty())
      return makeError("teaching-case: open a study with tears first");
    startTeachingCase(st, value);
    if (!t.job.running()) return makeError(t.message.empty() ? "teaching-case did not start" : t.message);
    const auto result = t.job.wait();  // as pollTeaching would take it: the panel shows it next frame
    showOutcome(st, result);
    if (!result) return makeError(t.message);
    return {};
  }
  if (name == "deidentify") {
    if (!st.study) return makeError("deidentify: open a study first");
    startDeidentify(st, value);
    if (!t.deidJob.running()) return makeError(t.deidMessage.empty() ? "deidentify did not start" : t.deidMessage);
    const auto result = t.deidJob.wait();
    showDeidOutcome(st, result);
    if (!result) return makeError(t.deidMessage);
    return {};
  }
  return makeError("not a teaching step: " + name);
}

}  // namespace annulo::app
