#pragma once
// Opening a study from a PACS: query (patient, dates, modality), pick a study,
// retrieve it with C-GET into a local cache folder on a worker thread (progress,
// Cancel), then open that folder like any other.

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "PacsPanel.h"
#include "annulo/net/Find.h"
#include "annulo/net/Retrieve.h"

namespace annulo::app {

struct PacsBrowserState {
  char patientId[65] = "";
  char patientName[65] = "";
  char dates[20] = "";  // YYYYMMDD-YYYYMMDD, either side may be empty
  char modality[17] = "";
  std::future<Result<std::vector<StudyMatch>>> findTask;
  std::vector<StudyMatch> matches;
  std::future<Result<RetrieveReport>> getTask;
  std::shared_ptr<std::atomic<float>> progress;
  std::shared_ptr<std::atomic<bool>> cancel;
  std::string folder;  // where the running retrieve writes
  std::string status, error;
};

// $XDG_CACHE_HOME/annulo/retrieved/<StudyInstanceUID> (else ~/.cache/...).
std::string retrieveFolder(const std::string& studyInstanceUid);

// Draws the section (node fields shared with the export's Send); returns the
// folder to open once a retrieve has finished with at least one file.
std::optional<std::string> drawPacsBrowser(PacsBrowserState& st, PacsSendState& node);

}  // namespace annulo::app
