#include "deid/PixelBlanker.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <string>

#include "dicom/Codecs.h"

namespace annulo::deid {
namespace {

struct Layout {
  long rows = 0, columns = 0, frames = 1, samples = 1, bits = 0, stored = 0;
  bool planar = false;
  std::string photometric;
};

Result<Layout> layoutOf(DcmDataset& ds) {
  Layout l;
  Uint16 v = 0;
  if (ds.findAndGetUint16(DCM_Rows, v).bad() || v == 0) return makeError("no Rows");
  l.rows = v;
  if (ds.findAndGetUint16(DCM_Columns, v).bad() || v == 0) return makeError("no Columns");
  l.columns = v;
  if (ds.findAndGetUint16(DCM_BitsAllocated, v).bad()) return makeError("no Bits Allocated");
  l.bits = v;
  l.stored = ds.findAndGetUint16(DCM_BitsStored, v).good() ? v : l.bits;
  l.samples = ds.findAndGetUint16(DCM_SamplesPerPixel, v).good() ? v : 1;
  l.planar = ds.findAndGetUint16(DCM_PlanarConfiguration, v).good() && v == 1;
  Sint32 frames = 1;
  if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).good() && frames > 0) l.frames = frames;
  OFString pi;
  ds.findAndGetOFString(DCM_PhotometricInterpretation, pi);
  l.photometric = pi.c_str();
  if (l.bits != 8 && l.bits != 16)
    return makeError("Bits Allocated " + std::to_string(l.bits) + " (only 8 and 16 can be blanked)");
  return l;
}

// The "black" sample value of channel `c`.
unsigned blackValue(const Layout& l, long c) {
  if (l.photometric == "MONOCHROME1") return (1u << l.stored) - 1;
  if (l.photometric.rfind("YBR", 0) == 0 && c > 0) return 1u << (l.stored - 1);
  return 0;
}

template <typename T>
void blank(T* data, const Layout& l, long x0, long y0, long x1, long y1) {
  const long frameSamples = l.rows * l.columns * l.samples;
  for (long f = 0; f < l.frames; ++f) {
    T* frame = data + f * frameSamples;
    for (long c = 0; c < l.samples; ++c) {
      const T black = T(blackValue(l, c));
      for (long y = y0; y < y1; ++y)
        for (long x = x0; x < x1; ++x) {
          const long i = l.planar ? c * l.rows * l.columns + y * l.columns + x : (y * l.columns + x) * l.samples + c;
          frame[i] = black;
        }
    }
  }
}

}  // namespace

bool mayHaveBurnedInText(const std::string& modality, const std::string& sopClassUid) {
  return modality == "XA" || modality == "RF" || modality == "US" || modality == "SC" || modality == "OT" ||
         sopClassUid.rfind("1.2.840.10008.5.1.4.1.1.7", 0) == 0;  // Secondary Capture family
}

Status blankRectangles(DcmDataset& ds, const std::vector<BlankRect>& rects) {
  ensureDecodersRegistered();
  if (!ds.tagExists(DCM_PixelData)) return makeError("no Pixel Data to blank");
  if (ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad() || !ds.canWriteXfer(EXS_LittleEndianExplicit))
    return makeError("pixel data cannot be decoded, so burned-in text cannot be blanked");
  auto layout = layoutOf(ds);
  if (!layout) return makeError("cannot blank: " + layout.message());
  const Layout& l = *layout;
  DcmElement* px = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, px).bad() || !px) return makeError("no Pixel Data to blank");
  const unsigned long need = (unsigned long)(l.rows * l.columns * l.samples * l.frames * (l.bits / 8));
  if (px->getLength() < need) return makeError("Pixel Data shorter than Rows x Columns x frames");
  for (const BlankRect& r : rects) {
    const long x0 = std::max(0L, long(r.x)), y0 = std::max(0L, long(r.y));
    const long x1 = std::min(l.columns, long(r.x) + r.width), y1 = std::min(l.rows, long(r.y) + r.height);
    if (x0 >= x1 || y0 >= y1)
      return makeError("blank rectangle " + std::to_string(r.x) + "," + std::to_string(r.y) + "," +
                       std::to_string(r.width) + "," + std::to_string(r.height) + " lies outside the " +
                       std::to_string(l.columns) + "x" + std::to_string(l.rows) + " image");
    if (l.bits == 8) {
      Uint8* data = nullptr;
      if (px->getUint8Array(data).bad() || !data) return makeError("Pixel Data not readable as bytes");
      blank(data, l, x0, y0, x1, y1);
    } else {
      Uint16* data = nullptr;
      if (px->getUint16Array(data).bad() || !data) return makeError("Pixel Data not readable as words");
      blank(data, l, x0, y0, x1, y1);
    }
  }
  return {};
}

}  // namespace annulo::deid
