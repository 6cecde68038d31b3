#include "annulo/study/StudyExport.h"

#include <algorithm>
#include <filesystem>
#include <functional>

#include "annulo/net/PrivateFiles.h"
#include "annulo/study/StudyFolders.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

std::string stemOf(const std::string& path) {
  const std::size_t dot = path.rfind('.');
  const std::size_t slash = path.find_last_of('/');
  return dot == std::string::npos || (slash != std::string::npos && dot < slash) ? path : path.substr(0, dot);
}

// The n-th (0-based) object of one kind: the path as given, then "-2", "-3" before the extension.
std::string numbered(const std::string& path, std::size_t n) {
  if (n == 0) return path;
  const std::string stem = stemOf(path);
  return stem + "-" + std::to_string(n + 1) + path.substr(stem.size());
}

std::size_t tearsOn(const Session& session, const Series& s) {
  std::size_t count = 0;
  for (const auto& tear : session.tears) {
    const std::string& sop = tear.geometry.image.sopInstanceUid;
    if (sop.empty()) continue;
    if (std::any_of(s.slices.begin(), s.slices.end(), [&](const SliceInfo& si) { return si.sopInstanceUid == sop; }))
      ++count;
  }
  return count;
}

bool insideExportFolder(const std::string& path) {
  const fs::path root = fs::path(exportFolder()).lexically_normal();
  const fs::path p = fs::absolute(path).lexically_normal();
  auto r = root.begin(), q = p.begin();
  for (; r != root.end() && !r->empty(); ++r, ++q)
    if (q == p.end() || *q != *r) return false;
  return true;
}

// Writes one object under a temporary name, renamed over `path` when complete.
using Writer = std::function<Result<ExportedObject>(const std::string& tmpPath)>;
Result<ExportedObject> writeWhole(const std::string& path, const Writer& write) {
  const std::string tmp = path + ".partial";
  std::error_code ec;
  // Annulo's own export folder is private (0700 folders, 0600 files, issue 16); files
  // in a folder of the user's choosing follow the user's umask (the viewer warns when
  // that folder is world-readable: worldReadableWarning).
  // Folders the export makes are 0700 wherever they are.
  const bool own = insideExportFolder(path);
  if (const fs::path parent = fs::path(path).parent_path(); !parent.empty())
    if (Status s = makePrivateDirs(parent); !s) return s.error();
  auto object = write(tmp);
  if (!object) {
    fs::remove(tmp, ec);
    return object;
  }
  if (own) {
    if (Status s = commitTemp(tmp, path); !s) return s.error();
  } else {
    fs::rename(tmp, path, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return makeError("cannot rename " + tmp + " to " + path + ": " + ec.message());
    }
  }
  object->path = path;
  return object;
}

struct Run {
  const ExportInput& in;
  const ExportRequest& request;
  JobControl* control;
  ExportReport report;
  int steps = 0, done = 0;

  bool stop() {
    if (control && control->cancelled()) report.cancelled = true;
    return report.cancelled;
  }
  void step() {
    ++done;
    if (control && steps > 0) control->progress(float(done) / float(steps));
  }
  void keep(Result<ExportedObject> r, const std::string& kind) {
    if (!r) {
      report.failures.push_back(kind + ": " + r.message());
      return;
    }
    for (const auto& w : r->warnings) report.warnings.push_back(kind + ": " + w);
    report.written.push_back(std::move(*r));
  }
};

void writeSegs(Run& run, SrExportOptions& srOptions) {
  if (!run.request.segPath) return;
  for (std::size_t i = 0; i < run.in.segmented.size() && !run.stop(); ++i) {
    const SegmentedSeries& seg = run.in.segmented[i];
    const std::string path = numbered(*run.request.segPath, i);
    auto r = writeWhole(path, [&](const std::string& tmp) { return exportSeg(*seg.series, *seg.labels, tmp); });
    // The SR references the first SEG written; a failed SEG leaves the reference out.
    if (r && srOptions.segSopInstanceUid.empty()) {
      srOptions.segSopInstanceUid = r->sopInstanceUid;
      srOptions.segSeriesInstanceUid = r->seriesInstanceUid;
      srOptions.segSourceSeriesInstanceUid = seg.series->series.instanceUid;  // only its tears reference the SEG
    }
    run.keep(std::move(r), "SEG of series " + seg.series->series.instanceUid);
    run.step();
  }
}

void writeSr(Run& run, const SrExportOptions& srOptions) {
  if (run.request.srPath.empty() || run.stop()) return;
  // The SR carries the tears and the provocation record: either one is worth a report.
  if (run.in.session.tears.empty() && run.in.session.provocation.empty() && !run.request.srWithoutTears) return;
  auto r = writeWhole(run.request.srPath,
                      [&](const std::string& tmp) { return exportSr(run.in.session, run.in.sources, tmp, srOptions); });
  run.keep(std::move(r), "SR");
  run.step();
}

void writeGsps(Run& run) {
  if (!run.request.gspsPath) return;
  const auto targets = gspsTargets(run.in.session, run.in.sources);
  for (std::size_t i = 0; i < targets.size() && !run.stop(); ++i) {
    const std::string path = numbered(*run.request.gspsPath, i);
    auto r = writeWhole(path, [&](const std::string& tmp) { return exportGsps(run.in.session, *targets[i], tmp); });
    run.keep(std::move(r), "presentation state of series " + targets[i]->series.instanceUid);
    run.step();
  }
}

}  // namespace

ExportRequest siblingExport(const std::string& srPath) {
  ExportRequest r;
  r.srPath = srPath;
  r.segPath = stemOf(srPath) + "-seg.dcm";
  r.gspsPath = stemOf(srPath) + "-pr.dcm";
  return r;
}

std::vector<std::string> ExportReport::files() const {
  std::vector<std::string> out;
  for (const auto& o : written) out.push_back(o.path);
  return out;
}

std::string ExportReport::summary() const {
  if (cancelled) return "export cancelled; nothing was kept";
  std::string s = written.empty() ? "nothing written" : "wrote";
  for (const auto& o : written) s += " " + fs::path(o.path).filename().string();
  for (const auto& f : failures) s += "; not written: " + f;
  if (written.empty() && failures.empty()) s = "nothing to export: no tears and no segmentation";
  return s;
}

std::vector<const Series*> gspsTargets(const Session& session, const std::vector<const Series*>& sources) {
  std::vector<std::pair<std::size_t, const Series*>> counted;
  for (const Series* s : sources)
    if (std::size_t n = tearsOn(session, *s)) counted.emplace_back(n, s);
  std::stable_sort(counted.begin(), counted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const Series*> out;
  for (const auto& c : counted) out.push_back(c.second);
  return out;
}

ExportReport exportStudy(const ExportInput& in, const ExportRequest& request, JobControl* control) {
  Run run{in, request, control, {}};
  run.steps = int((request.segPath ? in.segmented.size() : 0) + (request.srPath.empty() ? 0 : 1) +
                  (request.gspsPath ? gspsTargets(in.session, in.sources).size() : 0));
  SrExportOptions srOptions;
  srOptions.observerName = request.observerName;
  // The SEG first, so the SR's measurement groups can reference its leak segment.
  writeSegs(run, srOptions);
  writeSr(run, srOptions);
  writeGsps(run);
  if (run.stop()) {
    std::error_code ec;
    for (const auto& o : run.report.written) fs::remove(o.path, ec);
    run.report.written.clear();
  }
  return run.report;
}

}  // namespace annulo
