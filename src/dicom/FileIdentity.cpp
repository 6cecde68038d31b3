#include "annulo/dicom/FileIdentity.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "GuardedLoad.h"

namespace annulo {

Result<FileIdentity> readFileIdentity(const std::string& path) {
  DcmFileFormat ff;
  auto loaded = guardedLoad(ff, path, DCM_MaxReadLength, ERM_metaOnly);
  if (!loaded) return makeError("not a DICOM file: " + loaded.message());
  OFCondition cond = *loaded;
  OFString cls, inst, ts;
  if (cond.good()) {
    ff.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, cls);
    ff.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPInstanceUID, inst);
    ff.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, ts);
  }
  if (cls.empty() || inst.empty()) {
    auto dataset = guardedLoad(ff, path, 256, ERM_autoDetect, false);
    if (!dataset) return makeError("not a DICOM file: " + dataset.message());
    cond = *dataset;
    if (cond.bad()) return makeError(std::string("not a DICOM file: ") + cond.text());
    ff.getDataset()->findAndGetOFString(DCM_SOPClassUID, cls);
    ff.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, inst);
    ts = DcmXfer(ff.getDataset()->getOriginalXfer()).getXferID();
  }
  if (cls.empty() || inst.empty()) return makeError("not a DICOM file: no SOP Class / SOP Instance UID");
  return FileIdentity{cls.c_str(), inst.c_str(), ts.empty() ? UID_LittleEndianImplicitTransferSyntax : ts.c_str()};
}

}  // namespace annulo
