#include "DicomHeader.h"

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "Codecs.h"
#include "ColourDepth.h"
#include "FileProbe.h"
#include "GuardedLoad.h"
#include "HeaderSanity.h"

namespace annulo {
namespace {

// Pixel values are left on disk during the header pass and read later, straight
// into the series buffer.
constexpr Uint32 kMaxHeaderValue = 4096;

std::string str(DcmItem* item, const DcmTagKey& tag, long pos = -1) {
  OFString v;
  const OFCondition c =
      pos < 0 ? item->findAndGetOFStringArray(tag, v, OFFalse) : item->findAndGetOFString(tag, v, Uint32(pos), OFFalse);
  return c.good() ? std::string(v.c_str()) : std::string();
}

double num(DcmItem* item, const DcmTagKey& tag, unsigned long pos = 0, double fallback = 0) {
  Float64 v = 0;
  if (item->findAndGetFloat64(tag, v, pos, OFFalse).good()) return v;
  // Some writers store numbers in IS/DS with the wrong VR; parse the string.
  const std::string s = str(item, tag, long(pos));
  if (s.empty()) return fallback;
  try {
    return std::stod(s);
  } catch (...) {
    return fallback;
  }
}

int integer(DcmItem* item, const DcmTagKey& tag, int fallback = 0) {
  Uint16 u = 0;
  if (item->findAndGetUint16(tag, u, 0, OFFalse).good()) return u;
  Sint32 s = 0;
  if (item->findAndGetSint32(tag, s, 0, OFFalse).good()) return s;
  return int(num(item, tag, 0, fallback));
}

template <std::size_t N>
std::optional<std::array<double, N>> numbers(DcmItem* item, const DcmTagKey& tag) {
  DcmElement* e = nullptr;
  if (item->findAndGetElement(tag, e, OFFalse).bad() || e->getVM() < N) return std::nullopt;
  std::array<double, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = num(item, tag, i);
  return out;
}

DcmItem* firstItem(DcmItem* parent, const DcmTagKey& seq) {
  DcmItem* item = nullptr;
  if (parent && parent->findAndGetSequenceItem(seq, item, 0, OFFalse).good()) return item;
  return nullptr;
}

// Functional group macro of one frame: per-frame item first, then shared.
DcmItem* group(DcmItem* perFrame, DcmItem* shared, const DcmTagKey& seq) {
  if (DcmItem* i = firstItem(perFrame, seq)) return i;
  return firstItem(shared, seq);
}

std::vector<WindowPreset> readWindows(DcmItem* item) {
  std::vector<WindowPreset> out;
  DcmElement* c = nullptr;
  if (!item || item->findAndGetElement(DCM_WindowCenter, c, OFFalse).bad()) return out;
  const unsigned long n = c->getVM();
  for (unsigned long i = 0; i < n; ++i) {
    WindowPreset w;
    w.center = num(item, DCM_WindowCenter, i);
    w.width = num(item, DCM_WindowWidth, i);
    w.explanation = str(item, DCM_WindowCenterWidthExplanation, long(i));
    out.push_back(w);  // impossible widths are dropped, with a warning, by checkHeaderValues
  }
  return out;
}

void readValueTransform(DcmItem* item, FrameHeader& f) {
  if (!item) return;
  DcmElement* e = nullptr;
  if (item->findAndGetElement(DCM_RescaleSlope, e, OFFalse).good()) {
    f.slope = num(item, DCM_RescaleSlope, 0, 1);  // 0, inf, NaN: checkHeaderValues
  }
  f.intercept = num(item, DCM_RescaleIntercept, 0, 0);
}

void readPlaneGeometry(DcmItem* item, FrameHeader& f) {
  if (!item) return;
  if (auto p = numbers<3>(item, DCM_ImagePositionPatient)) f.position = Vec3{(*p)[0], (*p)[1], (*p)[2]};
  if (auto o = numbers<6>(item, DCM_ImageOrientationPatient)) f.orientation = o;
}

void readPixelMeasures(DcmItem* item, FrameHeader& f) {
  if (!item) return;
  if (auto s = numbers<2>(item, DCM_PixelSpacing)) f.pixelSpacing = s;
  f.sliceThickness = num(item, DCM_SliceThickness, 0, f.sliceThickness);
  f.spacingBetweenSlices = num(item, DCM_SpacingBetweenSlices, 0, f.spacingBetweenSlices);
}

void readEnhancedFrames(DcmItem* ds, FileHeader& h) {
  DcmItem* shared = firstItem(ds, DCM_SharedFunctionalGroupsSequence);
  DcmSequenceOfItems* perFrameSeq = nullptr;
  ds->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrameSeq, OFFalse);
  const unsigned long available = perFrameSeq ? perFrameSeq->card() : 0;
  if (available != 0 && available < static_cast<unsigned long>(h.numberOfFrames))
    h.warnings.push_back("per-frame functional groups list " + std::to_string(available) + " of " +
                         std::to_string(h.numberOfFrames) + " frames");
  h.frames.resize(std::size_t(h.numberOfFrames));
  for (int i = 0; i < h.numberOfFrames; ++i) {
    DcmItem* pf =
        (static_cast<unsigned long>(i) < available) ? perFrameSeq->getItem(static_cast<unsigned long>(i)) : nullptr;
    FrameHeader& f = h.frames[std::size_t(i)];
    readPlaneGeometry(group(pf, shared, DCM_PlanePositionSequence), f);
    if (DcmItem* o = group(pf, shared, DCM_PlaneOrientationSequence)) {
      if (auto v = numbers<6>(o, DCM_ImageOrientationPatient)) f.orientation = v;
    }
    readPixelMeasures(group(pf, shared, DCM_PixelMeasuresSequence), f);
    readValueTransform(group(pf, shared, DCM_PixelValueTransformationSequence), f);
    f.windows = readWindows(group(pf, shared, DCM_FrameVOILUTSequence));
    if (DcmItem* c = group(pf, shared, DCM_FrameContentSequence))
      f.temporalIndex = integer(c, DCM_TemporalPositionIndex, 0);
  }
}

void readClassicFrame(DcmItem* ds, FileHeader& h) {
  FrameHeader f;
  readPlaneGeometry(ds, f);
  readPixelMeasures(ds, f);
  readValueTransform(ds, f);
  f.windows = readWindows(ds);
  h.frames.push_back(std::move(f));
}

// PS3.3 C.11.2.1.1: a VOI LUT that cannot be applied is named, not silently skipped.
std::optional<VoiLut> readVoiLut(DcmItem* ds, std::vector<std::string>& warnings) {
  if (!ds->tagExists(DCM_VOILUTSequence)) return std::nullopt;
  DcmItem* item = firstItem(ds, DCM_VOILUTSequence);
  if (!item) {
    warnings.push_back("VOI LUT Sequence is empty: ignored");
    return std::nullopt;
  }
  const Uint16* desc = nullptr;
  unsigned long n = 0;
  if (item->findAndGetUint16Array(DCM_LUTDescriptor, desc, &n, OFFalse).bad() || n < 3) {
    warnings.push_back("VOI LUT without a usable LUTDescriptor: ignored");
    return std::nullopt;
  }
  VoiLut lut;
  lut.entries = desc[0] == 0 ? 65536u : desc[0];
  lut.firstMapped = desc[1];
  lut.bits = desc[2];
  lut.explanation = str(item, DCM_LUTExplanation);
  const Uint16* data = nullptr;
  unsigned long count = 0;
  if (item->findAndGetUint16Array(DCM_LUTData, data, &count, OFFalse).good() && data)
    lut.data.assign(data, data + count);
  if (lut.bits < 1 || lut.bits > 16) {
    warnings.push_back("VOI LUT with " + std::to_string(lut.bits) + " bits per entry: ignored");
    return std::nullopt;
  }
  if (lut.data.size() < lut.entries) {
    warnings.push_back("VOI LUT declares " + std::to_string(lut.entries) + " entries but holds " +
                       std::to_string(lut.data.size()) + ": ignored");
    return std::nullopt;
  }
  return lut;
}

void readTiming(DcmItem* ds, FileHeader& h) {
  DcmElement* fip = nullptr;
  DcmTagKey pointer;
  if (ds->findAndGetElement(DCM_FrameIncrementPointer, fip, OFFalse).good() && fip->ident() == EVR_AT &&
      static_cast<DcmAttributeTag*>(fip)->getTagVal(pointer, 0).good())
    h.frameIncrementPointer = pointer.toString().c_str();
  h.frameTime = num(ds, DCM_FrameTime);
  DcmElement* e = nullptr;
  if (ds->findAndGetElement(DCM_FrameTimeVector, e, OFFalse).good())
    for (unsigned long i = 0; i < e->getVM(); ++i) h.frameTimeVector.push_back(num(ds, DCM_FrameTimeVector, i));
  h.cineRate = num(ds, DCM_CineRate);
  h.recommendedDisplayFrameRate = num(ds, DCM_RecommendedDisplayFrameRate);
}

void readIdentity(DcmItem* ds, FileHeader& h) {
  h.sopClassUid = str(ds, DCM_SOPClassUID);
  h.sopInstanceUid = str(ds, DCM_SOPInstanceUID);
  h.frameOfReferenceUid = str(ds, DCM_FrameOfReferenceUID);
  h.patient = {str(ds, DCM_PatientName), str(ds, DCM_PatientID), str(ds, DCM_PatientBirthDate),
               str(ds, DCM_PatientSex)};
  h.study = {str(ds, DCM_StudyInstanceUID),      str(ds, DCM_StudyDate),       str(ds, DCM_StudyTime),
             str(ds, DCM_StudyDescription),      str(ds, DCM_AccessionNumber), str(ds, DCM_StudyID),
             str(ds, DCM_ReferringPhysicianName)};
  h.series.instanceUid = str(ds, DCM_SeriesInstanceUID);
  h.series.modality = str(ds, DCM_Modality);
  h.series.description = str(ds, DCM_SeriesDescription);
  h.series.bodyPart = str(ds, DCM_BodyPartExamined);
  h.series.laterality = str(ds, DCM_Laterality);
  if (h.series.laterality.empty()) h.series.laterality = str(ds, DCM_ImageLaterality);
  h.series.frameOfReferenceUid = h.frameOfReferenceUid;
  h.series.number = integer(ds, DCM_SeriesNumber);
  h.equipment = {str(ds, DCM_Manufacturer), str(ds, DCM_ManufacturerModelName), str(ds, DCM_InstitutionName),
                 str(ds, DCM_StationName), str(ds, DCM_SoftwareVersions)};
  h.patientOrientation = str(ds, DCM_PatientOrientation);
  h.instanceNumber = integer(ds, DCM_InstanceNumber);
}

void readCalibration(DcmItem* ds, FileHeader& h) {
  h.imagerPixelSpacing = numbers<2>(ds, DCM_ImagerPixelSpacing);
  h.pixelSpacing = numbers<2>(ds, DCM_PixelSpacing);
  h.pixelSpacingCalibrationType = str(ds, DCM_PixelSpacingCalibrationType);
  h.magnificationFactor = num(ds, DCM_EstimatedRadiographicMagnificationFactor);
  h.distanceSourceToDetector = num(ds, DCM_DistanceSourceToDetector);
  h.distanceSourceToPatient = num(ds, DCM_DistanceSourceToPatient);
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Objects that carry no image to show, named so the user knows what they hold.
std::optional<std::string> nonImageKind(const std::string& sopClass) {
  if (startsWith(sopClass, "1.2.840.10008.5.1.4.1.1.88.")) return "structured report";
  if (startsWith(sopClass, "1.2.840.10008.5.1.4.1.1.11.")) return "presentation state";
  if (sopClass == UID_SegmentationStorage) return "segmentation";
  if (sopClass == UID_RTStructureSetStorage) return "RT structure set";
  if (sopClass == UID_EncapsulatedPDFStorage) return "encapsulated PDF";
  if (sopClass == UID_RawDataStorage) return "raw data";
  if (sopClass == UID_SpatialRegistrationStorage) return "spatial registration";
  if (sopClass == UID_MediaStorageDirectoryStorage) return "DICOMDIR (media directory)";
  return std::nullopt;
}

std::string sopClassName(const std::string& uid) {
  const char* n = dcmFindNameOfUID(uid.c_str(), nullptr);
  return n ? std::string(n) + " (" + uid + ")" : uid;
}

bool isJpeg2000(const std::string& uid) {
  return uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91" || uid == "1.2.840.10008.1.2.4.92" ||
         uid == "1.2.840.10008.1.2.4.93" || startsWith(uid, "1.2.840.10008.1.2.4.20");  // HTJ2K
}

std::string loadError(const OFCondition& c, std::uint64_t size) {
  const std::string text = c.text();
  if (c == EC_StreamNotifyClient || c == EC_InvalidStream || text.find("premature") != std::string::npos ||
      text.find("remaining") != std::string::npos)
    return "truncated or corrupt file (" + text + ", file is " + std::to_string(size) + " bytes)";
  return "cannot parse DICOM (" + text + ")";
}

std::uint64_t physicalMemory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return (pages > 0 && page > 0) ? std::uint64_t(pages) * std::uint64_t(page) : (std::uint64_t{8} << 30);
}

Status checkPixelLayout(const FileHeader& h) {
  if (h.rows <= 0 || h.columns <= 0) return makeError("no image size (Rows/Columns missing or 0)");
  if (h.bitsAllocated == 1) return makeError("1-bit pixel data (a bitmap or segmentation, not a greyscale image)");
  if (h.bitsAllocated != 8 && h.bitsAllocated != 16 && h.bitsAllocated != 32)
    return makeError("unsupported BitsAllocated " + std::to_string(h.bitsAllocated));
  if (h.bitsStored <= 0 || h.bitsStored > h.bitsAllocated || h.highBit >= h.bitsAllocated)
    return makeError("inconsistent BitsStored " + std::to_string(h.bitsStored) + " / HighBit " +
                     std::to_string(h.highBit) + " for BitsAllocated " + std::to_string(h.bitsAllocated));
  if (h.samplesPerPixel != 1 && h.samplesPerPixel != 3)
    return makeError("unsupported SamplesPerPixel " + std::to_string(h.samplesPerPixel));
  const std::string& p = h.photometric;
  const bool mono = p == "MONOCHROME1" || p == "MONOCHROME2";
  const bool colour = p == "RGB" || p == "YBR_FULL" || p == "YBR_FULL_422" || p == "YBR_ICT" || p == "YBR_RCT";
  if (!mono && !colour) return makeError("unsupported photometric interpretation '" + p + "'");
  if (mono != (h.samplesPerPixel == 1))
    return makeError("photometric interpretation " + p + " with SamplesPerPixel " + std::to_string(h.samplesPerPixel));
  if (Status s = checkColourLayout(h); !s) return s;
  if (h.numberOfFrames <= 0) return makeError("NumberOfFrames is " + std::to_string(h.numberOfFrames));
  return {};
}

// Memory is bounded by what the file can honestly hold.
Status checkPixelLength(const FileHeader& h) {
  const std::uint64_t expected = h.frameBytes() * std::uint64_t(h.numberOfFrames);
  if (expected > physicalMemory() / 2)
    return makeError("header claims " + std::to_string(expected >> 20) + " MiB of pixels (" +
                     std::to_string(h.columns) + " x " + std::to_string(h.rows) + " x " +
                     std::to_string(h.numberOfFrames) + " frames), more than this machine can hold");
  if (!h.encapsulated) {
    if (h.pixelDataLength == 0xFFFFFFFFull) return makeError("native pixel data with undefined length");
    if (h.pixelDataLength < expected)
      return makeError("pixel data shorter than rows x columns x frames: expected " + std::to_string(expected) +
                       " bytes (" + std::to_string(h.columns) + " x " + std::to_string(h.rows) + " x " +
                       std::to_string(h.numberOfFrames) + " x " +
                       std::to_string(h.bitsAllocated / 8 * h.samplesPerPixel) + "), found " +
                       std::to_string(h.pixelDataLength));
    // A deflated dataset is smaller on disk than its inflated pixel data.
    if (h.xfer != EXS_DeflatedLittleEndianExplicit && h.pixelDataLength > h.fileSize)
      return makeError("truncated file: pixel data claims " + std::to_string(h.pixelDataLength) +
                       " bytes but the file has " + std::to_string(h.fileSize));
    return {};
  }
  if (h.fragments == 0) return makeError("compressed pixel data has no fragments");
  if (h.fragments < std::size_t(h.numberOfFrames) && h.numberOfFrames > 1 && h.fragments == 1)
    return makeError("compressed pixel data has 1 fragment for " + std::to_string(h.numberOfFrames) + " frames");
  // Lossless codecs do not compress beyond a few hundred to one on real images;
  // RLE's limit is 64:1. A wild claim is a broken or hostile header.
  const std::uint64_t bound = h.pixelDataLength * 2000 + (std::uint64_t{64} << 20);
  if (expected > bound)
    return makeError("header claims " + std::to_string(expected) + " bytes of pixels from " +
                     std::to_string(h.pixelDataLength) + " bytes of compressed data");
  return {};
}

Status readPixelElement(DcmDataset* ds, FileHeader& h) {
  DcmElement* e = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, e, OFFalse).bad() || !e) {
    if (ds->tagExists(DCM_FloatPixelData) || ds->tagExists(DCM_DoubleFloatPixelData))
      return makeError("float pixel data is not supported");
    return makeError("no pixel data");
  }
  h.encapsulated = DcmXfer(h.xfer).isEncapsulated();
  if (!h.encapsulated) {
    h.pixelDataLength = e->getLengthField();
    return {};
  }
  // A malformed file can give (7FE0,0010) a VR DCMTK does not read as pixel
  // data (found by fuzzing): it is then no DcmPixelData, and no fragments.
  auto* pd = dynamic_cast<DcmPixelData*>(e);
  if (!pd)
    return makeError("compressed pixel data with VR " + std::string(DcmVR(e->getVR()).getVRName()) +
                     " that cannot hold fragments");
  DcmPixelSequence* seq = nullptr;
  if (pd->getEncapsulatedRepresentation(h.xfer, nullptr, seq).bad() || !seq)
    return makeError("compressed pixel data without a pixel sequence");
  const unsigned long items = seq->card();
  h.fragments = items > 0 ? items - 1 : 0;  // item 0 is the basic offset table
  for (unsigned long i = 1; i < items; ++i) {
    DcmPixelItem* it = nullptr;
    if (seq->getItem(it, i).good() && it) h.pixelDataLength += it->getLengthField();
  }
  return {};
}

Status checkTransferSyntax(const FileHeader& h) {
  if (isJpeg2000(h.xferUid))
    return makeError("unsupported transfer syntax: JPEG 2000 (" + h.xferUid + "); DCMTK has no JPEG 2000 decoder");
  if (h.xfer == EXS_Unknown) return makeError("unsupported transfer syntax: " + transferSyntaxName(h.xferUid));
  if (DcmXfer(h.xfer).isEncapsulated() && !DcmCodecList::canChangeCoding(h.xfer, EXS_LittleEndianExplicit))
    return makeError("unsupported transfer syntax: " + transferSyntaxName(h.xferUid));
  return {};
}

}  // namespace

std::string transferSyntaxName(const std::string& uid) {
  const char* n = dcmFindNameOfUID(uid.c_str(), nullptr);
  return n ? std::string(n) + " (" + uid + ")" : uid;
}

Result<FileHeader> readFileHeader(const std::string& path) {
  ensureDecodersRegistered();
  FileHeader h;
  h.path = path;
  std::error_code ec;
  h.fileSize = std::filesystem::file_size(path, ec);
  if (ec) return makeError("cannot read file size (" + ec.message() + ")");
  auto probe = probeFile(path, h.fileSize);
  if (!probe) return probe.error();

  h.file = std::make_unique<DcmFileFormat>();
  auto loaded = guardedLoad(*h.file, path, kMaxHeaderValue, ERM_autoDetect, false);  // probed above
  if (!loaded) return loaded.error();
  const OFCondition c = *loaded;
  if (c.bad()) return makeError(loadError(c, h.fileSize));
  DcmDataset* ds = h.file->getDataset();
  DcmMetaInfo* meta = h.file->getMetaInfo();

  h.xfer = ds->getOriginalXfer();
  h.xferUid = meta ? str(meta, DCM_TransferSyntaxUID) : std::string();
  if (h.xferUid.empty()) h.xferUid = DcmXfer(h.xfer).getXferID();
  readIdentity(ds, h);
  if (h.sopClassUid.empty() && meta) h.sopClassUid = str(meta, DCM_MediaStorageSOPClassUID);
  if (h.sopClassUid.empty() && !ds->tagExists(DCM_PixelData) && !ds->tagExists(DCM_Rows))
    return makeError("not a DICOM image (no SOP Class UID and no pixel data)");
  if (auto kind = nonImageKind(h.sopClassUid))
    return makeError("non-image object: " + *kind + ", " + sopClassName(h.sopClassUid));

  h.rows = integer(ds, DCM_Rows);
  h.columns = integer(ds, DCM_Columns);
  h.samplesPerPixel = integer(ds, DCM_SamplesPerPixel, 1);
  h.bitsAllocated = integer(ds, DCM_BitsAllocated);
  h.bitsStored = integer(ds, DCM_BitsStored, h.bitsAllocated);
  h.highBit = integer(ds, DCM_HighBit, h.bitsStored - 1);
  h.pixelRepresentation = integer(ds, DCM_PixelRepresentation);
  h.planarConfiguration = integer(ds, DCM_PlanarConfiguration);
  h.photometric = str(ds, DCM_PhotometricInterpretation);
  h.numberOfFrames = ds->tagExists(DCM_NumberOfFrames) ? integer(ds, DCM_NumberOfFrames, 1) : 1;

  if (Status s = readPixelElement(ds, h); !s) return s.error();
  if (Status s = checkFrameCount(ds, h); !s) return s.error();
  checkBitLayout(h);
  if (!h.encapsulated && probe->pixelOffset && probe->pixelLength == h.pixelDataLength &&
      h.xfer != EXS_DeflatedLittleEndianExplicit) {
    h.pixelOffset = probe->pixelOffset;
    h.pixelBigEndian = probe->bigEndian;
  }
  if (Status s = checkTransferSyntax(h); !s) return s.error();
  if (Status s = checkPixelLayout(h); !s) return s.error();
  if (Status s = checkPixelLength(h); !s) return s.error();
  if (auto note = colourConversionNote(h)) h.warnings.push_back(*note);

  h.enhanced = ds->tagExists(DCM_PerFrameFunctionalGroupsSequence) || ds->tagExists(DCM_SharedFunctionalGroupsSequence);
  if (h.enhanced) {
    readEnhancedFrames(ds, h);
  } else {
    readClassicFrame(ds, h);
  }
  readCalibration(ds, h);
  readTiming(ds, h);
  h.voiLut = readVoiLut(ds, h.warnings);
  checkHeaderValues(h);
  return h;
}

}  // namespace annulo
