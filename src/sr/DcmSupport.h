#pragma once
// Private: small DCMTK adapters for the SR/SEG/GSPS code. Every OFCondition
// that leaves DCMTK becomes an Error naming what was being done.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <string>

#include "annulo/base/Result.h"

namespace annulo::sr {

Error dcmError(const std::string& doing, const OFCondition& condition);

// Copies `tag` from `source` into `target` when present (replacing any value).
void copyElement(const DcmItem& source, DcmItem& target, const DcmTagKey& tag);

// String value of `tag` (all values, backslash separated), empty when absent.
std::string getString(DcmItem& item, const DcmTagKey& tag);

// DS text for a double (at most 16 characters, PS3.5 6.2).
std::string decimalDs(double value);

// General Equipment (PS3.3 C.7.5.1) of everything Annulo writes (SR, SEG, GSPS):
// the equipment that made the object is Annulo, not the modality of the source.
inline constexpr const char* kManufacturer = "Annulo";
inline constexpr const char* kModelName = "annulo";
inline constexpr const char* kDeviceSerialNumber = "1";
inline constexpr const char* kSoftwareVersion = "0.1.0";
void writeEquipment(DcmItem& dataset);

// Series Number of a derived object: the source series' number x 100 + 90 + role
// (1 SR, 2 SEG, 3 GSPS, 4 the report as Encapsulated PDF), so objects of different
// sources and kinds differ and sort after their source (PS3.3 C.7.3.1: Series Number
// identifies the series).
enum class DerivedRole { Report = 1, Segmentation = 2, PresentationState = 3, Document = 4 };
std::string derivedSeriesNumber(int sourceSeriesNumber, DerivedRole role);

// Writes the file (explicit VR little endian, meta header from the dataset).
Status saveDicom(DcmFileFormat& file, const std::string& path);

}  // namespace annulo::sr
