#include "ColourDepth.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace annulo {
namespace {

bool is422Native(const FileHeader& h) { return !h.encapsulated && h.photometric == "YBR_FULL_422"; }
bool wideColour(const FileHeader& h) { return h.samplesPerPixel == 3 && h.bitsAllocated == 16; }

// BitsStored bits below HighBit (PS3.5 8.1.1), scaled so 0 and the largest
// storable value stay black and full intensity: v * 255 / (2^BitsStored - 1).
void scaleTo8(const std::uint16_t* in, std::size_t n, int bitsStored, int highBit, std::uint8_t* out) {
  const int shift = highBit + 1 - bitsStored;
  const std::uint32_t mask = (1u << bitsStored) - 1;
  const double scale = 255.0 / double(mask);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::uint8_t(std::lround(double((in[i] >> shift) & mask) * scale));
}

// Y1 Y2 Cb Cr per pixel pair -> Y Cb Cr per pixel.
void expand422(const std::uint8_t* in, std::size_t pixels, std::uint8_t* out) {
  for (std::size_t p = 0; p + 1 < pixels; p += 2, in += 4, out += 6) {
    out[0] = in[0];
    out[1] = in[2];
    out[2] = in[3];
    out[3] = in[1];
    out[4] = in[2];
    out[5] = in[3];
  }
}

}  // namespace

bool needsColourConversion(const FileHeader& h) { return wideColour(h) || is422Native(h); }

Status checkColourLayout(const FileHeader& h) {
  if (h.samplesPerPixel != 3) return {};
  if (h.bitsAllocated != 8 && h.bitsAllocated != 16)
    return makeError("colour with BitsAllocated " + std::to_string(h.bitsAllocated));
  if (h.pixelRepresentation != 0) return makeError("colour with signed samples (PixelRepresentation 1)");
  if (h.bitsAllocated == 16 && h.photometric != "RGB")
    return makeError(h.photometric + " with 16 bits per sample is not supported (only RGB)");
  if (h.bitsAllocated == 16 && h.encapsulated && h.xfer != EXS_RLELossless)
    return makeError("16-bit colour in " + transferSyntaxName(h.xferUid) + " is not supported (native and RLE are)");
  if (is422Native(h)) {
    if (h.columns % 2 != 0)
      return makeError("YBR_FULL_422 with an odd number of columns (" + std::to_string(h.columns) + ")");
    if (h.bitsAllocated != 8) return makeError("YBR_FULL_422 with BitsAllocated " + std::to_string(h.bitsAllocated));
    if (h.planarConfiguration != 0)
      return makeError("YBR_FULL_422 with PlanarConfiguration 1 (PS3.3 C.7.6.3.1.3 requires 0)");
  }
  return {};
}

std::optional<std::string> colourConversionNote(const FileHeader& h) {
  if (!wideColour(h)) return std::nullopt;
  return "16-bit colour shown at 8 bits per sample: each value scaled by 255 / " +
         std::to_string((1u << h.bitsStored) - 1) + " (BitsStored " + std::to_string(h.bitsStored) + ")";
}

std::uint64_t seriesFrameBytes(const FileHeader& h) {
  if (h.samplesPerPixel == 3) return std::uint64_t(h.rows) * std::uint64_t(h.columns) * 3;
  return h.frameBytes();
}

Status readConvertedColour(const FileHeader& h, int count, std::uint8_t* dst,
                           const std::function<Status(std::uint8_t*)>& readRaw) {
  std::vector<std::uint8_t> raw;
  try {
    raw.resize(std::size_t(h.frameBytes()) * std::size_t(count));
  } catch (const std::bad_alloc&) {
    return makeError("out of memory for a colour conversion buffer");
  }
  if (Status s = readRaw(raw.data()); !s) return s;
  const std::size_t pixels = std::size_t(h.rows) * std::size_t(h.columns);
  for (int f = 0; f < count; ++f) {
    const std::uint8_t* in = raw.data() + std::size_t(h.frameBytes()) * std::size_t(f);
    std::uint8_t* out = dst + std::size_t(seriesFrameBytes(h)) * std::size_t(f);
    if (wideColour(h)) {
      std::vector<std::uint16_t> samples(pixels * 3);
      std::memcpy(samples.data(), in, samples.size() * 2);  // host order: the readers swapped already
      scaleTo8(samples.data(), samples.size(), h.bitsStored, h.highBit, out);
    } else {
      expand422(in, pixels, out);
    }
  }
  return {};
}

}  // namespace annulo
