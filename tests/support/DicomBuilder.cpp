#include "support/DicomBuilder.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcvrat.h>

#include <sstream>
#include <stdexcept>

namespace annulo::test {
namespace {

std::string joined(const double* v, std::size_t n) {
  std::ostringstream s;
  s.precision(10);
  for (std::size_t i = 0; i < n; ++i) s << (i ? "\\" : "") << v[i];
  return s.str();
}

void put(DcmDataset* ds, const DcmTagKey& tag, const std::string& v) {
  if (ds->putAndInsertString(tag, v.c_str()).bad())
    throw std::runtime_error("cannot set " + std::string(tag.toString().c_str()));
}

std::vector<std::uint8_t> pixelBytes(const ImageSpec& s) {
  const std::size_t bpp = std::size_t(s.bitsAllocated / 8) * (s.photometric == "RGB" ? 3 : 1);
  std::vector<std::uint8_t> out(std::size_t(s.rows) * std::size_t(s.columns) * std::size_t(s.frames) * bpp);
  std::size_t i = 0;
  for (int f = 0; f < s.frames; ++f)
    for (int r = 0; r < s.rows; ++r)
      for (int c = 0; c < s.columns; ++c)
        for (std::size_t k = 0; k < bpp / std::size_t(s.bitsAllocated / 8); ++k) {
          const std::uint32_t v = s.value(f, r, c) + std::uint32_t(k);
          for (int b = 0; b < s.bitsAllocated / 8; ++b) out[i++] = std::uint8_t(v >> (8 * b));
        }
  return out;
}

}  // namespace

void writeImage(const ImageSpec& s, const std::string& path) {
  DcmFileFormat ff;
  DcmDataset* ds = ff.getDataset();
  const std::string sop =
      s.sopInstanceUid.empty() ? s.seriesUid + "." + std::to_string(s.instanceNumber) : s.sopInstanceUid;
  put(ds, DCM_SOPClassUID, s.sopClassUid);
  put(ds, DCM_SOPInstanceUID, sop);
  put(ds, DCM_StudyInstanceUID, s.studyUid);
  put(ds, DCM_SeriesInstanceUID, s.seriesUid);
  put(ds, DCM_Modality, s.modality);
  put(ds, DCM_PatientName, "TEST^BUILDER");
  put(ds, DCM_PatientID, "T1");
  put(ds, DCM_SeriesNumber, "7");
  put(ds, DCM_InstanceNumber, std::to_string(s.instanceNumber));
  ds->putAndInsertUint16(DCM_Rows, Uint16(s.rows));
  ds->putAndInsertUint16(DCM_Columns, Uint16(s.columns));
  const bool rgb = s.photometric == "RGB";
  ds->putAndInsertUint16(DCM_SamplesPerPixel, rgb ? 3 : 1);
  if (rgb) ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
  put(ds, DCM_PhotometricInterpretation, s.photometric);
  ds->putAndInsertUint16(DCM_BitsAllocated, Uint16(s.bitsAllocated));
  ds->putAndInsertUint16(DCM_BitsStored, Uint16(s.bitsStored));
  ds->putAndInsertUint16(DCM_HighBit, Uint16(s.bitsStored - 1));
  ds->putAndInsertUint16(DCM_PixelRepresentation, Uint16(s.pixelRepresentation));
  if (s.frames > 1) put(ds, DCM_NumberOfFrames, std::to_string(s.frames));
  if (s.position) put(ds, DCM_ImagePositionPatient, joined(s.position->data(), 3));
  if (s.orientation) put(ds, DCM_ImageOrientationPatient, joined(s.orientation->data(), 6));
  if (s.pixelSpacing) put(ds, DCM_PixelSpacing, joined(s.pixelSpacing->data(), 2));
  if (s.imagerPixelSpacing) put(ds, DCM_ImagerPixelSpacing, joined(s.imagerPixelSpacing->data(), 2));
  if (s.sliceThickness > 0) put(ds, DCM_SliceThickness, joined(&s.sliceThickness, 1));
  if (s.writeRescale) {
    put(ds, DCM_RescaleSlope, joined(&s.slope, 1));
    put(ds, DCM_RescaleIntercept, joined(&s.intercept, 1));
  }
  if (s.frameTime > 0) {
    put(ds, DCM_FrameTime, joined(&s.frameTime, 1));
    ds->putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTime);
  }
  if (!s.frameTimeVector.empty()) {
    put(ds, DCM_FrameTimeVector, joined(s.frameTimeVector.data(), s.frameTimeVector.size()));
    ds->putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTimeVector);
  }
  if (s.cineRate > 0) put(ds, DCM_CineRate, std::to_string(int(s.cineRate)));
  if (s.magnification > 0) put(ds, DCM_EstimatedRadiographicMagnificationFactor, joined(&s.magnification, 1));
  if (s.sid > 0) put(ds, DCM_DistanceSourceToDetector, joined(&s.sid, 1));
  if (s.sod > 0) put(ds, DCM_DistanceSourceToPatient, joined(&s.sod, 1));
  if (!s.windows.empty()) {
    std::vector<double> c, w;
    for (auto& p : s.windows) {
      c.push_back(p[0]);
      w.push_back(p[1]);
    }
    put(ds, DCM_WindowCenter, joined(c.data(), c.size()));
    put(ds, DCM_WindowWidth, joined(w.data(), w.size()));
  }
  if (!s.omitPixelData) {
    std::vector<std::uint8_t> px = pixelBytes(s);
    px.resize(px.size() - std::min(px.size(), s.truncatePixels));
    if (px.size() % 2) px.push_back(0);
    if (s.bitsAllocated == 8)
      ds->putAndInsertUint8Array(DCM_PixelData, px.data(), px.size());
    else
      ds->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(px.data()), px.size() / 2);
  }
  const OFCondition c = ff.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (c.bad()) throw std::runtime_error(path + ": " + c.text());
}

}  // namespace annulo::test
