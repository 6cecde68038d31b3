#include "annulo/study/Study.h"

#include <algorithm>
#include <filesystem>

#include "annulo/annotation/SessionFolder.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/SessionSync.h"
#include "annulo/study/LeakRecord.h"
#include "annulo/study/StudyFolders.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

bool anyLabel(const std::vector<std::uint8_t>& v) {
  return std::any_of(v.begin(), v.end(), [](std::uint8_t x) { return x != 0; });
}

std::size_t voxels(const Series& s) { return std::size_t(s.columns) * std::size_t(s.rows) * s.sliceCount(); }

SeriesLabels makeLabels(std::shared_ptr<const std::vector<std::uint8_t>> labels,
                        std::shared_ptr<const LeakSegmentation> leak, std::uint64_t version) {
  const bool any = labels && anyLabel(*labels);
  return SeriesLabels{std::move(labels), std::move(leak), version, any};
}

std::shared_ptr<const std::vector<std::uint8_t>> fullLabels(const LeakSegmentation& leak) {
  auto out = std::make_shared<std::vector<std::uint8_t>>(std::size_t(leak.columns) * std::size_t(leak.rows) *
                                                         std::size_t(leak.frames));
  const std::size_t plane = std::size_t(leak.columns) * std::size_t(leak.rows);
  for (int f = 1; f <= leak.frames; ++f) leak.copyFrameLabels(f, out->data() + plane * std::size_t(f - 1));
  return out;
}

bool referencedByTears(const Session& session, const Series& s) {
  for (const auto& tear : session.tears) {
    const auto& image = tear.geometry.image;
    if (image.seriesInstanceUid == s.series.instanceUid) return true;
    for (const auto& slice : s.slices)
      if (!image.sopInstanceUid.empty() && slice.sopInstanceUid == image.sopInstanceUid) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<Study>> Study::open(const std::string& path, StudyOptions options) {
  auto loaded = loadSeries(path, options.load);
  if (!loaded) return loaded.error();
  std::vector<FoundReport> reports;
  if (options.readReports) reports = findReports(*loaded);
  return std::make_unique<Study>(std::move(*loaded), path, std::move(reports), std::move(options));
}

Study::Study(LoadResult loaded, std::string path, std::vector<FoundReport> reports, StudyOptions options)
    : loaded_(std::move(loaded)), reports_(std::move(reports)), options_(std::move(options)) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  path_ = (ec ? fs::path(path) : absolute).lexically_normal().string();
}

const Series* Study::findSeries(const std::string& uid) const {
  for (const auto& s : loaded_.series)
    if (s.series.instanceUid == uid) return &s;
  return nullptr;
}

const Series& Study::addDerived(Series s) {
  derived_.push_back(std::move(s));
  return derived_.back();
}

const Series* Study::seriesAt(int index) const {
  if (index < 0) return nullptr;
  const std::size_t i = std::size_t(index), n = loaded_.series.size();
  if (i < n) return &loaded_.series[i];
  return i - n < derived_.size() ? &derived_[i - n] : nullptr;
}

bool Study::isAcquired(const Series& s) const {
  return !loaded_.series.empty() && &s >= &loaded_.series.front() && &s <= &loaded_.series.back();
}

// --- session ---

void Study::selectSessionFor(const Series& s) {
  if (!model_ || model_->session().studyInstanceUid != s.study.instanceUid) selectSession(s.study.instanceUid);
}

void Study::selectSession(const std::string& study) {
  sessionError_.clear();
  const std::string folder = options_.sessionFolder.empty() ? sessionFolder() : options_.sessionFolder;
  sessionStem_ = annulo::sessionStem(study, path_);
  sessionPath_ =
      options_.sessionFile.empty() ? (fs::path(folder) / (sessionStem_ + ".json")).string() : options_.sessionFile;
  (void)createPrivateFolder(fs::path(sessionPath_).parent_path().string());  // 0700 when Annulo makes it
  Session fresh;
  fresh.sourcePath = path_;
  fresh.studyInstanceUid = study;
  // Saves go through the session lock and merge with other writers' edits
  // (SessionSync.h): a script or colleague adding to the same study loses nothing.
  auto sync = std::make_shared<SessionSync>(sessionPath_);
  sync_ = sync;
  auto opened = sync->open(fresh);
  if (opened) {
    Session session = *opened;
    if (session.sourcePath.empty() || options_.sessionFile.empty()) session.sourcePath = path_;
    if (session.studyInstanceUid.empty()) session.studyInstanceUid = study;
    model_ = std::make_unique<AnnotationModel>(session, sync->hook(), reader_.empty() ? defaultReaderName() : reader_);
  } else {
    // Never overwrite a session we cannot read: edits fail and say so.
    sessionError_ = opened.message();
    sync_.reset();
    const std::string target = sessionPath_;
    model_ = std::make_unique<AnnotationModel>(fresh, [target](const Session&) -> Status {
      return makeError("the session file is unreadable; fix or remove " + target);
    });
  }
  restoreLeakRecords();
}

void Study::setReader(std::string name) {
  reader_ = std::move(name);
  if (model_) model_->setWriter(reader_.empty() ? defaultReaderName() : reader_);
}

std::string Study::leakFolder() const { return fs::path(sessionPath_).replace_extension(".leak").string(); }

void Study::restoreLeakRecords() {
  if (!model_) return;
  for (const auto& s : loaded_.series) {
    if (s.study.instanceUid != model_->session().studyInstanceUid || labels_.count(&s)) continue;
    if (!hasLeakRecord(s, leakFolder())) continue;
    auto leak = loadLeakRecord(s, leakFolder());
    if (!leak) {
      sessionError_ += (sessionError_.empty() ? "" : "; ") + leak.message();
      continue;
    }
    labels_[&s] = makeLabels(fullLabels(**leak), *leak, nextVersion_++);
  }
}

// --- labels ---

Result<std::shared_ptr<const LeakSegmentation>> Study::segment(const Series& s, const LeakSegmentationOptions& o) {
  auto r = segmentLeak(s, o);
  if (!r) return r.error();
  auto leak = std::make_shared<const LeakSegmentation>(std::move(*r));
  if (Status st = adoptLeak(s, leak); !st) return st.error();
  return leak;
}

// Someone else may have written the session since: take their edits in (merge).
bool Study::refreshSession() {
  if (!model_ || !sync_ || !sessionError_.empty() || !sync_->changedOnDisk()) return false;
  return model_->refresh().ok();
}

Status Study::adoptLeak(const Series& s, std::shared_ptr<const LeakSegmentation> leak) {
  if (!leak || leak->columns != s.columns || leak->rows != s.rows || leak->frames != int(s.sliceCount()))
    return makeError("the segmentation does not fit series " + s.series.instanceUid);
  labels_[&s] = makeLabels(fullLabels(*leak), leak, nextVersion_++);
  if (!isAcquired(s) || !model_ || s.study.instanceUid != model_->session().studyInstanceUid) return {};
  return saveLeakRecord(*leak, s, leakFolder());
}

Status Study::setLabels(const Series& s, const LabelMap& map, const std::string& importedFrom) {
  if (map.columns != s.columns || map.rows != s.rows || map.frames != int(s.sliceCount()))
    return makeError("label map is " + std::to_string(map.columns) + "x" + std::to_string(map.rows) + "x" +
                     std::to_string(map.frames) + ", the series is " + std::to_string(s.columns) + "x" +
                     std::to_string(s.rows) + "x" + std::to_string(s.sliceCount()));
  labels_[&s] = makeLabels(std::make_shared<const std::vector<std::uint8_t>>(map.labels), nullptr, nextVersion_++);
  labels_[&s].importedFrom = importedFrom;
  return {};
}

const Series* Study::seriesForLabelMap(const LabelMap& map) const {
  const Series* match = nullptr;
  for (const auto& s : loaded_.series) {
    if (s.columns != map.columns || s.rows != map.rows || int(s.sliceCount()) != map.frames) continue;
    if (model_ && referencedByTears(model_->session(), s)) return &s;
    if (!match) match = &s;
  }
  return match;
}

void Study::clearLabels(const Series& s) { labels_.erase(&s); }

const SeriesLabels* Study::labels(const Series& s) const {
  auto it = labels_.find(&s);
  return it == labels_.end() ? nullptr : &it->second;
}

const LeakSegmentation* Study::leak(const Series& s) const {
  const SeriesLabels* l = labels(s);
  return l ? l->leak.get() : nullptr;
}

Status Study::copyLeakFigures(const std::string& tearId, const Series& s) {
  const LeakSegmentation* seg = leak(s);
  if (!seg) return makeError("series " + s.series.instanceUid + " has no leak segmentation");
  if (!model_) return makeError("no session is open");
  const TearAnnotation* held = model_->find(tearId);
  if (!held) return makeError("no tear " + tearId);
  TearAnnotation t = *held;
  LeakFigures f;
  f.areaMm2 = seg->finalLeakAreaMm2;
  if (seg->leakOnsetMs) f.onsetMs = *seg->leakOnsetMs;
  if (seg->leakOnsetFrame) f.onsetFrame = *seg->leakOnsetFrame;
  if (!seg->paths.empty()) f.exitDirectionDeg = seg->paths.front().directionDeg;
  f.calibration = calibrationName(seg->calibration);
  t.leakFigures = f;
  return model_->update(t);
}

// --- reports and export ---

ImportCount Study::importReport(const SrImport& report) {
  if (!model_) return ImportCount{0, 0, "no session is open"};
  return annulo::importReport(*model_, report);
}

// The session's study only (a folder may hold others); a SEG must reference images
// a PACS holds: acquired series only, never a filtered view.
bool Study::inSessionStudy(const Series& s) const {
  const std::string& uid = model_->session().studyInstanceUid;
  return uid.empty() || s.study.instanceUid == uid;
}

const SeriesLabels* Study::exportableLabels(const Series& s) const {
  const SeriesLabels* l = labels(s);
  return l && l->labels && l->labels->size() == voxels(s) && l->any && l->importedFrom.empty() ? l : nullptr;
}

ExportInput Study::exportInput() const {
  ExportInput in;
  if (!model_) return in;
  in.session = model_->session();
  for (const auto& s : loaded_.series) {
    if (!inSessionStudy(s)) continue;
    in.sources.push_back(&s);
    if (const SeriesLabels* l = exportableLabels(s)) in.segmented.push_back({&s, l->labels});
  }
  return in;
}

ExportContents Study::exportContents() const {
  ExportContents c;
  if (!model_) return c;
  c.tears = !model_->session().tears.empty();
  c.provocation = !model_->session().provocation.empty();
  for (const auto& s : loaded_.series)
    if (inSessionStudy(s) && exportableLabels(s)) c.segmentation = true;
  return c;
}

ExportReport Study::exportObjects(const ExportRequest& request, JobControl* control) const {
  if (!model_) {
    ExportReport r;
    r.failures.push_back("no session is open");
    return r;
  }
  return exportStudy(exportInput(), request, control);
}

std::string Study::defaultExportPath() const {
  // One folder per study, so the file name stays short and readable in the viewer.
  return (fs::path(exportFolder()) / (sessionStem_.empty() ? "study" : sessionStem_) / "report.dcm").string();
}

}  // namespace annulo
