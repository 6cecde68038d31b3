#include "annulo/teaching/TeachingCase.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/processing/LeakMetrics.h"
#include "annulo/sr/LabelMap.h"
#include "annulo/sr/SrExport.h"
#include "teaching/AreaPlot.h"
#include "teaching/CasePage.h"
#include "teaching/CaseReports.h"
#include "teaching/Cine.h"
#include "teaching/Snapshots.h"

namespace fs = std::filesystem;

namespace annulo::teaching {
namespace {

// The series the tears are on: only those go into the case.
std::vector<Series> annotatedSeries(const Session& session, std::vector<Series> all) {
  std::set<std::string> wanted, frames;  // 3D tears: the volumes of their frame of reference
  for (const auto& t : session.tears) {
    if (t.geometry.is3D()) {
      frames.insert(t.geometry.frameOfReferenceUid);
      continue;
    }
    wanted.insert(t.geometry.image.seriesInstanceUid);
    wanted.insert(t.geometry.image.sopInstanceUid);
  }
  std::vector<Series> out;
  for (auto& s : all) {
    bool used = wanted.count(s.series.instanceUid) > 0 ||
                (!s.multiFrame && !s.series.frameOfReferenceUid.empty() && frames.count(s.series.frameOfReferenceUid));
    for (const auto& slice : s.slices) used = used || wanted.count(slice.sopInstanceUid) > 0;
    if (used) out.push_back(std::move(s));
  }
  return out;
}

// A link where the file system allows it, a copy where not.
Status stage(const std::string& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return makeError("cannot stage " + from + ": " + ec.message());
  return {};
}

struct Progress {
  std::atomic<float>* slot = nullptr;
  void set(float f) const {
    if (!slot) return;
    float seen = slot->load();
    while (f > seen && !slot->compare_exchange_weak(seen, f)) {
    }
  }
};

// The leak area of every frame of `s` from its labels (2 = leak), the onset from the
// report's tears (earliest) or, without one, the first frame of a persisting leak.
AreaCurve areaCurve(const Series& s, const LeakLabels& leak, const std::vector<TearAnnotation>& tears,
                    const LeakSegmentation* segmentation) {
  AreaCurve c;
  const bool calibrated = s.calibration.kind != Calibration::None;
  c.areaUnit = calibrated ? "mm²" : "px²";
  const double pixelArea = calibrated ? s.spacing[0] * s.spacing[1] : 1.0;
  const std::size_t plane = std::size_t(leak.columns) * std::size_t(leak.rows);
  std::vector<std::size_t> counts;
  for (int f = 0; f < leak.frames; ++f) {
    const auto* p = leak.labels->data() + std::size_t(f) * plane;
    const std::size_t n = std::size_t(std::count(p, p + plane, std::uint8_t(2)));
    counts.push_back(n);
    c.timeMs.push_back(s.slices[std::size_t(f)].timeMs - s.slices.front().timeMs);
    c.areaMm2.push_back(double(n) * pixelArea);
  }
  for (const auto& t : tears)
    if (t.leakFigures && t.leakFigures->onsetMs && (!c.onsetMs || *t.leakFigures->onsetMs < *c.onsetMs))
      c.onsetMs = t.leakFigures->onsetMs;
  if (!c.onsetMs && segmentation && segmentation->leakOnsetMs) c.onsetMs = segmentation->leakOnsetMs;
  if (!c.onsetMs)
    if (auto i = leakOnsetIndex(counts, 4)) c.onsetMs = c.timeMs[std::size_t(*i)];
  return c;
}

}  // namespace

Result<TeachingCase> writeTeachingCase(const Session& session, const std::string& caseDir,
                                       const TeachingCaseOptions& options) {
  if (session.sourcePath.empty()) return makeError("the session names no source images");
  if (session.tears.empty()) return makeError("the session has no tears: nothing to teach");
  const Progress progress{options.progress};
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries(session.sourcePath, lo);
  if (!loaded) return loaded.error();
  std::vector<Series> series = annotatedSeries(session, std::move(loaded->series));
  if (series.empty()) return makeError(session.sourcePath + ": none of the tears' images is there");

  std::optional<LabelMap> labels;
  if (options.labels && options.labels->labels) {
    labels = LabelMap{options.labels->columns, options.labels->rows, options.labels->frames, *options.labels->labels};
  } else if (options.labelsPath) {
    auto map = readLabelMap(*options.labelsPath);
    if (!map) return map.error();
    labels = std::move(*map);
  }
  const LeakSegmentation* segmentation = options.labels ? options.labels->leak.get() : nullptr;

  // Images and reports go through one de-identification run: one patient, one
  // key, so the reports' references follow the images' new UIDs.
  const fs::path root(caseDir), staging = root / ".staging";
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging / "reports", ec);
  if (ec) return makeError(caseDir + ": cannot create the case folder: " + ec.message());
  auto fail = [&](Error e) -> Result<TeachingCase> {
    fs::remove_all(staging, ec);
    return e;
  };
  std::set<std::string> files;
  for (const auto& s : series)
    for (const auto& slice : s.slices) files.insert(slice.file);
  int n = 0;
  std::map<std::string, std::string> original;  // staged name -> the source file, for the warnings
  for (const auto& f : files) {
    const std::string name = "images/" + std::to_string(++n) + ".dcm";
    if (Status st = stage(f, staging / name); !st) return fail(st.error());
    original[fs::path(name).filename().string()] = f;
  }
  auto reports = writeCaseReports(session, series, labels ? &*labels : nullptr, (staging / "reports").string());
  if (!reports) return fail(makeError("writing the case's reports: " + reports.message()));
  progress.set(0.05f);
  if (cancelled()) return fail(makeError(caseDir + ": teaching case cancelled"));

  auto stop = [&]() -> Result<TeachingCase> {
    for (const char* sub : {"dicom", "snapshots", "cine", "plots"}) fs::remove_all(root / sub, ec);
    fs::remove(root / "index.html", ec);
    return makeError(caseDir + ": teaching case cancelled");
  };
  TeachingCase out;
  out.dicomDir = (root / "dicom").string();
  fs::remove_all(out.dicomDir, ec);
  deid::DeidOptions deidOptions = options.deid;
  deidOptions.cancel = options.cancel;
  auto deid = deid::deidentify(staging.string(), out.dicomDir, deidOptions);
  fs::remove_all(staging, ec);
  if (!deid) return cancelled() ? stop() : deid.error();
  out.deid = *deid;
  std::string srOut;
  for (const auto& f : out.deid.files) {
    const std::string name = fs::path(f.input).filename().string();
    const bool image = fs::path(f.input).parent_path().filename() == "images" && original.count(name);
    // Told to the owner (not written into the case): the source file's own name.
    const std::string shown = image ? original[name] : name;
    if (!f.refusal.empty()) out.warnings.push_back(shown + " left out: " + f.refusal);
    for (const auto& w : f.warnings) out.warnings.push_back(shown + ": " + w);
    if (!image && name == "sr.dcm") srOut = f.output;
  }
  if (srOut.empty()) return makeError("the de-identified report was not written");
  auto sr = importSr(srOut);
  if (!sr) return makeError("reading back the de-identified report: " + sr.message());
  progress.set(0.25f);
  if (cancelled()) return stop();

  // Pictures from the de-identified pixels (blanked ones where blanks were given).
  LoadOptions withPixels;
  withPixels.cancel = options.cancel;
  auto images = loadSeries(out.dicomDir, withPixels);
  if (!images) return cancelled() ? stop() : makeError("reloading the case's images: " + images.message());
  std::optional<LeakLabels> leak;
  if (labels) leak = LeakLabels{labels->columns, labels->rows, labels->frames, &labels->labels};
  auto snapshots = writeSnapshots(sr->tears, images->series, leak, caseDir);
  if (!snapshots) return makeError("snapshots: " + snapshots.message());
  out.snapshots = int(snapshots->size());
  progress.set(0.35f);

  std::vector<Cine> cines;
  std::vector<const Series*> cineSeries;
  for (const auto& s : images->series)
    if (s.multiFrame && s.slices.size() > 1) cineSeries.push_back(&s);
  if (options.cine) {
    for (std::size_t i = 0; i < cineSeries.size(); ++i) {
      if (cancelled()) return stop();
      CineOptions co;
      co.cancel = options.cancel;
      const float from = 0.35f + 0.55f * float(i) / float(cineSeries.size()), span = 0.55f / float(cineSeries.size());
      co.progress = [&, from, span](float f) { progress.set(from + span * f); };
      auto cine = writeCine(*cineSeries[i], leak, caseDir, std::to_string(i + 1), co);
      if (!cine) return cancelled() ? stop() : makeError("cine: " + cine.message());
      out.cines.push_back((root / cine->file).string());
      if (out.cines.size() == 1) out.cineFrames = cine->frames;
      cines.push_back(*cine);
    }
  }
  progress.set(0.9f);

  std::string plotFile;
  if (options.plot && leak) {
    const Series* target = nullptr;
    for (const Series* s : cineSeries)
      if (s->columns == leak->columns && s->rows == leak->rows && int(s->slices.size()) == leak->frames) target = s;
    if (!target) {
      out.warnings.push_back("leak-area plot: no cine has the label map's size");
    } else if (!canRenderPlots()) {
      out.warnings.push_back("leak-area plot not drawn: no X display (run under xvfb-run)");
    } else {
      fs::create_directories(root / "plots", ec);
      plotFile = "plots/leak-area.png";
      if (Status st = writeAreaPlot(areaCurve(*target, *leak, sr->tears, segmentation), (root / plotFile).string());
          !st) {
        out.warnings.push_back("leak-area plot: " + st.message());
        plotFile.clear();
      } else {
        out.plot = (root / plotFile).string();
      }
    }
  }
  if (cancelled()) return stop();

  out.indexHtml = (root / "index.html").string();
  std::ofstream page(out.indexHtml, std::ios::trunc);
  std::string title = "Teaching case " + (options.deid.pseudonymName.empty() ? std::string("TEACHING^CASE-1")
                                                                             : options.deid.pseudonymName);
  std::replace(title.begin(), title.end(), '^', ' ');  // PN component separator (PS3.5 6.2.1)
  CasePictures pictures{*snapshots, cines, plotFile};
  page << casePage(title, sr->tears, out.deid, pictures);
  page.flush();
  if (!page) return makeError(out.indexHtml + ": cannot write the page");
  progress.set(1.0f);
  return out;
}

}  // namespace annulo::teaching
