#pragma once
// Private: what one DICOM file's header says, read without its pixel data.

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo {

// Geometry and value transforms of one frame (classic files: one entry for the file).
struct FrameHeader {
  std::optional<Vec3> position;
  std::optional<std::array<double, 6>> orientation;
  std::optional<std::array<double, 2>> pixelSpacing;  // row spacing, column spacing
  double sliceThickness = 0;
  double spacingBetweenSlices = 0;
  double slope = 1, intercept = 0;
  std::vector<WindowPreset> windows;
  int temporalIndex = 0;
};

struct FileHeader {
  std::string path;
  std::unique_ptr<DcmFileFormat> file;  // kept open so pixel data can be read later
  E_TransferSyntax xfer = EXS_Unknown;
  std::string xferUid;
  bool encapsulated = false;
  bool enhanced = false;  // per-frame functional groups

  std::string sopClassUid, sopInstanceUid, frameOfReferenceUid;
  PatientInfo patient;
  StudyInfo study;
  SeriesInfo series;
  EquipmentInfo equipment;
  std::string patientOrientation;
  int instanceNumber = 0;

  int rows = 0, columns = 0, samplesPerPixel = 1;
  int bitsAllocated = 0, bitsStored = 0, highBit = 0, pixelRepresentation = 0;
  int planarConfiguration = 0;
  int numberOfFrames = 1;
  std::string photometric;
  std::uint64_t pixelDataLength = 0;  // native: bytes; encapsulated: bytes of all fragments
  // Native pixel data located in the file by our own probe (and agreeing with
  // DCMTK's length): frames are then read with pread, from any thread.
  std::optional<std::uint64_t> pixelOffset;
  bool pixelBigEndian = false;
  std::size_t fragments = 0;

  std::vector<FrameHeader> frames;  // numberOfFrames entries, or one shared by all

  // Projection calibration (PS3.3 C.8.7.10, C.8.19.6).
  std::optional<std::array<double, 2>> imagerPixelSpacing;
  std::optional<std::array<double, 2>> pixelSpacing;
  std::string pixelSpacingCalibrationType;
  double magnificationFactor = 0;
  double distanceSourceToDetector = 0;
  double distanceSourceToPatient = 0;
  std::string calibrationNote;  // why a spacing or factor in the header was not used

  // Cine timing (PS3.3 C.7.6.5).
  std::string frameIncrementPointer;
  double frameTime = 0;
  std::vector<double> frameTimeVector;
  double cineRate = 0;
  double recommendedDisplayFrameRate = 0;

  std::optional<VoiLut> voiLut;

  std::uint64_t fileSize = 0;
  std::vector<std::string> warnings;

  const FrameHeader& frame(int index) const {
    return frames.size() > std::size_t(index) ? frames[index] : frames.front();
  }
  // One frame as stored (native) or decoded (encapsulated). Native
  // YBR_FULL_422 holds two samples per pixel (PS3.3 C.7.6.3.1.2).
  std::uint64_t frameBytes() const {
    const int samples = (!encapsulated && photometric == "YBR_FULL_422") ? 2 : samplesPerPixel;
    return std::uint64_t(rows) * std::uint64_t(columns) * std::uint64_t(samples) * std::uint64_t(bitsAllocated / 8);
  }
};

// Reads and validates one file's header. The error message is the specific
// reason the file cannot be used, without the path (the caller reports it).
Result<FileHeader> readFileHeader(const std::string& path);

// Human name of a transfer syntax UID, or the UID itself.
std::string transferSyntaxName(const std::string& uid);

}  // namespace annulo
