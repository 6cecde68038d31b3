#pragma once
// C-FIND at study level (Study Root): which studies does the PACS hold?

#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

namespace annulo {

// Empty fields do not restrict. Patient name may use DICOM wildcards (* ?).
struct StudyQuery {
  std::string patientId;
  std::string patientName;
  std::string dateFrom, dateTo;  // YYYYMMDD; either may be empty (open range)
  std::string modality;          // matched against ModalitiesInStudy, e.g. "XA"
  std::string accessionNumber;
  std::string studyInstanceUid;
};

struct StudyMatch {
  std::string studyInstanceUid;
  std::string patientName, patientId;
  std::string studyDate, studyDescription, accessionNumber;
  std::vector<std::string> modalities;
  int numberOfInstances = -1;  // -1: the PACS did not say
  int numberOfSeries = -1;
};

// "FROM-TO", "FROM-", "-TO" or one date, YYYYMMDD each.
Status parseDateRange(const std::string& text, StudyQuery& query);

Result<std::vector<StudyMatch>> findStudies(const PacsNode& node, const StudyQuery& query);

// SERIES level C-FIND within one study (PS3.4 C.6.2.1.2), to choose a series to retrieve.
struct SeriesMatch {
  std::string seriesInstanceUid;
  std::string modality, seriesDescription;
  int seriesNumber = -1;
  int numberOfInstances = -1;  // -1: the PACS did not say
};
Result<std::vector<SeriesMatch>> findSeries(const PacsNode& node, const std::string& studyInstanceUid);

}  // namespace annulo
