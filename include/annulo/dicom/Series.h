#pragma once
// A loaded image series: one contiguous pixel buffer (stored values, exactly as
// in the files, in host byte order) plus geometry and every identifier that a
// later SR, SEG or presentation state has to reference.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annulo/dicom/PixelBuffer.h"

class DcmDataset;

#include "annulo/base/Vec.h"

namespace annulo {

enum class SampleType { UInt8, Int8, UInt16, Int16, UInt32, Int32 };

std::size_t bytesPerSample(SampleType type);
const char* sampleTypeName(SampleType type);

// Which physical plane a pixel spacing refers to (PS3.3 C.8.19.6, 10.7.1.3).
// A projection image has no patient-plane spacing unless something calibrated it.
enum class Calibration {
  None,                    // no spacing in the header: lengths are in pixels
  PatientPlane,            // PixelSpacing of a cross-sectional image (CT, MR)
  Detector,                // ImagerPixelSpacing: at the detector, magnified
  MagnificationCorrected,  // ImagerPixelSpacing divided by the magnification factor
  Calibrated,              // PixelSpacing of a projection image with a calibration type
};
const char* calibrationName(Calibration c);

struct SpacingCalibration {
  Calibration kind = Calibration::None;
  std::array<double, 2> detectorSpacing{};  // ImagerPixelSpacing (row, column), mm
  double magnification = 0;                 // used for MagnificationCorrected, else 0
  std::string magnificationSource;          // which attribute(s) gave the factor
  std::string description;                  // one sentence for the user
};

struct WindowPreset {
  double center = 0;
  double width = 0;
  std::string explanation;
};

struct VoiLut {
  std::uint32_t entries = 0;
  std::int32_t firstMapped = 0;
  int bits = 0;
  std::vector<std::uint16_t> data;
  std::string explanation;
};

// One 2D image of the series: a slice of a volume or a frame of a cine.
struct SliceInfo {
  std::string file;
  std::string sopInstanceUid;
  std::string sopClassUid;
  int frameNumber = 1;  // 1-based within its SOP instance (DICOM Referenced Frame Number)
  int instanceNumber = 0;
  Vec3 position{};  // ImagePositionPatient (LPS, mm), when known
  double rescaleSlope = 1;
  double rescaleIntercept = 0;
  double timeMs = 0;  // from the start of the cine
};

struct PatientInfo {
  std::string name, id, birthDate, sex;
};

struct StudyInfo {
  std::string instanceUid, date, time, description, accessionNumber, id, referringPhysician;
};

struct SeriesInfo {
  std::string instanceUid, modality, description, bodyPart, laterality, frameOfReferenceUid;
  int number = 0;
};

struct EquipmentInfo {
  std::string manufacturer, model, institution, stationName, softwareVersions;
};

struct FrameTiming {
  std::vector<double> frameTimeMs;  // interval before each frame (first is 0)
  double nominalFrameTimeMs = 0;    // FrameTime, or derived
  double cineRate = 0;
  double recommendedDisplayFrameRate = 0;
  std::string source;  // "FrameTime", "FrameTimeVector", "CineRate", ...
};

class Series {
 public:
  // Identity and references.
  PatientInfo patient;
  StudyInfo study;
  SeriesInfo series;
  EquipmentInfo equipment;
  std::string sopClassUid;
  std::string transferSyntaxUid;
  std::string transferSyntaxName;
  std::string photometric;  // as read; colour is stored as RGB after decoding
  std::string patientOrientation;
  std::vector<SliceInfo> slices;

  // Pixel layout.
  int columns = 0;
  int rows = 0;
  int samplesPerPixel = 1;
  int bitsAllocated = 0;
  int bitsStored = 0;
  SampleType sampleType = SampleType::UInt16;
  bool multiFrame = false;  // slices are frames of one (or more) multi-frame objects

  // Geometry, patient coordinates (LPS, mm).
  Vec3 origin{};
  Vec3 spacing{1, 1, 1};  // column step, row step, slice step
  Mat3 direction{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  bool hasPatientGeometry = false;
  SpacingCalibration calibration;

  // Display.
  bool invertDisplay = false;  // MONOCHROME1
  std::vector<WindowPreset> windows;
  std::optional<VoiLut> voiLut;
  FrameTiming timing;

  std::vector<std::string> warnings;

  // Header of the first instance without its pixel data, for copying patient,
  // study and equipment modules into derived objects (SR, SEG, GSPS).
  std::shared_ptr<const DcmDataset> header;

  PixelBuffer pixels;

  std::size_t sliceCount() const { return slices.size(); }
  bool isColor() const { return samplesPerPixel == 3; }
  std::size_t sliceSamples() const { return std::size_t(columns) * std::size_t(rows) * std::size_t(samplesPerPixel); }
  std::size_t sliceBytes() const { return sliceSamples() * bytesPerSample(sampleType); }
  const std::uint8_t* sliceData(std::size_t slice) const { return pixels.data() + slice * sliceBytes(); }
  std::uint8_t* sliceData(std::size_t slice) { return pixels.data() + slice * sliceBytes(); }

  // Stored value of sample `index` within slice `slice` (index = (row*columns+col)*spp+s).
  double storedValue(std::size_t slice, std::size_t index) const;
  // Modality value (Modality LUT: rescale slope/intercept of that slice applied).
  double modalityValue(std::size_t slice, std::size_t index) const {
    const SliceInfo& s = slices[slice];
    return storedValue(slice, index) * s.rescaleSlope + s.rescaleIntercept;
  }

  // Patient position (LPS) of a pixel centre; (column, row) in pixels.
  Vec3 pixelToPatient(double column, double row, std::size_t slice) const;
  double frameRate() const;
};

struct ModalityStats {
  double min = 0, max = 0, mean = 0, sum = 0;
  std::size_t count = 0;
};
// Statistics of the modality values of all samples.
ModalityStats computeModalityStats(const Series& series);

}  // namespace annulo
