#pragma once
// DICOM SR documents that arrive with a study (from a PACS retrieve, a colleague's
// folder): the loader sets them aside as non-image objects; here they are read as
// tear reports, and their tears can join the session.

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/sr/SrExport.h"

namespace annulo {

struct FoundReport {
  std::string path;
  std::optional<SrImport> report;  // empty when the file could not be read as a report
  std::string error;
};

// Reads every non-image object the loader set aside that is an SR, with the loaded
// series as the images its references should resolve to. Other objects (SEG, GSPS)
// are skipped; a broken SR (unparsable content, or a damaged file whose meta header
// names an SR class) is listed with its error.
std::vector<FoundReport> findReports(const LoadResult& study);

struct ImportCount {
  int added = 0;
  int present = 0;  // same tracking UID as a tear the session already holds
  std::string error;
};

// Adds the report's tears that the session does not hold yet: importing the same
// report twice changes nothing. Each added tear is saved like any edit.
ImportCount importReport(AnnotationModel& model, const SrImport& report);

}  // namespace annulo
