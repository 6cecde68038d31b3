#pragma once
// Private to src/net: the identifier of a C-GET/C-MOVE request (PS3.4 C.4.2.1.4,
// Study Root): STUDY level, or SERIES level when one series is asked for.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>

#include <string>

namespace annulo::net_detail {

inline void fillRetrieveKeys(DcmDataset& keys, const std::string& studyUid, const std::string& seriesUid) {
  keys.putAndInsertString(DCM_QueryRetrieveLevel, seriesUid.empty() ? "STUDY" : "SERIES");
  keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
  if (!seriesUid.empty()) keys.putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str());
}

}  // namespace annulo::net_detail
