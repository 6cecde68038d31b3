#include "annulo/teaching/TeachingCase.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/sr/LabelMap.h"
#include "annulo/sr/SrExport.h"
#include "teaching/CasePage.h"
#include "teaching/CaseReports.h"
#include "teaching/Snapshots.h"

namespace fs = std::filesystem;

namespace annulo::teaching {
namespace {

// The series the tears are on: only those go into the case.
std::vector<Series> annotatedSeries(const Session& session, std::vector<Series> all) {
  std::set<std::string> wanted;
  for (const auto& t : session.tears) {
    wanted.insert(t.geometry.image.seriesInstanceUid);
    wanted.insert(t.geometry.image.sopInstanceUid);
  }
  std::vector<Series> out;
  for (auto& s : all) {
    bool used = wanted.count(s.series.instanceUid) > 0;
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

}  // namespace

Result<TeachingCase> writeTeachingCase(const Session& session, const std::string& caseDir,
                                       const TeachingCaseOptions& options) {
  if (session.sourcePath.empty()) return makeError("the session names no source images");
  if (session.tears.empty()) return makeError("the session has no tears: nothing to teach");
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries(session.sourcePath, lo);
  if (!loaded) return loaded.error();
  std::vector<Series> series = annotatedSeries(session, std::move(loaded->series));
  if (series.empty()) return makeError(session.sourcePath + ": none of the tears' images is there");

  // Images and reports go through one de-identification run: one patient, one
  // key, so the reports' references follow the images' new UIDs.
  const fs::path root(caseDir), staging = root / ".staging";
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging / "reports", ec);
  if (ec) return makeError(caseDir + ": cannot create the case folder: " + ec.message());
  std::set<std::string> files;
  for (const auto& s : series)
    for (const auto& slice : s.slices) files.insert(slice.file);
  int n = 0;
  for (const auto& f : files) {
    const std::string name = "images/" + std::to_string(++n) + ".dcm";
    if (Status st = stage(f, staging / name); !st) return st.error();
  }
  auto reports = writeCaseReports(session, series, options.labelsPath, (staging / "reports").string());
  if (!reports) return makeError("writing the case's reports: " + reports.message());

  TeachingCase out;
  out.dicomDir = (root / "dicom").string();
  fs::remove_all(out.dicomDir, ec);
  auto deid = deid::deidentify(staging.string(), out.dicomDir, options.deid);
  fs::remove_all(staging, ec);
  if (!deid) return deid.error();
  out.deid = *deid;
  std::string srOut;
  for (const auto& f : out.deid.files) {
    if (!f.refusal.empty()) out.warnings.push_back(fs::path(f.input).filename().string() + " left out: " + f.refusal);
    if (fs::path(f.input).filename() == "sr.dcm") srOut = f.output;
  }
  if (srOut.empty()) return makeError("the de-identified report was not written");
  auto sr = importSr(srOut);
  if (!sr) return makeError("reading back the de-identified report: " + sr.message());

  // Snapshots from the de-identified pixels (blanked ones where --blank was given).
  LoadOptions withPixels;
  auto images = loadSeries(out.dicomDir, withPixels);
  if (!images) return makeError("reloading the case's images: " + images.message());
  std::optional<LabelMap> labels;
  std::optional<LeakLabels> leak;
  if (options.labelsPath) {
    auto map = readLabelMap(*options.labelsPath);
    if (!map) return map.error();
    labels = std::move(*map);
    leak = LeakLabels{labels->columns, labels->rows, labels->frames, &labels->labels};
  }
  auto snapshots = writeSnapshots(sr->tears, images->series, leak, caseDir);
  if (!snapshots) return makeError("snapshots: " + snapshots.message());
  out.snapshots = int(snapshots->size());

  out.indexHtml = (root / "index.html").string();
  std::ofstream page(out.indexHtml, std::ios::trunc);
  std::string title = "Teaching case " + (options.deid.pseudonymName.empty() ? std::string("TEACHING^CASE-1")
                                                                             : options.deid.pseudonymName);
  std::replace(title.begin(), title.end(), '^', ' ');  // PN component separator (PS3.5 6.2.1)
  page << casePage(title, sr->tears, out.deid, *snapshots);
  page.flush();
  if (!page) return makeError(out.indexHtml + ": cannot write the page");
  return out;
}

}  // namespace annulo::teaching
