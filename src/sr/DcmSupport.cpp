#include "sr/DcmSupport.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include "sr/SrValues.h"

namespace annulo::sr {

Error dcmError(const std::string& doing, const OFCondition& condition) {
  return makeError(doing + ": " + condition.text());
}

void copyElement(const DcmItem& source, DcmItem& target, const DcmTagKey& tag) {
  DcmElement* element = nullptr;
  // findAndGetElement is not const in DCMTK 3.6.7; the lookup does not modify the item.
  if (const_cast<DcmItem&>(source).findAndGetElement(tag, element, OFFalse /*searchIntoSub*/).good() && element)
    target.insert(OFstatic_cast(DcmElement*, element->clone()), OFTrue /*replaceOld*/);
}

std::string getString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  return value.c_str();
}

std::string decimalDs(double value) { return decimalString(value); }

void writeEquipment(DcmItem& dataset) {
  dataset.putAndInsertString(DCM_Manufacturer, kManufacturer);
  dataset.putAndInsertString(DCM_ManufacturerModelName, kModelName);
  dataset.putAndInsertString(DCM_DeviceSerialNumber, kDeviceSerialNumber);
  dataset.putAndInsertString(DCM_SoftwareVersions, kSoftwareVersion);
}

std::string derivedSeriesNumber(int sourceSeriesNumber, DerivedRole role) {
  const long base = sourceSeriesNumber > 0 && sourceSeriesNumber < 20000000 ? long(sourceSeriesNumber) * 100 : 0;
  return std::to_string(base + 90 + int(role));
}

Status saveDicom(DcmFileFormat& file, const std::string& path) {
  OFCondition c = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (c.bad()) return makeError("cannot write " + path + ": " + c.text());
  return {};
}

}  // namespace annulo::sr
