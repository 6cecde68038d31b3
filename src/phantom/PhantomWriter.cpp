// DICOM output of the phantom: one multi-frame XA Image (cine) and a sagittal MR
// series, headers complete enough for dciodvfy to report no errors.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "annulo/base/Parallel.h"
#include "annulo/phantom/Phantom.h"
#include "phantom/PhantomDetail.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;
using phantom_detail::MrScene;
using phantom_detail::XaScene;

constexpr const char* kStudyDate = "20260101";
constexpr const char* kStudyTime = "090000";

// DCMTK keeps codecs in a process-wide list: register the encoders on first use
// and release them at exit. Decoders are left to whoever reads.
void ensureEncodersRegistered() {
  struct Registration {
    Registration() {
      DJEncoderRegistration::registerCodecs();
      // Raw rather than "cooked" JPEG-LS encoding: the cooked path goes through
      // DicomImage, which logs about modality transforms on every MR slice.
      DJLSEncoderRegistration::registerCodecs(0, 0, 0, 0, OFFalse);
      DcmRLEEncoderRegistration::registerCodecs();
    }
    ~Registration() {
      DcmRLEEncoderRegistration::cleanup();
      DJLSEncoderRegistration::cleanup();
      DJEncoderRegistration::cleanup();
    }
  };
  static const Registration registration;
}

// Formats a DS value; DS is limited to 16 characters.
std::string decimal(double value, int significant = 10) {
  char buffer[32];
  for (int digits = significant; digits > 1; --digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::string(buffer).size() <= 16) break;
  }
  return buffer;
}

// Collects the first failure so the header code reads as a flat list of attributes.
class Header {
 public:
  explicit Header(DcmDataset& dataset) : dataset_(dataset) {}

  void text(const DcmTagKey& key, const std::string& value) {
    check(dataset_.putAndInsertString(DcmTag(key), value.c_str()), key);
  }
  void number(const DcmTagKey& key, double value) { text(key, decimal(value)); }
  void integer(const DcmTagKey& key, long value) { text(key, std::to_string(value)); }
  void us(const DcmTagKey& key, Uint16 value) { check(dataset_.putAndInsertUint16(DcmTag(key), value), key); }
  void tagKey(const DcmTagKey& key, const DcmTagKey& value) {
    check(dataset_.putAndInsertTagKey(DcmTag(key), value), key);
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void check(const OFCondition& condition, const DcmTagKey& key) {
    if (condition.bad() && error_.empty()) {
      error_ = "cannot set " + std::string(DcmTag(key).getTagName()) + ": " + condition.text();
    }
  }
  DcmDataset& dataset_;
  std::string error_;
};

void putCommon(Header& h, const PhantomTruth& truth) {
  h.text(DCM_PatientName, "PHANTOM^ANNULOGRAM");
  h.text(DCM_PatientID, "PHANTOM-" + std::to_string(truth.seed));
  h.text(DCM_PatientBirthDate, "");
  h.text(DCM_PatientSex, "O");
  h.text(DCM_StudyInstanceUID, truth.studyInstanceUid);
  h.text(DCM_StudyDate, kStudyDate);
  h.text(DCM_StudyTime, kStudyTime);
  h.text(DCM_ReferringPhysicianName, "");
  h.text(DCM_StudyID, "1");
  h.text(DCM_AccessionNumber, "");
  h.text(DCM_StudyDescription, "Lumbar discography phantom");
  h.text(DCM_Manufacturer, "Annulo Phantom");
  h.text(DCM_ManufacturerModelName, "Annulo");
  h.text(DCM_SoftwareVersions, "0.1.0");
  h.text(DCM_BodyPartExamined, "LSPINE");
  h.text(DCM_ContentDate, kStudyDate);
  h.text(DCM_AcquisitionDate, kStudyDate);
  h.text(DCM_InstanceCreationDate, kStudyDate);
  h.text(DCM_InstanceCreationTime, kStudyTime);
  h.text(DCM_SeriesDate, kStudyDate);
  h.us(DCM_SamplesPerPixel, 1);
  h.text(DCM_PhotometricInterpretation, "MONOCHROME2");
  h.us(DCM_PixelRepresentation, 0);
}

void putXaHeader(Header& h, const PhantomOptions& o, const PhantomTruth& truth) {
  const XaTruth& xa = truth.xa;
  const bool wide = o.xaBitsAllocated == 16;
  h.text(DCM_SOPClassUID, UID_XRayAngiographicImageStorage);
  h.text(DCM_SOPInstanceUID, xa.sopInstanceUid);
  h.text(DCM_Modality, "XA");
  h.text(DCM_SeriesInstanceUID, xa.seriesInstanceUid);
  h.integer(DCM_SeriesNumber, 1);
  h.text(DCM_SeriesTime, "091000");
  h.text(DCM_SeriesDescription, "Annulogram L lateral");
  h.integer(DCM_InstanceNumber, 1);
  h.text(DCM_ContentTime, "091000");
  h.text(DCM_AcquisitionTime, "091000");
  // Lateral view with posterior on the image right, superior up.
  h.text(DCM_PatientOrientation, "P\\F");
  h.text(DCM_ImageType, "ORIGINAL\\PRIMARY\\SINGLE PLANE");
  h.text(DCM_LossyImageCompression, "00");

  h.us(DCM_Rows, static_cast<Uint16>(xa.rows));
  h.us(DCM_Columns, static_cast<Uint16>(xa.columns));
  h.us(DCM_BitsAllocated, wide ? 16 : 8);
  h.us(DCM_BitsStored, wide ? 12 : 8);
  h.us(DCM_HighBit, wide ? 11 : 7);
  h.text(DCM_PixelIntensityRelationship, "LIN");
  const int full = wide ? 4095 : 255;
  h.integer(DCM_WindowCenter, (full + 1) / 2);
  h.integer(DCM_WindowWidth, full + 1);
  h.text(DCM_WindowCenterWidthExplanation, "FULL RANGE");

  // Multi-frame and cine.
  h.integer(DCM_NumberOfFrames, xa.frames);
  h.tagKey(DCM_FrameIncrementPointer, DCM_FrameTime);
  h.number(DCM_FrameTime, xa.frameTimeMs);
  const long rate = std::max(1L, std::lround(1000.0 / xa.frameTimeMs));
  h.integer(DCM_CineRate, rate);
  h.integer(DCM_RecommendedDisplayFrameRate, rate);
  h.integer(DCM_StartTrim, 1);
  h.integer(DCM_StopTrim, xa.frames);

  // Acquisition and positioner.
  h.number(DCM_KVP, 78);
  h.text(DCM_RadiationSetting, "GR");
  h.text(DCM_RadiationMode, "PULSED");
  h.integer(DCM_XRayTubeCurrent, 12);
  h.integer(DCM_ExposureTime, static_cast<long>(std::lround(xa.frameTimeMs * xa.frames)));
  h.integer(DCM_Exposure, 10);
  h.text(DCM_Grid, "IN");
  h.text(DCM_TypeOfFilters, "CU");
  h.text(DCM_ImagerPixelSpacing, decimal(xa.imagerPixelSpacingMm) + "\\" + decimal(xa.imagerPixelSpacingMm));
  h.text(DCM_FieldOfViewShape, "RECTANGLE");
  const std::string fov = decimal(xa.imagerPixelSpacingMm * xa.columns, 6);
  h.text(DCM_FieldOfViewDimensions, std::to_string(std::lround(xa.imagerPixelSpacingMm * xa.columns)) + "\\" +
                                        std::to_string(std::lround(xa.imagerPixelSpacingMm * xa.rows)));
  h.number(DCM_DistanceSourceToDetector, phantom_detail::kSourceDetectorMm);
  h.number(DCM_DistanceSourceToPatient, phantom_detail::kSourcePatientMm);
  h.text(DCM_EstimatedRadiographicMagnificationFactor, decimal(xa.magnification, 15));
  h.text(DCM_PositionerMotion, "STATIC");
  h.number(DCM_PositionerPrimaryAngle, 90);
  h.number(DCM_PositionerSecondaryAngle, 0);
  h.text(DCM_IntensifierSize, fov);

  // Contrast was injected into the disc.
  h.text(DCM_ContrastBolusAgent, "IOHEXOL 300 MGI/ML");
  h.text(DCM_ContrastBolusRoute, "INTRADISCAL");
  h.number(DCM_ContrastBolusVolume, 1.5);
}

struct MrValues {
  bool template_ = true;
  double scale = 1, slope = 1, intercept = 0;
};

void putMrHeader(Header& h, const PhantomTruth& truth, int slice, const MrValues& v) {
  const MrTruth& mr = truth.mr;
  const std::array<double, 6> kMrOrientation = phantom_detail::mrOrientation(mr);
  const std::array<double, 3> position = phantom_detail::mrSlicePosition(mr, slice);
  h.text(DCM_SOPClassUID, UID_MRImageStorage);
  h.text(DCM_SOPInstanceUID, phantom_detail::deterministicUid(truth.seed, "mr-image-" + std::to_string(slice)));
  h.text(DCM_Modality, "MR");
  h.text(DCM_SeriesInstanceUID, mr.seriesInstanceUid);
  h.integer(DCM_SeriesNumber, 2);
  h.text(DCM_SeriesTime, "084500");
  h.text(DCM_SeriesDescription, "SAG T2 TSE");
  h.text(DCM_PatientPosition, "HFS");
  h.text(DCM_FrameOfReferenceUID, phantom_detail::deterministicUid(truth.seed, "mr-frame-of-reference"));
  h.text(DCM_PositionReferenceIndicator, "");
  h.integer(DCM_InstanceNumber, slice);
  h.integer(DCM_AcquisitionNumber, 1);
  h.text(DCM_ContentTime, "084500");
  h.text(DCM_AcquisitionTime, "084500");
  h.text(DCM_ImageType, "ORIGINAL\\PRIMARY\\OTHER");

  h.text(DCM_PixelSpacing, decimal(mr.pixelSpacingMm) + "\\" + decimal(mr.pixelSpacingMm));
  std::string orientation;
  for (std::size_t i = 0; i < kMrOrientation.size(); ++i) {
    orientation += (i ? "\\" : "") + decimal(kMrOrientation[i]);
  }
  h.text(DCM_ImageOrientationPatient, orientation);
  h.text(DCM_ImagePositionPatient, decimal(position[0]) + "\\" + decimal(position[1]) + "\\" + decimal(position[2]));
  h.number(DCM_SliceThickness, phantom_detail::mrSliceThicknessMm(mr));
  h.number(DCM_SpacingBetweenSlices, mr.sliceSpacingMm);
  h.number(DCM_SliceLocation, position[0]);

  h.us(DCM_Rows, static_cast<Uint16>(mr.rows));
  h.us(DCM_Columns, static_cast<Uint16>(mr.columns));
  h.us(DCM_BitsAllocated, 16);
  if (v.template_) {
    h.us(DCM_BitsStored, 12);
    h.us(DCM_HighBit, 11);
    h.text(DCM_RescaleIntercept, "0");
    h.text(DCM_RescaleSlope, "1");
    h.integer(DCM_WindowCenter, 1400);
    h.integer(DCM_WindowWidth, 2800);
  } else {
    h.us(DCM_BitsStored, 16);
    h.us(DCM_HighBit, 15);
    h.text(DCM_RescaleIntercept, decimal(v.intercept));
    h.text(DCM_RescaleSlope, decimal(v.slope));
    h.integer(DCM_WindowCenter, static_cast<int>(std::lround(1400 * v.scale)));
    h.integer(DCM_WindowWidth, static_cast<int>(std::lround(2800 * v.scale)));
  }
  h.text(DCM_WindowCenterWidthExplanation, "T2 SPINE");

  h.text(DCM_ScanningSequence, "SE");
  h.text(DCM_SequenceVariant, "SK\\SP");
  h.text(DCM_ScanOptions, "");
  h.text(DCM_MRAcquisitionType, "2D");
  h.text(DCM_SequenceName, "tse2d1_17");
  h.number(DCM_RepetitionTime, 3500);
  h.number(DCM_EchoTime, 102);
  h.integer(DCM_EchoTrainLength, 17);
  h.number(DCM_NumberOfAverages, 2);
  h.number(DCM_ImagingFrequency, 63.87);
  h.text(DCM_ImagedNucleus, "1H");
  h.number(DCM_MagneticFieldStrength, 1.5);
  h.number(DCM_FlipAngle, 150);
  h.text(DCM_ReceiveCoilName, "SPINE");
}

// Inserts an empty pixel data element of `count` samples and returns its buffer,
// so the renderer writes in place instead of through a copy.
template <typename T>
T* addPixelData(DcmDataset& dataset, std::size_t count, std::string& error) {
  auto pixels = std::make_unique<DcmPixelData>(DCM_PixelData);
  T* buffer = nullptr;
  OFCondition status;
  if constexpr (sizeof(T) == 1) {
    pixels->setVR(EVR_OB);
    status = pixels->createUint8Array(static_cast<Uint32>(count), buffer);
  } else {
    pixels->setVR(EVR_OW);
    status = pixels->createUint16Array(static_cast<Uint32>(count), buffer);
  }
  if (status.good()) status = dataset.insert(pixels.get(), OFTrue);
  if (status.bad() || buffer == nullptr) {
    error = std::string("cannot allocate pixel data: ") + status.text();
    return nullptr;
  }
  pixels.release();  // the dataset owns it now
  return buffer;
}

E_TransferSyntax transferSyntax(PhantomSyntax syntax) {
  switch (syntax) {
    case PhantomSyntax::JpegLossless:
      return EXS_JPEGProcess14SV1;
    case PhantomSyntax::Rle:
      return EXS_RLELossless;
    case PhantomSyntax::JpegLs:
      return EXS_JPEGLSLossless;
    case PhantomSyntax::ExplicitLittle:
      break;
  }
  return EXS_LittleEndianExplicit;
}

Status save(DcmFileFormat& file, PhantomSyntax syntax, const fs::path& path) {
  const E_TransferSyntax xfer = transferSyntax(syntax);
  DcmDataset& dataset = *file.getDataset();
  if (xfer != EXS_LittleEndianExplicit) {
    ensureEncodersRegistered();
    // Only the parameters of the chosen codec are looked at.
    const DJ_RPLossless jpeg(1, 0);
    const DJLSRepresentationParameter jpegLs(0, OFTrue);
    const DcmRLERepresentationParameter rle;
    const DcmRepresentationParameter* parameter =
        syntax == PhantomSyntax::JpegLossless ? static_cast<const DcmRepresentationParameter*>(&jpeg)
        : syntax == PhantomSyntax::JpegLs     ? static_cast<const DcmRepresentationParameter*>(&jpegLs)
                                              : static_cast<const DcmRepresentationParameter*>(&rle);
    const OFCondition encoded = dataset.chooseRepresentation(xfer, parameter);
    if (encoded.bad() || !dataset.canWriteXfer(xfer)) {
      return Error{"cannot compress " + path.string() + " to " + DcmXfer(xfer).getXferName() + ": " + encoded.text()};
    }
  }
  const OFCondition written = file.saveFile(path.string().c_str(), xfer, EET_ExplicitLength);
  if (written.bad()) return Error{"cannot write " + path.string() + ": " + written.text()};
  return Status::success();
}

Status writeXa(const PhantomOptions& o, const PhantomTruth& truth, const fs::path& path) {
  DcmFileFormat file;
  DcmDataset& dataset = *file.getDataset();
  Header header(dataset);
  putCommon(header, truth);
  putXaHeader(header, o, truth);
  if (!header.ok()) return Error{path.string() + ": " + header.error()};

  const XaScene scene(o, truth.xa);
  const std::size_t frameSize = static_cast<std::size_t>(truth.xa.columns) * truth.xa.rows;
  const std::size_t count = frameSize * truth.xa.frames;
  std::string error;
  auto renderAll = [&](auto* buffer) {
    parallelFor(truth.xa.frames, workerCount(0, truth.xa.frames),
                [&](int i, unsigned) { scene.renderFrame(i + 1, buffer + frameSize * i); });
  };
  if (o.xaBitsAllocated == 16) {
    if (auto* buffer = addPixelData<Uint16>(dataset, count, error)) renderAll(buffer);
  } else {
    if (auto* buffer = addPixelData<Uint8>(dataset, count, error)) renderAll(buffer);
  }
  if (!error.empty()) return Error{path.string() + ": " + error};
  return save(file, o.syntax, path);
}

std::string sliceFileName(int slice) {
  char name[32];
  std::snprintf(name, sizeof name, "IM%04d.dcm", slice);
  return name;
}

Status writeMr(const PhantomOptions& o, const PhantomTruth& truth, const fs::path& dir) {
  const MrScene scene(o, truth.mr);
  const std::size_t sliceSize = static_cast<std::size_t>(truth.mr.columns) * truth.mr.rows;
  // Render a batch of slices in parallel, then encode and write them in order:
  // DCMTK's codecs are shared process state, so saving stays on this thread.
  const int batch = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int first = 1; first <= truth.mr.slices; first += batch) {
    const int count = std::min(batch, truth.mr.slices - first + 1);
    std::vector<std::unique_ptr<DcmFileFormat>> files;
    std::vector<Uint16*> buffers;
    for (int i = 0; i < count; ++i) {
      const int slice = first + i;
      auto file = std::make_unique<DcmFileFormat>();
      Header header(*file->getDataset());
      putCommon(header, truth);
      putMrHeader(
          header, truth, slice,
          {phantom_detail::mrStoresTemplateValues(o.mr), o.mr.valueScale, o.mr.rescaleSlope, o.mr.rescaleIntercept});
      const fs::path path = dir / sliceFileName(slice);
      if (!header.ok()) return Error{path.string() + ": " + header.error()};
      std::string error;
      Uint16* buffer = addPixelData<Uint16>(*file->getDataset(), sliceSize, error);
      if (buffer == nullptr) return Error{path.string() + ": " + error};
      buffers.push_back(buffer);
      files.push_back(std::move(file));
    }
    parallelFor(count, workerCount(0, count), [&](int i, unsigned) { scene.renderSlice(first + i, buffers[i]); });
    for (int i = 0; i < count; ++i) {
      if (Status st = save(*files[i], o.syntax, dir / sliceFileName(first + i)); !st.ok()) return st;
    }
  }
  return Status::success();
}

std::string validate(const PhantomOptions& o) {
  if (o.xaSize < 32 || o.xaSize > 4096) return "xaSize must be in 32..4096";
  if (o.xaFrames < 1 || o.xaFrames > 4000) return "xaFrames must be in 1..4000";
  if (o.xaBitsAllocated != 8 && o.xaBitsAllocated != 16) return "xaBitsAllocated must be 8 or 16";
  const double xaBytes = double(o.xaSize) * o.xaSize * o.xaFrames * (o.xaBitsAllocated / 8);
  if (xaBytes > 4.0e9) return "the cine is larger than DICOM's 4 GB pixel data limit";
  if (!(o.frameTimeMs > 0 && o.frameTimeMs < 1e5)) return "frameTimeMs must be positive";
  if (!(o.noiseScale >= 0 && o.noiseScale < 100)) return "noiseScale must be in 0..100";
  if (o.mrSize < 32 || o.mrSize > 4096) return "mrSize must be in 32..4096";
  if (o.mrSlices < 1 || o.mrSlices > 9999) return "mrSlices must be in 1..9999";
  if (o.mr.pixelMm < 0 || o.mr.sliceMm < 0) return "mr.pixelMm and mr.sliceMm must not be negative";
  if (!(o.mr.valueScale > 0) || o.mr.rescaleSlope == 0) return "mr.valueScale and mr.rescaleSlope must be non-zero";
  return {};
}

Status ensureDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{"cannot create directory " + dir.string() + ": " + ec.message()};
  return Status::success();
}

}  // namespace

Result<PhantomTruth> writePhantom(const PhantomOptions& options, const std::string& dir) {
  if (const std::string problem = validate(options); !problem.empty()) {
    return Error{"phantom options for " + dir + ": " + problem};
  }
  PhantomTruth truth = phantomTruth(options);
  const fs::path root(dir);
  if (options.writeXa) {
    if (Status st = ensureDirectory(root / "xa"); !st.ok()) return Error{st.message()};
    if (Status st = writeXa(options, truth, root / "xa" / "annulogram.dcm"); !st.ok()) return Error{st.message()};
  }
  if (options.writeMr) {
    if (Status st = ensureDirectory(root / "mr"); !st.ok()) return Error{st.message()};
    if (Status st = writeMr(options, truth, root / "mr"); !st.ok()) return Error{st.message()};
  }
  if (Status st = ensureDirectory(root); !st.ok()) return Error{st.message()};
  const fs::path jsonPath = root / "truth.json";
  std::ofstream out(jsonPath, std::ios::binary | std::ios::trunc);
  out << toJson(truth);
  out.close();
  if (!out) return Error{"cannot write " + jsonPath.string()};
  return truth;
}

}  // namespace annulo
