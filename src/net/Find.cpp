#include "annulo/net/Find.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/ofstd/ofstd.h>

#include <algorithm>
#include <sstream>

#include "net/Association.h"

namespace annulo {

using namespace net_detail;

namespace {

bool isDate(const std::string& s) { return s.size() == 8 && s.find_first_not_of("0123456789") == std::string::npos; }

DcmDataset queryKeys(const StudyQuery& q) {
  DcmDataset ds;
  ds.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
  ds.putAndInsertString(DCM_StudyInstanceUID, q.studyInstanceUid.c_str());
  ds.putAndInsertString(DCM_PatientID, q.patientId.c_str());
  ds.putAndInsertString(DCM_PatientName, q.patientName.c_str());
  const std::string range = q.dateFrom.empty() && q.dateTo.empty()
                                ? std::string()
                                : (q.dateFrom == q.dateTo ? q.dateFrom : q.dateFrom + "-" + q.dateTo);
  ds.putAndInsertString(DCM_StudyDate, range.c_str());
  ds.putAndInsertString(DCM_ModalitiesInStudy, q.modality.c_str());
  ds.putAndInsertString(DCM_AccessionNumber, q.accessionNumber.c_str());
  // Return keys: empty means "send me this".
  ds.insertEmptyElement(DCM_StudyDescription);
  ds.insertEmptyElement(DCM_NumberOfStudyRelatedInstances);
  ds.insertEmptyElement(DCM_NumberOfStudyRelatedSeries);
  return ds;
}

std::string text(DcmDataset* ds, const DcmTagKey& tag) {
  OFString v;
  ds->findAndGetOFStringArray(tag, v);
  return v.c_str();
}

int number(DcmDataset* ds, const DcmTagKey& tag) {
  const std::string v = text(ds, tag);
  if (v.empty()) return -1;
  try {
    return std::stoi(v);
  } catch (...) {
    return -1;
  }
}

StudyMatch toMatch(DcmDataset* ds) {
  StudyMatch m;
  m.studyInstanceUid = text(ds, DCM_StudyInstanceUID);
  m.patientName = text(ds, DCM_PatientName);
  m.patientId = text(ds, DCM_PatientID);
  m.studyDate = text(ds, DCM_StudyDate);
  m.studyDescription = text(ds, DCM_StudyDescription);
  m.accessionNumber = text(ds, DCM_AccessionNumber);
  std::stringstream ss(text(ds, DCM_ModalitiesInStudy));
  for (std::string part; std::getline(ss, part, '\\');)
    if (!part.empty()) m.modalities.push_back(part);
  m.numberOfInstances = number(ds, DCM_NumberOfStudyRelatedInstances);
  m.numberOfSeries = number(ds, DCM_NumberOfStudyRelatedSeries);
  return m;
}

void collectMatch(void* data, T_DIMSE_C_FindRQ*, int, T_DIMSE_C_FindRSP*, DcmDataset* identifiers) {
  if (identifiers) static_cast<std::vector<StudyMatch>*>(data)->push_back(toMatch(identifiers));
}

}  // namespace

Status parseDateRange(const std::string& text, StudyQuery& query) {
  const auto dash = text.find('-');
  const std::string from = dash == std::string::npos ? text : text.substr(0, dash);
  const std::string to = dash == std::string::npos ? text : text.substr(dash + 1);
  if ((from.empty() && to.empty()) || (!from.empty() && !isDate(from)) || (!to.empty() && !isDate(to)))
    return makeError("date range '" + text + "' is not YYYYMMDD-YYYYMMDD (either side may be empty)");
  query.dateFrom = from;
  query.dateTo = to;
  return Status::success();
}

namespace {

// One C-FIND exchange; `onMatch` gets each pending response's identifier.
Status runFind(const PacsNode& node, DcmDataset& keys, DIMSE_FindUserCallback onMatch, void* data) {
  const char* model = UID_FINDStudyRootQueryRetrieveInformationModel;
  auto assoc = Association::open(
      node, {{model, {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}}});
  if (!assoc) return assoc.error();
  Association& a = **assoc;
  const T_ASC_PresentationContextID id = a.contextFor(model);
  T_DIMSE_C_FindRQ req{};
  req.MessageID = a.get()->nextMsgID++;
  OFStandard::strlcpy(req.AffectedSOPClassUID, model, sizeof req.AffectedSOPClassUID);
  req.DataSetType = DIMSE_DATASET_PRESENT;
  req.Priority = DIMSE_PRIORITY_MEDIUM;
  int responses = 0;
  T_DIMSE_C_FindRSP rsp{};
  DcmDataset* detail = nullptr;
  OFCondition cond = DIMSE_findUser(a.get(), id, &req, &keys, responses, onMatch, data, DIMSE_NONBLOCKING,
                                    node.dimseTimeoutS, &rsp, &detail);
  delete detail;
  if (cond.bad()) {
    a.markBroken();
    return a.dimseError("C-FIND", cond);
  }
  (void)a.release();  // all responses are in
  if (classifyStatus(rsp.DimseStatus) == DimseOutcome::Failure)
    return makeError("C-FIND on " + describe(node) + " answered " + hex4(rsp.DimseStatus) + " (" +
                     statusMeaning(rsp.DimseStatus) + ")");
  return Status::success();
}

void collectSeries(void* data, T_DIMSE_C_FindRQ*, int, T_DIMSE_C_FindRSP*, DcmDataset* ds) {
  if (!ds) return;
  SeriesMatch m;
  m.seriesInstanceUid = text(ds, DCM_SeriesInstanceUID);
  m.modality = text(ds, DCM_Modality);
  m.seriesDescription = text(ds, DCM_SeriesDescription);
  m.seriesNumber = number(ds, DCM_SeriesNumber);
  m.numberOfInstances = number(ds, DCM_NumberOfSeriesRelatedInstances);
  static_cast<std::vector<SeriesMatch>*>(data)->push_back(m);
}

}  // namespace

Result<std::vector<StudyMatch>> findStudies(const PacsNode& node, const StudyQuery& query) {
  DcmDataset keys = queryKeys(query);
  std::vector<StudyMatch> matches;
  if (auto s = runFind(node, keys, collectMatch, &matches); !s) return s.error();
  return matches;
}

Result<std::vector<SeriesMatch>> findSeries(const PacsNode& node, const std::string& studyInstanceUid) {
  if (studyInstanceUid.empty()) return makeError("a series query needs the Study Instance UID");
  DcmDataset keys;
  keys.putAndInsertString(DCM_QueryRetrieveLevel, "SERIES");
  keys.putAndInsertString(DCM_StudyInstanceUID, studyInstanceUid.c_str());
  for (const DcmTagKey& tag : {DCM_SeriesInstanceUID, DCM_Modality, DCM_SeriesDescription, DCM_SeriesNumber,
                               DCM_NumberOfSeriesRelatedInstances})
    keys.insertEmptyElement(tag);
  std::vector<SeriesMatch> matches;
  if (auto s = runFind(node, keys, collectSeries, &matches); !s) return s.error();
  std::sort(matches.begin(), matches.end(),
            [](const SeriesMatch& a, const SeriesMatch& b) { return a.seriesNumber < b.seriesNumber; });
  return matches;
}

}  // namespace annulo
