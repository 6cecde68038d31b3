#include "ProcessingPanel.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "Panels.h"
#include "SegmentationList.h"
#include "ShownSeries.h"
#include "ViewDrawing.h"
#include "annulo/processing/FilterParameters.h"
#include "annulo/study/HizTear.h"

namespace annulo::app {
namespace {

// A "nice" tick step (1, 2 or 5 x 10^k) giving about `count` ticks over `range`.
double tickStep(double range, int count) {
  const double raw = std::max(range, 1e-9) / std::max(1, count);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p) return m * p;
  return 10 * p;
}

// Intradiscal and leak area over time, with labelled axes (ms, mm2), the onset marked
// with its time, the value under the cursor; a click jumps to that frame.
void areaPlot(AppState& st, const LeakSegmentation& seg) {
  const int n = int(seg.perFrame.size());
  if (n == 0) return;
  const float axisLeft = ImGui::CalcTextSize("0000").x + 6, axisBottom = ImGui::GetTextLineHeight() + 4;
  const ImVec2 size(ImGui::GetContentRegionAvail().x, 140);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("areaplot", size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0(o.x + axisLeft, o.y + 4), p1(o.x + size.x - 8, o.y + size.y - axisBottom);
  dl->AddRectFilled(p0, p1, IM_COL32(15, 15, 18, 255));
  double top = 1;
  bool anySuspect = false;
  for (const auto& f : seg.perFrame) anySuspect = anySuspect || f.registrationSuspect;
  for (const auto& f : seg.perFrame) top = std::max({top, f.intradiscalAreaMm2, f.leakAreaMm2});
  const double t0 = seg.perFrame.front().timeMs, t1 = std::max(t0 + 1, seg.perFrame.back().timeMs);
  auto x = [&](double t) { return p0.x + float((t - t0) / (t1 - t0)) * (p1.x - p0.x); };
  auto y = [&](double v) { return p1.y - float(v / top) * (p1.y - p0.y); };
  const ImU32 axis = IM_COL32(150, 150, 160, 255);
  char label[64];
  const double dy = tickStep(top, 4);
  for (double v = 0; v <= top + 1e-9; v += dy) {
    dl->AddLine(ImVec2(p0.x - 3, y(v)), ImVec2(p1.x, y(v)), IM_COL32(60, 60, 70, 255));
    std::snprintf(label, sizeof label, "%.0f", v);
    dl->AddText(ImVec2(p0.x - 5 - ImGui::CalcTextSize(label).x, y(v) - 7), axis, label);
  }
  const double dx = tickStep(t1 - t0, 4);
  for (double t = std::ceil(t0 / dx) * dx; t <= t1 + 1e-9; t += dx) {
    dl->AddLine(ImVec2(x(t), p1.y), ImVec2(x(t), p1.y + 3), axis);
    std::snprintf(label, sizeof label, "%.0f", t);
    const float w = ImGui::CalcTextSize(label).x;
    dl->AddText(ImVec2(std::clamp(x(t) - w / 2, p0.x, p1.x - w), p1.y + 3), axis, label);
  }
  dl->AddText(ImVec2(p0.x + 4, p0.y + 2), axis, "mm2");
  const char* unit = "ms";
  dl->AddText(ImVec2(p1.x - ImGui::CalcTextSize(unit).x - 2, p1.y - ImGui::GetTextLineHeight() - 2), axis, unit);
  // Frames whose subtraction kept edges of motion the correction did not follow: their
  // leak is not reported (LeakFrame::registrationSuspect), shaded so the gap is seen.
  for (int i = 0; i < n && anySuspect; ++i) {
    const LeakFrame& f = seg.perFrame[std::size_t(i)];
    if (!f.registrationSuspect) continue;
    const double half = (t1 - t0) / std::max(1, 2 * (n - 1));
    dl->AddRectFilled(ImVec2(std::max(p0.x, x(f.timeMs - half)), p0.y),
                      ImVec2(std::min(p1.x, x(f.timeMs + half)), p1.y), IM_COL32(120, 120, 130, 90));
  }
  for (int i = 1; i < n; ++i) {
    const LeakFrame &a = seg.perFrame[std::size_t(i - 1)], &b = seg.perFrame[std::size_t(i)];
    dl->AddLine(ImVec2(x(a.timeMs), y(a.intradiscalAreaMm2)), ImVec2(x(b.timeMs), y(b.intradiscalAreaMm2)),
                IM_COL32(60, 150, 255, 255), 1.5f);
    dl->AddLine(ImVec2(x(a.timeMs), y(a.leakAreaMm2)), ImVec2(x(b.timeMs), y(b.leakAreaMm2)),
                IM_COL32(255, 140, 0, 255), 1.5f);
  }
  if (seg.leakOnsetFrame && *seg.leakOnsetFrame >= 1 && *seg.leakOnsetFrame <= n) {
    const float ox = x(seg.perFrame[std::size_t(*seg.leakOnsetFrame - 1)].timeMs);
    dl->AddLine(ImVec2(ox, p0.y), ImVec2(ox, p1.y), IM_COL32(255, 80, 80, 200), 1);
    std::snprintf(label, sizeof label, "onset %.0f ms", seg.leakOnsetMs.value_or(0));
    const float w = ImGui::CalcTextSize(label).x;
    dl->AddText(ImVec2(std::min(ox + 3, p1.x - w), p0.y + 16), IM_COL32(255, 90, 90, 255), label);
  }
  const int shown = std::clamp(st.frame, 0, n - 1);
  const float nx = x(seg.perFrame[std::size_t(shown)].timeMs);
  dl->AddLine(ImVec2(nx, p0.y), ImVec2(nx, p1.y), IM_COL32(200, 200, 200, 120), 1);
  if (ImGui::IsItemHovered()) {
    const float f = std::clamp((ImGui::GetIO().MousePos.x - p0.x) / std::max(1.0f, p1.x - p0.x), 0.0f, 1.0f);
    const double t = t0 + f * (t1 - t0);
    int best = 0;
    for (int i = 0; i < n; ++i)
      if (std::abs(seg.perFrame[std::size_t(i)].timeMs - t) < std::abs(seg.perFrame[std::size_t(best)].timeMs - t))
        best = i;
    const LeakFrame& h = seg.perFrame[std::size_t(best)];
    ImGui::SetTooltip("frame %d, %.0f ms\nintradiscal %.1f mm2\nleak %.1f mm2%s", h.frame, h.timeMs,
                      h.intradiscalAreaMm2, h.leakAreaMm2,
                      h.registrationSuspect ? "\nmotion not followed: leak not reported" : "");
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      st.frame = best;
      st.cine.playing = false;
    }
  }
  ImGui::TextColored(ImVec4(0.25f, 0.6f, 1, 1), "intradiscal");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(1, 0.55f, 0, 1), "leak");
  ImGui::SameLine();
  ImGui::TextDisabled("area (%s)", calibrationName(seg.calibration));
  if (anySuspect) ImGui::TextColored(ImVec4(0.7f, 0.7f, 0.75f, 1), "grey: motion not followed, leak not reported");
}

void leakFigures(AppState& st, const LeakSegmentation& seg) {
  if (seg.leakOnsetFrame)
    ImGui::TextWrapped("leak onset: frame %d, %.0f ms", *seg.leakOnsetFrame, seg.leakOnsetMs.value_or(0));
  else
    ImGui::TextWrapped("no leak found");
  ImGui::TextWrapped("final leak area %.1f mm2 (%s)", seg.finalLeakAreaMm2, calibrationName(seg.calibration));
  ImGui::TextWrapped("disc outline %s", seg.discOutlineEstimated ? "estimated" : "given");
  for (std::size_t i = 0; i < seg.paths.size(); ++i) {
    const LeakPath& p = seg.paths[i];
    ImGui::TextWrapped("path %zu: exit (%.0f, %.0f), direction %.0f deg (%d o'clock)", i + 1, p.exitPoint[0],
                       p.exitPoint[1], p.directionDeg, p.clock);
  }
  for (const auto& w : seg.warnings) ImGui::TextWrapped("warning: %s", w.c_str());
  areaPlot(st, seg);
  const TearAnnotation* sel = st.model() && !st.selectedTear.empty() ? st.model()->find(st.selectedTear) : nullptr;
  ImGui::BeginDisabled(!sel);
  if (ImGui::Button("Copy figures to the selected tear") && sel) {
    const std::string id = sel->id;
    Status s = st.study->copyLeakFigures(id, *st.series());
    st.message = s ? "leak figures saved to " + id : s.message();
  }
  ImGui::EndDisabled();
}

// The filters the panel offers, in its combo's order.
const std::vector<FilterOp>& panelOps() { return allFilterOps(); }

void tooltip(const FilterParameter& q, double max) {
  if (!ImGui::IsItemHovered()) return;
  char range[96];
  std::snprintf(range, sizeof range, "%g..%g %s, default %g%s", q.min, max, q.unit.c_str(), q.defaultValue,
                q.zeroIsAutomatic ? " (auto)" : "");
  ImGui::SetTooltip("%s\n%s\n(--%s on annulo-cli filter; Ctrl+click to type)", q.help.c_str(), range, q.name.c_str());
}

// One slider per table parameter (FilterParameters.h): the same ranges as the CLI.
// The mask frame is further limited to the series' frames.
void parameterControls(FilterOptions& o, const Series& s) {
  for (const FilterParameter& q : filterParameters(o.op)) {
    double value = q.get(o);
    const double max = q.name == "mask-frame" ? double(s.sliceCount()) : q.max;
    value = std::clamp(value, q.min, std::max(q.min, max));
    const std::string format = q.zeroIsAutomatic && value == 0 ? "auto"
                               : q.integer                     ? "%.0f " + q.unit
                                                               : "%.4g " + q.unit;
    ImGuiSliderFlags flags = ImGuiSliderFlags_AlwaysClamp;
    if (q.logarithmic) flags |= ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoRoundToFormat;
    ImGui::SetNextItemWidth(160);
    ImGui::SliderScalar(q.label.c_str(), ImGuiDataType_Double, &value, &q.min, &max, format.c_str(), flags);
    tooltip(q, max);
    if (q.integer) value = std::round(value);
    (void)setFilterParameter(o, q, value);  // clamped above: within the table's range
  }
}

// What the table does not hold: subtraction's motion correction, the projection's mode and frames.
void otherControls(FilterOptions& o, const Series& s) {
  if (o.op == FilterOp::Subtract) ImGui::Checkbox("motion correction", &o.motionCorrection);
  if (o.op != FilterOp::Projection) return;
  static const char* kModes[] = {"auto (keeps contrast)", "minimum", "maximum"};
  int mode = int(o.projection);
  ImGui::SetNextItemWidth(160);
  if (ImGui::Combo("mode", &mode, kModes, 3)) o.projection = ProjectionMode(mode);
  const int frames = int(s.sliceCount());
  bool all = o.firstFrame == 0 && o.lastFrame == 0;
  if (ImGui::Checkbox("all frames", &all)) {
    o.firstFrame = all ? 0 : 1;
    o.lastFrame = all ? 0 : frames;
  }
  if (all) return;
  ImGui::SetNextItemWidth(160);
  ImGui::DragIntRange2("frames", &o.firstFrame, &o.lastFrame, 0.2f, 1, frames, "%d", "%d",
                       ImGuiSliderFlags_AlwaysClamp);
  o.lastFrame = std::max(o.firstFrame, std::min(o.lastFrame, frames));
}

// Determinate bar with the fraction the core reports, and a Cancel button.
template <typename T>
void progressRow(Job<T>& job, const char* id) {
  ImGui::PushID(id);
  if (ImGui::SmallButton("Cancel")) job.cancel();
  ImGui::SameLine();
  char label[32] = "cancelling";
  if (!job.cancelRequested()) std::snprintf(label, sizeof label, "%.0f%%", 100.0 * double(job.progress()));
  ImGui::ProgressBar(job.progress(), ImVec2(-1, 0), label);
  ImGui::PopID();
}

}  // namespace

void startFilter(Processing& p, const Series* s, FilterOptions fo) {
  p.filterSource = s;
  p.filterRunning = describeFilterParameters(fo);
  p.filterJob.start("filter", [s, fo](JobControl& control) mutable -> Result<DerivedImage> {
    fo.cancel = control.cancelFlag();
    fo.progress = control.progressSlot();
    return applyFilter(*s, fo);
  });
}

void startLeak(Processing& p, const Series* s) {
  LeakSegmentationOptions o;
  o.injectionPoint = {(*p.injection)[0], (*p.injection)[1]};
  if (p.outline.size() >= 3)
    for (const auto& v : p.outline) o.discOutline.push_back({v[0], v[1]});
  p.leakSeries = s;
  p.leakJob.start("leak segmentation", [s, o](JobControl& control) mutable -> Result<LeakSegmentation> {
    o.cancel = control.cancelFlag();
    o.progress = control.progressSlot();
    return segmentLeak(*s, o);
  });
}

void startHiz(Processing& p, const Series* s) {
  p.hizSeries = s;
  p.hizJob.start("HIZ search", [s](JobControl& control) -> Result<std::vector<HizCandidate>> {
    HizOptions o;
    o.progress = control.progressSlot();
    o.cancel = control.cancelFlag();
    return detectHiz(*s, o);
  });
}

namespace {

void filterSection(Processing& p, const Series* s) {
  const auto& ops = panelOps();
  if (p.filterSettings.size() != ops.size())
    for (FilterOp op : ops) p.filterSettings.push_back(defaultFilterOptions(op));
  p.filterOp = std::clamp(p.filterOp, 0, int(ops.size()) - 1);
  ImGui::SetNextItemWidth(140);
  if (ImGui::BeginCombo("##filter", filterOpName(ops[std::size_t(p.filterOp)]))) {
    for (int i = 0; i < int(ops.size()); ++i)
      if (ImGui::Selectable(filterOpName(ops[std::size_t(i)]), i == p.filterOp)) p.filterOp = i;
    ImGui::EndCombo();
  }
  FilterOptions& o = p.filterSettings[std::size_t(p.filterOp)];
  ImGui::SameLine();
  const bool filtering = p.filterJob.running();
  ImGui::BeginDisabled(filtering || s->isColor());
  if (ImGui::Button(filtering ? "Filtering..." : "Apply filter")) startFilter(p, s, o);
  ImGui::SameLine();
  if (ImGui::SmallButton("defaults")) o = defaultFilterOptions(o.op);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every parameter of %s back to its default", filterOpName(o.op));
  parameterControls(o, *s);
  otherControls(o, *s);
  ImGui::EndDisabled();
  if (!filtering) return;
  ImGui::TextUnformatted(p.filterRunning.c_str());
  progressRow(p.filterJob, "filter");
}

// One switch and opacity for the label overlay on every view (2D, MPR, 3D).
void overlayControls(AppState& st) {
  ImGui::Checkbox("overlay", &st.overlay.show);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(120);
  ImGui::SliderFloat("opacity", &st.overlay.opacity, 0.1f, 1.0f);
}

void leakSection(AppState& st, Processing& p, const Series* s) {
  if (ImGui::Button("Injection point (I)")) p.pick = Pick::Injection;
  ImGui::SameLine();
  if (ImGui::Button(p.pick == Pick::DiscOutline ? "Outline: Enter ends" : "Disc outline")) {
    p.pick = Pick::DiscOutline;
    p.outline.clear();
  }
  if (!p.outline.empty()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) p.outline.clear();
  }
  const bool running = p.leakJob.running();
  ImGui::BeginDisabled(!p.injection || running);
  if (ImGui::Button(running ? "Segmenting..." : "Segment leak")) startLeak(p, s);
  ImGui::EndDisabled();
  if (running) progressRow(p.leakJob, "leak");
  overlayControls(st);
  if (const LeakSegmentation* leak = st.study->leak(*s)) leakFigures(st, *leak);
}

void showHiz(AppState& st, const HizCandidate& c) {
  st.frame = c.slice - 1;
  st.crossColumn = int(std::lround(c.pixel[0]));
  st.crossRow = int(std::lround(c.pixel[1]));
}

// One click: the candidate becomes a tear of its level (HizTear.h), selected.
void hizToTear(AppState& st, const HizCandidate& c, const Series& s) {
  auto id = st.model()->add(hizTear(c, s, st.settings.reader));
  st.message = id ? "added " + *id + " (HIZ, " + (c.level.empty() ? std::string("level ?") : c.level) + ", saved)"
                  : id.message();
  if (id) st.selectedTear = *id;
}

void hizSection(AppState& st, Processing& p, const Series* s) {
  const bool running = p.hizJob.running();
  ImGui::BeginDisabled(running);
  if (ImGui::Button(running ? "Searching..." : "Find high-intensity zones")) startHiz(p, s);
  ImGui::EndDisabled();
  if (running) progressRow(p.hizJob, "hiz");
  if (p.hizSeries != s) return;
  for (std::size_t i = 0; i < p.hiz.size(); ++i) {
    const HizCandidate& c = p.hiz[i];
    char label[200];
    // Short enough for the panel's width (the clipped-text check); the rest in the tooltip.
    std::snprintf(label, sizeof label, "HIZ %zu: %s%s, %.1f mm, x%.2f", i + 1,
                  c.level.empty() ? "level ?" : c.level.c_str(), c.levelCertain ? "" : " (?)", c.sizeMm,
                  c.ratioToNucleus);
    char detail[300];
    std::snprintf(detail, sizeof detail, "slice %d, %.1f mm, %.2f x the nucleus, score %.2f%s%s", c.slice, c.sizeMm,
                  c.ratioToNucleus, c.score, c.warnings.empty() ? "" : "\n",
                  c.warnings.empty() ? "" : c.warnings.front().c_str());
    ImGui::PushID(int(i));
    ImGui::BeginDisabled(!st.model());
    if (ImGui::SmallButton("Tear")) hizToTear(st, c, *s);
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("%s", st.model() ? "Record as a tear of this level (MR point, comment \"HIZ\")"
                                         : "No session: open a study folder to record tears");
    ImGui::SameLine();
    if (ImGui::Selectable(label)) showHiz(st, c);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", detail);
    ImGui::PopID();
  }
}

}  // namespace

bool processingClick(Processing& p, Vec2 image) {
  if (p.pick == Pick::Injection) {
    p.injection = image;
    p.pick = Pick::None;
    return true;
  }
  if (p.pick == Pick::DiscOutline) {
    p.outline.push_back(image);
    return true;
  }
  return false;
}

namespace {

void finishLeak(AppState& st, Processing& p, Result<LeakSegmentation> r) {
  const Series* s = p.leakSeries;
  p.leakSeries = nullptr;
  if (!r) {
    p.error = r.message();
    return;
  }
  p.error.clear();
  Status kept = st.study->adoptLeak(*s, std::make_shared<const LeakSegmentation>(std::move(*r)));
  if (!kept) p.error = "segmentation shown but not kept with the session: " + kept.message();
}

void finishFilter(AppState& st, Processing& p, Result<DerivedImage> r) {
  if (!r) {
    p.error = r.message();
    return;
  }
  st.message = r->derivationDescription;
  st.study->addDerived(derivedSeries(*p.filterSource, std::move(*r)));
  selectSeries(st, st.study->seriesCount() - 1);
  p.error.clear();
}

void finishHiz(AppState& st, Processing& p, Result<std::vector<HizCandidate>> r) {
  if (!r) {
    p.error = r.message();
    return;
  }
  p.hiz = *r;
  // Show the strongest candidate at once, on the slice and in the MPR crosshair.
  if (!p.hiz.empty() && p.hizSeries == st.series()) showHiz(st, p.hiz.front());
}

// The pick state of another series does not apply; a restored segmentation brings its own.
void followShownSeries(AppState& st, Processing& p) {
  const Series* s = st.series();
  if (s == p.shownSeries) return;
  p.shownSeries = s;
  p.pick = Pick::None;
  p.injection.reset();
  p.outline.clear();
  if (const LeakSegmentation* leak = s ? st.study->leak(*s) : nullptr) {
    p.injection = Vec2{leak->injectionPoint[0], leak->injectionPoint[1]};
    if (!leak->discOutlineEstimated)
      for (const auto& v : leak->discOutline) p.outline.push_back(Vec2{v[0], v[1]});
  }
}

}  // namespace

void pollProcessing(AppState& st, Processing& p, bool block) {
  if (block && p.leakJob.running()) finishLeak(st, p, p.leakJob.wait());
  if (block && p.filterJob.running()) finishFilter(st, p, p.filterJob.wait());
  if (block && p.hizJob.running()) finishHiz(st, p, p.hizJob.wait());
  if (auto r = p.leakJob.take()) finishLeak(st, p, std::move(*r));
  if (auto r = p.filterJob.take()) finishFilter(st, p, std::move(*r));
  if (auto r = p.hizJob.take()) finishHiz(st, p, std::move(*r));
  if (st.study) followShownSeries(st, p);
}

void drawProcessingPanel(AppState& st, Processing& p) {
  const Series* s = st.series();
  if (!s) return;
  if (!ImGui::CollapsingHeader("Processing", ImGuiTreeNodeFlags_DefaultOpen)) return;
  filterSection(p, s);
  const bool cine = s->multiFrame && s->sliceCount() > 1 && !s->isColor();
  if (cine)
    leakSection(st, p, s);
  else if (s->series.modality == "MR" && s->sliceCount() > 2)
    hizSection(st, p, s);
  else
    ImGui::TextWrapped("Leak segmentation needs a greyscale cine; HIZ search an MR series.");
  if (!cine && !st.labels().empty()) overlayControls(st);  // a loaded label map on an MR or CT
  if (!p.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.4f, 0.3f, 1));
    ImGui::TextWrapped("%s", p.error.c_str());
    ImGui::PopStyleColor();
  }
}

namespace {

constexpr ImU32 kLeakPathColour = IM_COL32(255, 190, 40, 235);

// The automatic leak path: a dashed amber arrow, so it never reads as a tear the reader drew.
void leakPathArrow(ImDrawList* dl, ImVec2 a, ImVec2 b) {
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  const float ux = dx / len, uy = dy / len;
  for (float t = 0; t < len; t += 10) {
    const float e = std::min(len, t + 6);
    dl->AddLine(ImVec2(a.x + ux * t, a.y + uy * t), ImVec2(a.x + ux * e, a.y + uy * e), kLeakPathColour, 2);
  }
  const ImVec2 left(b.x - ux * 9 - uy * 5, b.y - uy * 9 + ux * 5), right(b.x - ux * 9 + uy * 5, b.y - uy * 9 - ux * 5);
  dl->AddTriangleFilled(b, left, right, kLeakPathColour);
}

}  // namespace

void drawLegend(const AppState& st, ImVec2 origin, float viewWidth, ImDrawList* dl) {
  const Series* s = st.series();
  if (!s || !st.study) return;
  std::vector<std::pair<ImU32, std::string>> rows;
  const AdoptedSegmentation* seg = st.study->leak(*s) ? nullptr : shownSegmentation(st);
  if (st.overlay.show && !st.labels().empty() && seg) {
    for (const SegmentInfo& g : seg->segments) rows.emplace_back(segmentColour(g.number), g.label);
  } else if (st.overlay.show && !st.labels().empty()) {
    rows.emplace_back(IM_COL32(51, 153, 255, 255), "intradiscal contrast");
    rows.emplace_back(IM_COL32(255, 140, 0, 255), "contrast leak");
  }
  if (const LeakSegmentation* leak = st.study->leak(*s); leak && !leak->paths.empty())
    rows.emplace_back(kLeakPathColour, "leak path (automatic)");
  std::vector<std::string> levels;
  if (st.model())
    for (const auto& t : st.model()->tears())  // the tears of the series shown
      if (!tearVoxels(*s, t).empty() && std::find(levels.begin(), levels.end(), t.level) == levels.end())
        levels.push_back(t.level);
  for (const auto& l : levels) rows.emplace_back(tearColour(l, 1.0f), "tears " + l);
  if (rows.empty()) return;
  float width = 0;
  for (const auto& r : rows) width = std::max(width, ImGui::CalcTextSize(r.second.c_str()).x);
  const float line = ImGui::GetTextLineHeight() + 2;
  const ImVec2 at(origin.x + viewWidth - width - 34, origin.y + 26);
  dl->AddRectFilled(ImVec2(at.x - 6, at.y - 4), ImVec2(at.x + width + 26, at.y + line * float(rows.size()) + 2),
                    IM_COL32(0, 0, 0, 170), 4);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const float y = at.y + line * float(i);
    dl->AddRectFilled(ImVec2(at.x, y + 3), ImVec2(at.x + 14, y + line - 5), rows[i].first, 2);
    dl->AddText(ImVec2(at.x + 20, y), IM_COL32(230, 230, 230, 255), rows[i].second.c_str());
  }
}

void drawProcessingOverlay(const AppState& st, const Processing& p, const ViewState& view, const ViewGeometry& g,
                           ImVec2 origin, ImDrawList* dl, LabelPlacer& labels) {
  const Series* s = st.series();
  if (!s) return;
  auto scr = [&](double x, double y) { return toIm(imageToScreen(view, g, {x, y}), origin); };
  if (p.injection) {
    const ImVec2 c = scr((*p.injection)[0], (*p.injection)[1]);
    dl->AddCircle(c, 6, IM_COL32(255, 60, 60, 255), 12, 2);
    haloText(dl, ImVec2(c.x + 8, c.y - 8), IM_COL32(255, 90, 90, 255), "injection", &labels);
  }
  std::vector<ImVec2> outline;
  for (const auto& v : p.outline) outline.push_back(scr(v[0], v[1]));
  if (outline.size() > 1)
    dl->AddPolyline(outline.data(), int(outline.size()), IM_COL32(120, 255, 120, 200),
                    p.pick == Pick::DiscOutline ? 0 : ImDrawFlags_Closed, 1.5f);
  if (const LeakSegmentation* leak = st.study->leak(*s)) {
    for (const auto& path : leak->paths) {
      const ImVec2 a = scr(path.exitPoint[0], path.exitPoint[1]), b = scr(path.tip[0], path.tip[1]);
      leakPathArrow(dl, a, b);
      char label[48];
      std::snprintf(label, sizeof label, "leak %d o'clock", path.clock);
      haloText(dl, ImVec2(b.x + 6, b.y - 6), kLeakPathColour, label, &labels);
    }
  }
  if (p.hizSeries == s)
    for (const auto& c : p.hiz)
      if (c.slice - 1 == st.frame) {
        const ImVec2 m = scr(c.pixel[0], c.pixel[1]);
        const float r = float(std::max(6.0, c.radiusMm / s->spacing[0] * screenScale(view, g) * 2));
        dl->AddCircle(m, r, IM_COL32(255, 255, 0, 255), 24, 2);
        dl->AddText(ImVec2(m.x + r + 3, m.y - 7), IM_COL32(255, 255, 0, 255), "HIZ");
      }
}

}  // namespace annulo::app
