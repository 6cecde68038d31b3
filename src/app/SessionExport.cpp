#include "SessionExport.h"

#include <algorithm>
#include <filesystem>

#include "annulo/sr/SrExport.h"

namespace annulo::app {
namespace {

std::string siblingPath(const std::string& path, const std::string& suffix) {
  return path.substr(0, path.rfind('.')) + suffix;
}

}  // namespace

const Series* segmentedAcquiredSeries(const AppState& st) {
  const Series* s = st.series();
  if (!s || !st.study || st.seriesIndex >= int(st.study->series.size())) return nullptr;
  const std::size_t need = std::size_t(s->columns) * std::size_t(s->rows) * s->sliceCount();
  if (st.labels.size() != need) return nullptr;
  return std::any_of(st.labels.begin(), st.labels.end(), [](std::uint8_t v) { return v != 0; }) ? s : nullptr;
}

ExportOutcome exportSession(AppState& st) {
  ExportOutcome out;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(st.exportPath).parent_path(), ec);
  SrExportOptions options;
  // The SEG first, so the SR's measurement groups can reference its leak segment.
  if (const Series* s = segmentedAcquiredSeries(st)) {
    const std::string path = siblingPath(st.exportPath, "-seg.dcm");
    auto seg = exportSeg(*s, st.labels, path);
    if (!seg) {
      out.message = "SEG: " + seg.message();
      return out;
    }
    options.segSopInstanceUid = seg->sopInstanceUid;
    options.segSeriesInstanceUid = seg->seriesInstanceUid;
    out.files.push_back(path);
  }
  if (!st.model->tears().empty()) {
    std::vector<const Series*> sources;
    for (const auto& s : st.study->series)  // the session's study only: a folder may hold others
      if (s.study.instanceUid == st.model->session().studyInstanceUid) sources.push_back(&s);
    auto sr = exportSr(st.model->session(), sources, st.exportPath, options);
    if (!sr) {
      out.message = "SR: " + sr.message();
      return out;
    }
    out.files.push_back(st.exportPath);
    // GSPS only for tears on the shown series: a viewer without SR support still sees them.
    if (const Series* s = st.series()) {
      const std::string pr = siblingPath(st.exportPath, "-pr.dcm");
      if (auto gsps = exportGsps(st.model->session(), *s, pr)) out.files.push_back(pr);
      else out.warnings.push_back("presentation state: " + gsps.message());
    }
  }
  out.ok = !out.files.empty();
  out.message = out.ok ? "wrote" : "nothing to export: no tears and no segmentation";
  for (const auto& f : out.files) out.message += " " + std::filesystem::path(f).filename().string();
  for (const auto& w : out.warnings) out.message += "; " + w;
  return out;
}

}  // namespace annulo::app
