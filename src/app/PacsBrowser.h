#pragma once
// Opening a study from a PACS: query (patient, dates, modality), pick a study,
// retrieve it (C-GET, or QIDO-RS / WADO-RS from a DICOMweb node) into a local
// cache folder on a worker thread (progress, Cancel), then open that folder like
// any other.

#include <optional>
#include <string>
#include <vector>

#include "PacsPanel.h"
#include "annulo/net/Find.h"
#include "annulo/net/Retrieve.h"
#include "annulo/study/Job.h"

namespace annulo::app {

struct PacsBrowserState {
  char patientId[65] = "";
  char patientName[65] = "";
  char dates[20] = "";  // YYYYMMDD-YYYYMMDD, either side may be empty
  char modality[17] = "";
  Job<std::vector<StudyMatch>> findJob;
  std::vector<StudyMatch> matches;
  Job<RetrieveReport> getJob;
  void stopAll() {
    findJob.stop();
    getJob.stop();
  }
  std::string folder;  // where the running retrieve writes
  std::string status, error;
  bool open = false;  // a script's 'tab pacs' unfolds the section
};

// Draws the section (node fields shared with the export's Send); returns the
// folder to open once a retrieve has finished with at least one file.
std::optional<std::string> drawPacsBrowser(PacsBrowserState& st, PacsSendState& node);

}  // namespace annulo::app
