#include "annulo/report/EncapsulatedPdf.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <ctime>
#include <fstream>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "sr/DcmSupport.h"

namespace annulo {
namespace {

std::string now(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

Result<EncapsulatedPdfResult> writeEncapsulatedPdf(const std::string& pdfPath, const ReportContext& c,
                                                   const std::string& studyUid, const std::string& outPath) {
  std::ifstream in(pdfPath, std::ios::binary);
  if (!in) return makeError(pdfPath + ": cannot read the PDF");
  std::vector<Uint8> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 5 || std::string(bytes.begin(), bytes.begin() + 5) != "%PDF-")
    return makeError(pdfPath + ": not a PDF (no %PDF- header)");
  const std::size_t length = bytes.size();
  if (length > 0xFFFFFFF0u) return makeError(pdfPath + ": too large to encapsulate");
  if (length % 2) bytes.push_back(0);  // PS3.3 C.24.2.1: a trailing NUL pads an odd length

  EncapsulatedPdfResult r;
  r.sopInstanceUid = makeUuidUid();
  r.seriesInstanceUid = makeUuidUid();
  r.pdfBytes = length;
  const std::string date = now("%Y%m%d"), time = now("%H%M%S");
  DcmFileFormat file;
  DcmDataset& d = *file.getDataset();
  auto put = [&](const DcmTagKey& tag, const std::string& v) { return d.putAndInsertString(tag, v.c_str()).good(); };
  bool ok = put(DCM_SpecificCharacterSet, "ISO_IR 192") && put(DCM_SOPClassUID, UID_EncapsulatedPDFStorage) &&
            put(DCM_SOPInstanceUID, r.sopInstanceUid) && put(DCM_InstanceCreationDate, date) &&
            put(DCM_InstanceCreationTime, time);
  // Patient (C.7.1.1) and General Study (C.7.2.1): the source images' values.
  ok = ok && put(DCM_PatientName, c.patient.name) && put(DCM_PatientID, c.patient.id) &&
       put(DCM_PatientBirthDate, c.patient.birthDate) && put(DCM_PatientSex, c.patient.sex);
  const std::string study = studyUid.empty() ? c.study.instanceUid : studyUid;
  if (study.empty()) return makeError(outPath + ": the report names no study (Study Instance UID)");
  ok = ok && put(DCM_StudyInstanceUID, study) && put(DCM_StudyDate, c.study.date) && put(DCM_StudyTime, c.study.time) &&
       put(DCM_ReferringPhysicianName, c.study.referringPhysician) && put(DCM_StudyID, c.study.id) &&
       put(DCM_AccessionNumber, c.study.accessionNumber);
  if (!c.study.description.empty()) ok = ok && put(DCM_StudyDescription, c.study.description);
  // Encapsulated Document Series (C.24.1), General Equipment (C.7.5.1), SC Equipment (C.8.6.1).
  ok = ok && put(DCM_Modality, "DOC") && put(DCM_SeriesInstanceUID, r.seriesInstanceUid) &&
       put(DCM_SeriesNumber, sr::derivedSeriesNumber(0, sr::DerivedRole::Document)) &&
       put(DCM_SeriesDescription, "Provocation discography report") && put(DCM_ConversionType, "WSD");
  sr::writeEquipment(d);
  if (!c.institution.empty()) ok = ok && put(DCM_InstitutionName, c.institution);
  // Encapsulated Document (C.24.2).
  ok = ok && put(DCM_InstanceNumber, "1") && put(DCM_ContentDate, date) && put(DCM_ContentTime, time) &&
       put(DCM_AcquisitionDateTime, date + time) && put(DCM_BurnedInAnnotation, "YES") &&
       put(DCM_DocumentTitle, "Provocation discography report") &&
       put(DCM_MIMETypeOfEncapsulatedDocument, "application/pdf") &&
       d.insertEmptyElement(DCM_ConceptNameCodeSequence).good() &&
       d.putAndInsertUint8Array(DCM_EncapsulatedDocument, bytes.data(), unsigned(bytes.size())).good() &&
       d.putAndInsertUint32(DCM_EncapsulatedDocumentLength, Uint32(length)).good();
  if (!ok) return makeError(outPath + ": cannot build the Encapsulated PDF dataset");
  if (Status s = sr::saveDicom(file, outPath); !s) return s.error();
  return r;
}

}  // namespace annulo
