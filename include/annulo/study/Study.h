#pragma once
// The study model: one way to open, segment, annotate and export a study, used by
// the viewer, annulo-cli and scripts alike (no GL, no UI).
//
// It holds the loaded series (and filtered views of them), the SR reports that came
// with the study, the session of the study whose tears are edited (saved on every
// edit, AnnotationModel's rule), and per series the label map shown and exported:
// a leak segmentation (kept with the session, see LeakRecord.h, so it is back when
// the study is reopened) or a label map loaded from a file.
//
// Threads: the model is used from one thread (the UI's). Long work runs in a Job
// over `const Series&` (series never move once loaded; derived ones live in a deque)
// and its result is handed back with adoptLeak / addDerived on the model's thread.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/processing/LeakSegmenter.h"
#include "annulo/sr/LabelMap.h"
#include "annulo/study/Job.h"
#include "annulo/study/StudyExport.h"
#include "annulo/study/StudyReports.h"

namespace annulo {

struct StudyOptions {
  LoadOptions load;
  std::string sessionFolder;  // empty: sessionFolder() (StudyFolders.h)
  // A session file named by the caller (annulo-cli's SESSION argument): every study
  // of the folder edits this one file instead of one per study in sessionFolder.
  std::string sessionFile;
  bool readReports = true;  // read the SR documents the loader set aside
};

// What a series shows and exports as its label map (columns x rows x frames, 0/1/2).
struct SeriesLabels {
  std::shared_ptr<const std::vector<std::uint8_t>> labels;
  std::shared_ptr<const LeakSegmentation> leak;  // when the labels come from a segmentation
  std::uint64_t version = 0;                     // raised on every change (views re-upload)
  bool any = false;                              // some voxel labelled (computed once, when set)
  // A DICOM SEG read with the study (StudySegmentations.h): drawn, never exported as
  // ours (its segments are not our intradiscal/leak labels).
  std::string importedFrom;
};

// What an export would write, without copying the session (the viewer asks every frame).
struct ExportContents {
  bool segmentation = false;  // an acquired series of the session's study has labels
  bool tears = false;
  bool provocation = false;  // the session holds a provocation record (it goes into the SR)
};

class Study {
 public:
  // Loads `path` (file, folder or DICOMDIR). Errors as loadSeries; unusable files are
  // in rejected(). The session is not opened yet: selectSession / the first series shown.
  static Result<std::unique_ptr<Study>> open(const std::string& path, StudyOptions options = {});
  // From a finished load (the viewer loads in a Job and hands the result over).
  Study(LoadResult loaded, std::string path, std::vector<FoundReport> reports, StudyOptions options);

  const std::string& path() const { return path_; }
  const std::vector<Series>& series() const { return loaded_.series; }
  const std::vector<RejectedFile>& rejected() const { return loaded_.rejected; }
  const LoadResult& loaded() const { return loaded_; }
  const std::vector<FoundReport>& reports() const { return reports_; }
  const Series* findSeries(const std::string& seriesInstanceUid) const;

  // Filtered views, listed after the acquired series: index series().size() + i.
  const std::deque<Series>& derived() const { return derived_; }
  const Series& addDerived(Series s);
  const Series* seriesAt(int index) const;
  int seriesCount() const { return int(loaded_.series.size() + derived_.size()); }
  bool isAcquired(const Series& s) const;

  // --- the session: tears of one study, saved on every edit ---
  // Opens (or restores from its file) the session of that study, with the leak
  // segmentations recorded for its series. An unreadable session file is never
  // overwritten: edits then fail with its name (sessionError says why).
  void selectSession(const std::string& studyInstanceUid);
  // The session of the study `s` belongs to, opened when it is another one.
  void selectSessionFor(const Series& s);
  AnnotationModel* session() { return model_.get(); }
  const AnnotationModel* session() const { return model_.get(); }
  const std::string& sessionPath() const { return sessionPath_; }
  const std::string& sessionStem() const { return sessionStem_; }
  const std::string& sessionError() const { return sessionError_; }
  // The reader who signs new edits (created_by / modified_by); default: defaultReaderName().
  void setReader(std::string name);
  // Takes in what other writers saved to the session file (tears they added or
  // removed; an edit of the same tear on both sides becomes a conflict). Returns
  // false when the file did not change (a cheap check) or could not be read.
  bool refreshSession();

  // --- label maps: leak segmentation or a loaded map ---
  // Runs the segmentation here (scripts, CLI, tests); the viewer runs segmentLeak in a
  // Job and calls adoptLeak with its result.
  Result<std::shared_ptr<const LeakSegmentation>> segment(const Series& s, const LeakSegmentationOptions& options);
  // Keeps the result as `s`'s labels; for an acquired series also records it with the
  // session (a failure to record is returned; the labels are kept in memory anyway).
  Status adoptLeak(const Series& s, std::shared_ptr<const LeakSegmentation> leak);
  // A label map from a file: the series must be columns x rows x frames of it.
  // `importedFrom` names a DICOM SEG whose labels are shown but not exported.
  Status setLabels(const Series& s, const LabelMap& map, const std::string& importedFrom = {});
  // The series a loose label map belongs to: same size, preferring one the tears reference.
  const Series* seriesForLabelMap(const LabelMap& map) const;
  void clearLabels(const Series& s);
  const SeriesLabels* labels(const Series& s) const;
  const LeakSegmentation* leak(const Series& s) const;
  // The leak figures of `s`'s segmentation into tear `tearId` (saved like any edit).
  Status copyLeakFigures(const std::string& tearId, const Series& s);

  // --- reports and export ---
  ImportCount importReport(const SrImport& report);
  // Everything an export needs, copied, so it can run in a Job while editing goes on.
  ExportInput exportInput() const;
  ExportContents exportContents() const;
  ExportReport exportObjects(const ExportRequest& request, JobControl* control = nullptr) const;
  // exports/<stem>/report.dcm (StudyFolders.h), for the session shown.
  std::string defaultExportPath() const;

 private:
  std::string leakFolder() const;
  void restoreLeakRecords();
  bool inSessionStudy(const Series& s) const;
  const SeriesLabels* exportableLabels(const Series& s) const;

  LoadResult loaded_;
  std::string path_;
  std::vector<FoundReport> reports_;
  StudyOptions options_;
  std::deque<Series> derived_;
  std::unique_ptr<AnnotationModel> model_;
  std::shared_ptr<class SessionSync> sync_;
  std::string sessionPath_, sessionStem_, sessionError_, reader_;
  std::map<const Series*, SeriesLabels> labels_;
  std::uint64_t nextVersion_ = 1;
};

}  // namespace annulo
