#include "teaching/CaseReports.h"

#include "annulo/sr/LabelMap.h"
#include "annulo/sr/SrExport.h"

namespace annulo::teaching {
namespace {

std::size_t tearsOn(const Session& session, const Series& s) {
  std::size_t n = 0;
  for (const auto& tear : session.tears)
    for (const auto& slice : s.slices)
      if (slice.sopInstanceUid == tear.geometry.image.sopInstanceUid) {
        ++n;
        break;
      }
  return n;
}

}  // namespace

Result<CaseReportFiles> writeCaseReports(const Session& session, const std::vector<Series>& series,
                                         const LabelMap* labels, const std::string& folder) {
  CaseReportFiles files;
  std::vector<const Series*> sources;
  const Series* drawn = nullptr;
  for (const auto& s : series) {
    sources.push_back(&s);
    if (tearsOn(session, s) > (drawn ? tearsOn(session, *drawn) : 0)) drawn = &s;
  }
  SrExportOptions options;
  if (labels) {
    const Series* target = nullptr;
    for (const auto& s : series)
      if (s.columns == labels->columns && s.rows == labels->rows && int(s.slices.size()) == labels->frames) target = &s;
    if (!target) return makeError("no annotated series has the label map's size");
    auto seg = exportSeg(*target, labels->labels, folder + "/seg.dcm");
    if (!seg) return seg.error();
    files.seg = seg->path;
    options.segSopInstanceUid = seg->sopInstanceUid;
    options.segSeriesInstanceUid = seg->seriesInstanceUid;
  }
  auto sr = exportSr(session, sources, folder + "/sr.dcm", options);
  if (!sr) return sr.error();
  files.sr = sr->path;
  files.warnings = sr->warnings;
  if (drawn) {
    auto pr = exportGsps(session, *drawn, folder + "/pr.dcm");
    if (!pr) return pr.error();
    files.gsps = pr->path;
  }
  return files;
}

}  // namespace annulo::teaching
