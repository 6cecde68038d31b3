#include "ProcessingPanel.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "Panels.h"
#include "annulo/processing/FilterParameters.h"
#include "ViewDrawing.h"
#include "TaskReady.h"

namespace annulo::app {
namespace {

// Intradiscal and leak area over time; a click jumps to that frame.
void areaPlot(AppState& st, const LeakSegmentation& seg) {
  const ImVec2 size(ImGui::GetContentRegionAvail().x, 110);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("areaplot", size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(15, 15, 18, 255));
  double top = 1;
  for (const auto& f : seg.perFrame) top = std::max({top, f.intradiscalAreaMm2, f.leakAreaMm2});
  const int n = int(seg.perFrame.size());
  auto at = [&](int i, double v) {
    return ImVec2(o.x + size.x * float(i) / float(std::max(1, n - 1)), o.y + size.y - 4 - float(v / top) * (size.y - 8));
  };
  for (int i = 1; i < n; ++i) {
    dl->AddLine(at(i - 1, seg.perFrame[std::size_t(i - 1)].intradiscalAreaMm2), at(i, seg.perFrame[std::size_t(i)].intradiscalAreaMm2),
                IM_COL32(60, 150, 255, 255), 1.5f);
    dl->AddLine(at(i - 1, seg.perFrame[std::size_t(i - 1)].leakAreaMm2), at(i, seg.perFrame[std::size_t(i)].leakAreaMm2),
                IM_COL32(255, 140, 0, 255), 1.5f);
  }
  if (seg.leakOnsetFrame) {
    const ImVec2 x = at(*seg.leakOnsetFrame - 1, 0);
    dl->AddLine(ImVec2(x.x, o.y), ImVec2(x.x, o.y + size.y), IM_COL32(255, 80, 80, 200), 1);
    dl->AddText(ImVec2(x.x + 3, o.y + 2), IM_COL32(255, 80, 80, 255), "onset");
  }
  const ImVec2 now = at(st.frame, 0);
  dl->AddLine(ImVec2(now.x, o.y), ImVec2(now.x, o.y + size.y), IM_COL32(200, 200, 200, 120), 1);
  if (ImGui::IsItemHovered() && ImGui::IsMouseDown(ImGuiMouseButton_Left) && n > 1) {
    const float t = std::clamp((ImGui::GetIO().MousePos.x - o.x) / size.x, 0.0f, 1.0f);
    st.frame = int(std::lround(t * float(n - 1)));
    st.cine.playing = false;
  }
  ImGui::TextColored(ImVec4(0.25f, 0.6f, 1, 1), "intradiscal");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(1, 0.55f, 0, 1), "leak (mm2, max %.0f)", top);
}

void leakFigures(AppState& st, const LeakSegmentation& seg) {
  if (seg.leakOnsetFrame)
    ImGui::Text("leak onset: frame %d, %.0f ms", *seg.leakOnsetFrame, seg.leakOnsetMs.value_or(0));
  else
    ImGui::TextUnformatted("no leak found");
  ImGui::Text("final leak area %.1f mm2 (%s)", seg.finalLeakAreaMm2, calibrationName(seg.calibration));
  ImGui::Text("disc outline %s", seg.discOutlineEstimated ? "estimated" : "given");
  for (std::size_t i = 0; i < seg.paths.size(); ++i) {
    const LeakPath& p = seg.paths[i];
    ImGui::Text("path %zu: exit (%.0f, %.0f), direction %.0f deg (%d o'clock)", i + 1, p.exitPoint[0], p.exitPoint[1],
                p.directionDeg, p.clock);
  }
  for (const auto& w : seg.warnings) ImGui::TextWrapped("warning: %s", w.c_str());
  areaPlot(st, seg);
  const TearAnnotation* sel = st.model && !st.selectedTear.empty() ? st.model->find(st.selectedTear) : nullptr;
  ImGui::BeginDisabled(!sel);
  if (ImGui::Button("Copy figures to the selected tear") && sel) {
    TearAnnotation t = *sel;
    LeakFigures f;
    f.areaMm2 = seg.finalLeakAreaMm2;
    if (seg.leakOnsetMs) f.onsetMs = *seg.leakOnsetMs;
    if (seg.leakOnsetFrame) f.onsetFrame = *seg.leakOnsetFrame;
    if (!seg.paths.empty()) f.exitDirectionDeg = seg.paths.front().directionDeg;
    f.calibration = calibrationName(seg.calibration);
    t.leakFigures = f;
    Status s = st.model->update(t);
    st.message = s ? "leak figures saved to " + t.id : s.message();
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
  ImGui::DragIntRange2("frames", &o.firstFrame, &o.lastFrame, 0.2f, 1, frames, "%d", "%d", ImGuiSliderFlags_AlwaysClamp);
  o.lastFrame = std::max(o.firstFrame, std::min(o.lastFrame, frames));
}

// Determinate bar with the fraction the core reports, and a Cancel button.
void progressRow(const std::shared_ptr<std::atomic<float>>& progress, const std::shared_ptr<std::atomic<bool>>& cancel,
                 const char* id) {
  ImGui::PushID(id);
  if (ImGui::SmallButton("Cancel") && cancel) *cancel = true;
  ImGui::SameLine();
  const float fraction = progress ? progress->load(std::memory_order_relaxed) : -1.0f * float(ImGui::GetTime());
  char label[32] = "cancelling";
  if (!cancel || !*cancel) std::snprintf(label, sizeof label, "%.0f%%", 100.0 * double(fraction));
  ImGui::ProgressBar(fraction, ImVec2(-1, 0), label);
  ImGui::PopID();
}

void startFilter(Processing& p, const Series* s, FilterOptions fo) {
  p.cancelFilter = std::make_shared<std::atomic<bool>>(false);
  p.filterProgress = std::make_shared<std::atomic<float>>(0.0f);
  fo.cancel = p.cancelFilter.get();
  fo.progress = p.filterProgress.get();
  p.filterSource = s;
  p.filterRunning = describeFilterParameters(fo);
  p.filterTask = std::async(std::launch::async, [s, fo, flag = p.cancelFilter, progress = p.filterProgress] {
    return applyFilter(*s, fo);
  });
}

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
  const bool filtering = p.filterTask.valid();
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
  progressRow(p.filterProgress, p.cancelFilter, "filter");
}

void startLeak(Processing& p, const Series* s) {
  LeakSegmentationOptions o;
  o.injectionPoint = {(*p.injection)[0], (*p.injection)[1]};
  if (p.outline.size() >= 3)
    for (const auto& v : p.outline) o.discOutline.push_back({v[0], v[1]});
  p.segmentedSeries = s;
  p.cancelLeak = std::make_shared<std::atomic<bool>>(false);
  p.leakProgress = std::make_shared<std::atomic<float>>(0.0f);
  o.cancel = p.cancelLeak.get();
  o.progress = p.leakProgress.get();
  // The lambda holds the flag and the progress, so they outlive a cancelled run.
  p.leakTask = std::async(std::launch::async,
                          [s, o, flag = p.cancelLeak, progress = p.leakProgress] { return segmentLeak(*s, o); });
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
  const bool running = p.leakTask.valid();
  ImGui::BeginDisabled(!p.injection || running);
  if (ImGui::Button(running ? "Segmenting..." : "Segment leak")) startLeak(p, s);
  ImGui::EndDisabled();
  if (running) progressRow(p.leakProgress, p.cancelLeak, "leak");
  overlayControls(st);
  if (p.leak && p.segmentedSeries == s) leakFigures(st, *p.leak);
}

void showHiz(AppState& st, const HizCandidate& c) {
  st.frame = c.slice - 1;
  st.crossColumn = int(std::lround(c.pixel[0]));
  st.crossRow = int(std::lround(c.pixel[1]));
}

void hizSection(AppState& st, Processing& p, const Series* s) {
  const bool running = p.hizTask.valid();
  ImGui::BeginDisabled(running);
  if (ImGui::Button(running ? "Searching..." : "Find high-intensity zones")) {
    p.hizSeries = s;
    p.hizProgress = std::make_shared<std::atomic<float>>(0.0f);
    p.cancelHiz = std::make_shared<std::atomic<bool>>(false);
    // The lambda holds both, so they outlive a search the panel stops waiting for.
    p.hizTask = std::async(std::launch::async, [s, progress = p.hizProgress, cancel = p.cancelHiz] {
      HizOptions o;
      o.progress = progress.get();
      o.cancel = cancel.get();
      return detectHiz(*s, o);
    });
  }
  ImGui::EndDisabled();
  if (running) progressRow(p.hizProgress, p.cancelHiz, "hiz");
  if (p.hizSeries != s) return;
  for (std::size_t i = 0; i < p.hiz.size(); ++i) {
    const HizCandidate& c = p.hiz[i];
    char label[160];
    std::snprintf(label, sizeof label, "HIZ %zu: slice %d (%.0f, %.0f) score %.2f", i + 1, c.slice, c.pixel[0],
                  c.pixel[1], c.score);
    ImGui::PushID(int(i));
    if (ImGui::Selectable(label)) showHiz(st, c);
    ImGui::PopID();
  }
}

}  // namespace

Series derivedSeries(const Series& src, DerivedImage d) {
  Series s;
  s.patient = src.patient;
  s.study = src.study;
  s.series = src.series;
  s.series.description = src.series.description + " [" + d.seriesSuffix + "]";
  s.equipment = src.equipment;
  s.sopClassUid = src.sopClassUid;
  s.photometric = d.photometric;
  s.columns = d.columns;
  s.rows = d.rows;
  s.samplesPerPixel = 1;
  s.bitsAllocated = int(bytesPerSample(d.sampleType) * 8);
  s.bitsStored = d.bitsStored;
  s.sampleType = d.sampleType;
  s.multiFrame = src.multiFrame;
  s.origin = src.origin;
  s.spacing = src.spacing;
  s.direction = src.direction;
  s.hasPatientGeometry = src.hasPatientGeometry && d.frames == int(src.sliceCount());
  s.calibration = src.calibration;
  s.invertDisplay = d.photometric == "MONOCHROME1";
  if (d.window) s.windows.push_back(*d.window);
  s.timing = src.timing;
  s.header = src.header;
  s.warnings.push_back(d.derivationDescription);
  for (int f = 0; f < d.frames; ++f) {
    const int from = f < int(d.sourceFrames.size()) ? d.sourceFrames[std::size_t(f)] : f;
    SliceInfo si = from >= 0 && from < int(src.sliceCount()) ? src.slices[std::size_t(from)] : SliceInfo{};
    if (from < 0) si.sopInstanceUid.clear();  // a projection is no acquired image: nothing to reference
    si.rescaleSlope = f < int(d.rescaleSlope.size()) ? d.rescaleSlope[std::size_t(f)] : 1.0;
    si.rescaleIntercept = f < int(d.rescaleIntercept.size()) ? d.rescaleIntercept[std::size_t(f)] : 0.0;
    s.slices.push_back(si);
  }
  s.pixels = PixelBuffer(d.bytes.size());
  std::copy(d.bytes.begin(), d.bytes.end(), s.pixels.data());
  return s;
}

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

void pollProcessing(AppState& st, Processing& p) {
  if (taskReady(p.leakTask)) {
    auto r = p.leakTask.get();
    if (r) {
      p.leak = std::make_shared<const LeakSegmentation>(std::move(*r));
      const Series* s = st.series();
      if (s && s == p.segmentedSeries) {
        const std::size_t frame = std::size_t(s->columns) * std::size_t(s->rows);
        st.labels.assign(frame * s->sliceCount(), 0);
        for (int f = 1; f <= int(s->sliceCount()); ++f)
          p.leak->copyFrameLabels(f, st.labels.data() + frame * std::size_t(f - 1));
        ++st.labelsVersion;
      }
      p.error.clear();
    } else {
      p.error = r.message();
    }
  }
  if (taskReady(p.filterTask)) {
    auto r = p.filterTask.get();
    if (r && p.filterSource) {
      st.message = r->derivationDescription;
      st.derived.push_back(derivedSeries(*p.filterSource, std::move(*r)));
      selectSeries(st, int(st.study->series.size() + st.derived.size() - 1));
      p.error.clear();
    } else if (!r) {
      p.error = r.message();
    }
  }
  if (taskReady(p.hizTask)) {
    auto r = p.hizTask.get();
    if (r) p.hiz = *r;
    else p.error = r.message();
    // Show the strongest candidate at once, on the slice and in the MPR crosshair.
    if (r && !p.hiz.empty() && p.hizSeries == st.series()) showHiz(st, p.hiz.front());
  }
  if (p.segmentedSeries && p.segmentedSeries != st.series()) {
    // Another series is shown: its overlay and figures no longer apply.
    p.leak.reset();
    p.segmentedSeries = nullptr;
    p.injection.reset();
    p.outline.clear();
  }
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
  if (!cine && !st.labels.empty()) overlayControls(st);  // a loaded label map on an MR or CT
  if (!p.error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "%s", p.error.c_str());
}

void drawProcessingOverlay(const AppState& st, const Processing& p, const ViewState& view, const ViewGeometry& g,
                           ImVec2 origin, ImDrawList* dl) {
  const Series* s = st.series();
  if (!s) return;
  auto scr = [&](double x, double y) { return toIm(imageToScreen(view, g, {x, y}), origin); };
  if (p.injection) {
    const ImVec2 c = scr((*p.injection)[0], (*p.injection)[1]);
    dl->AddCircle(c, 6, IM_COL32(255, 60, 60, 255), 12, 2);
    dl->AddText(ImVec2(c.x + 8, c.y - 8), IM_COL32(255, 60, 60, 255), "injection");
  }
  std::vector<ImVec2> outline;
  for (const auto& v : p.outline) outline.push_back(scr(v[0], v[1]));
  if (outline.size() > 1)
    dl->AddPolyline(outline.data(), int(outline.size()), IM_COL32(120, 255, 120, 200),
                    p.pick == Pick::DiscOutline ? 0 : ImDrawFlags_Closed, 1.5f);
  if (p.leak && p.segmentedSeries == s) {
    for (const auto& path : p.leak->paths) {
      const ImVec2 a = scr(path.exitPoint[0], path.exitPoint[1]), b = scr(path.tip[0], path.tip[1]);
      dl->AddLine(a, b, IM_COL32(255, 255, 0, 220), 2);
      char label[48];
      std::snprintf(label, sizeof label, "%d o'clock", path.clock);
      dl->AddText(ImVec2(b.x + 6, b.y), IM_COL32(255, 255, 0, 255), label);
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

void drawHizOnReformat(const AppState& st, const Processing& p, int viewIndex, const ViewState& view,
                       const ViewGeometry& g, ImVec2 origin, ImDrawList* dl) {
  const Series* s = st.series();
  if (!s || p.hizSeries != s) return;
  const int n = int(s->sliceCount());
  const double fixed = viewIndex == 1 ? st.crossColumn : st.crossRow;
  for (const auto& c : p.hiz) {
    if (std::abs((viewIndex == 1 ? c.pixel[0] : c.pixel[1]) - fixed) > 1.5) continue;
    const double x = viewIndex == 1 ? c.pixel[1] : c.pixel[0];
    const ImVec2 m = toIm(imageToScreen(view, g, {x, double(n - 1 - (c.slice - 1))}), origin);
    dl->AddCircle(m, 8, IM_COL32(255, 255, 0, 255), 20, 2);
    dl->AddText(ImVec2(m.x + 10, m.y - 7), IM_COL32(255, 255, 0, 255), "HIZ");
  }
}

}  // namespace annulo::app
