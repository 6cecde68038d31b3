#include "PixelReader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "ColourDepth.h"
#include "FrameDecoder.h"

namespace annulo {
namespace {

// Unused high bits may hold overlays or garbage (PS3.5 8.1.1): keep BitsStored
// bits below HighBit and sign-extend signed data.
template <typename U, typename S>
void confineBits(std::uint8_t* data, std::size_t n, int bitsStored, int highBit, bool isSigned) {
  const int shift = highBit + 1 - bitsStored;
  const U mask = U((U(1) << bitsStored) - 1);
  U* p = reinterpret_cast<U*>(data);
  if (!isSigned && shift == 0) {
    // Usually the unused bits are already zero: a read-only check is cheaper
    // than rewriting (and dirtying) every page.
    U stray = 0;
    for (std::size_t i = 0; i < n; ++i) stray |= U(p[i] & U(~mask));
    if (stray == 0) return;
  }
  if (!isSigned) {
    for (std::size_t i = 0; i < n; ++i) p[i] = U((p[i] >> shift) & mask);
    return;
  }
  const int up = int(sizeof(U) * 8) - bitsStored;
  for (std::size_t i = 0; i < n; ++i) {
    const U v = U((p[i] >> shift) & mask);
    p[i] = U(S(U(v << up)) >> up);
  }
}

void confine(const FileHeader& h, std::uint8_t* data, std::size_t samples) {
  if (h.bitsStored >= h.bitsAllocated && h.highBit == h.bitsAllocated - 1) return;
  const bool s = h.pixelRepresentation == 1;
  switch (h.bitsAllocated) {
    case 8:
      confineBits<std::uint8_t, std::int8_t>(data, samples, h.bitsStored, h.highBit, s);
      break;
    case 16:
      confineBits<std::uint16_t, std::int16_t>(data, samples, h.bitsStored, h.highBit, s);
      break;
    case 32:
      confineBits<std::uint32_t, std::int32_t>(data, samples, h.bitsStored, h.highBit, s);
      break;
    default:
      break;
  }
}

std::uint8_t clamp255(double v) { return std::uint8_t(std::clamp(v + 0.5, 0.0, 255.0)); }

// PS3.3 C.7.6.3.1.2: YBR_FULL to RGB.
void ybrFullToRgb(std::uint8_t* p, std::size_t pixels) {
  for (std::size_t i = 0; i < pixels; ++i, p += 3) {
    const double y = p[0], cb = p[1] - 128.0, cr = p[2] - 128.0;
    p[0] = clamp255(y + 1.402 * cr);
    p[1] = clamp255(y - 0.344136 * cb - 0.714136 * cr);
    p[2] = clamp255(y + 1.772 * cb);
  }
}

void planarToInterleaved(std::uint8_t* frame, std::size_t pixels, std::vector<std::uint8_t>& scratch) {
  scratch.assign(frame, frame + 3 * pixels);
  for (std::size_t i = 0; i < pixels; ++i)
    for (int c = 0; c < 3; ++c) frame[3 * i + std::size_t(c)] = scratch[std::size_t(c) * pixels + i];
}

void fixColour(const std::string& model, int planar, std::uint8_t* frame, std::size_t pixels,
               std::vector<std::uint8_t>& scratch) {
  if (planar == 1) planarToInterleaved(frame, pixels, scratch);
  if (model == "YBR_FULL" || model == "YBR_FULL_422") ybrFullToRgb(frame, pixels);
}

void swapBytes(std::uint8_t* data, std::size_t bytes, int width) {
  if (width == 2)
    for (std::size_t i = 0; i + 1 < bytes; i += 2) std::swap(data[i], data[i + 1]);
  if (width == 4)
    for (std::size_t i = 0; i + 3 < bytes; i += 4) {
      std::swap(data[i], data[i + 3]);
      std::swap(data[i + 1], data[i + 2]);
    }
}

// Straight from the file into the series buffer: one pread per piece, no
// DCMTK stream, safe from several threads.
Status readDirect(const FileHeader& h, int first, int count, std::uint8_t* dst) {
  const std::uint64_t frameBytes = h.frameBytes();
  const std::uint64_t offset = *h.pixelOffset + frameBytes * std::uint64_t(first);
  const std::uint64_t bytes = frameBytes * std::uint64_t(count);
  const int fd = ::open(h.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return makeError("cannot reopen file (" + std::string(std::strerror(errno)) + ")");
  std::uint64_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pread(fd, dst + done, std::size_t(bytes - done), off_t(offset + done));
    if (n <= 0) {
      ::close(fd);
      return makeError(n == 0 ? "file ended inside the pixel data (truncated)"
                              : "cannot read pixel data (" + std::string(std::strerror(errno)) + ")");
    }
    done += std::uint64_t(n);
  }
  ::close(fd);
  if (h.pixelBigEndian && h.bitsAllocated > 8) swapBytes(dst, std::size_t(bytes), h.bitsAllocated / 8);
  return {};
}

Status readNative(FileHeader& h, int first, int count, std::uint8_t* dst, bool privateHandle) {
  if (h.pixelOffset) return readDirect(h, first, count, dst);
  // DCMTK elements are not safe to read from two threads at once (seen: wrong
  // frames on a big-endian file), so a piece of a shared file gets its own parse.
  DcmFileFormat own;
  DcmDataset* ds = h.file->getDataset();
  if (privateHandle) {
    const OFCondition c = own.loadFile(h.path.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect);
    if (c.bad()) return makeError("cannot reopen file (" + std::string(c.text()) + ")");
    ds = own.getDataset();
  }
  DcmElement* e = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, e).bad() || !e) return makeError("pixel data vanished");
  const std::uint64_t frameBytes = h.frameBytes();
  const std::uint64_t offset = frameBytes * std::uint64_t(first);
  const std::uint64_t bytes = frameBytes * std::uint64_t(count);
  if (offset + bytes > 0xFFFFFFFFull) return makeError("native pixel data beyond 4 GiB");
  DcmFileCache cache;
  // Large native values are not in memory: DCMTK reads them from the file into
  // our buffer, swapping to host byte order, with no intermediate copy.
  const OFCondition c = e->getPartialValue(dst, Uint32(offset), Uint32(bytes), &cache, gLocalByteOrder);
  if (c.bad()) return makeError("cannot read pixel data (" + std::string(c.text()) + ")");
  return {};
}

void fixDecodedColour(const FileHeader& h, const std::string& model, std::uint8_t* frame,
                      std::vector<std::uint8_t>& scratch) {
  if (h.samplesPerPixel != 3 || h.bitsAllocated != 8) return;  // 16-bit: after ColourDepth
  // JPEG decoders hand back colour-by-pixel; RLE keeps the stored planes.
  const bool rle = h.xfer == EXS_RLELossless;
  fixColour(model, rle ? 1 : 0, frame, std::size_t(h.rows) * std::size_t(h.columns), scratch);
}

// Frame by frame on this thread's own decoder: any number of threads may do
// this on one file at once (see FrameDecoder.cpp for why that is safe).
Status readMapped(const FileHeader& h, const EncapsulatedFrames& map, int first, int count, std::uint8_t* dst) {
  FrameDecoder decoder(h, map);
  std::vector<std::uint8_t> scratch;
  for (int f = first; f < first + count; ++f) {
    std::uint8_t* out = dst + h.frameBytes() * std::uint64_t(f - first);
    std::string model;
    if (Status st = decoder.decode(f, out, model); !st) return st;
    fixDecodedColour(h, model, out, scratch);
  }
  return {};
}

// DCMTK's own sequential path, for files whose fragments we could not map:
// only one thread may use the file's dataset.
Status readEncapsulated(FileHeader& h, int first, int count, std::uint8_t* dst) {
  DcmElement* e = nullptr;
  DcmDataset* ds = h.file->getDataset();
  if (ds->findAndGetElement(DCM_PixelData, e).bad() || !e) return makeError("pixel data vanished");
  auto* pd = static_cast<DcmPixelData*>(e);
  Uint32 needed = 0;
  if (pd->getUncompressedFrameSize(ds, needed).bad()) return makeError("cannot size a decompressed frame");
  const std::uint64_t frameBytes = h.frameBytes();
  std::vector<std::uint8_t> odd;  // only when the codec pads a frame to even length
  if (needed > frameBytes) odd.resize(needed);
  DcmFileCache cache;
  Uint32 fragment = 0;
  std::vector<std::uint8_t> scratch;
  for (int f = first; f < first + count; ++f) {
    std::uint8_t* out = dst + frameBytes * std::uint64_t(f - first);
    OFString model;
    std::uint8_t* target = odd.empty() ? out : odd.data();
    const Uint32 size = odd.empty() ? Uint32(frameBytes) : needed;
    // Decoding straight into the series buffer avoids a second copy of the frame.
    const OFCondition c = pd->getUncompressedFrame(ds, Uint32(f), fragment, target, size, model, &cache);
    if (c.bad()) return makeError("cannot decode frame " + std::to_string(f + 1) + " (" + std::string(c.text()) + ")");
    if (!odd.empty()) std::memcpy(out, odd.data(), frameBytes);
    fixDecodedColour(h, model.c_str(), out, scratch);
  }
  return {};
}

}  // namespace

SampleType sampleTypeOf(const FileHeader& h) {
  if (h.samplesPerPixel == 3) return SampleType::UInt8;  // colour is 8-bit RGB in the series (ColourDepth.h)
  const bool s = h.pixelRepresentation == 1;
  switch (h.bitsAllocated) {
    case 8:
      return s ? SampleType::Int8 : SampleType::UInt8;
    case 16:
      return s ? SampleType::Int16 : SampleType::UInt16;
    default:
      return s ? SampleType::Int32 : SampleType::UInt32;
  }
}

Status readFrames(FileHeader& h, int first, int count, std::uint8_t* dst, bool privateHandle,
                  const EncapsulatedFrames* frames) {
  if (first < 0 || count < 0 || first + count > h.numberOfFrames) return makeError("frame index out of range");
  auto readRaw = [&](std::uint8_t* out) {
    return !h.encapsulated ? readNative(h, first, count, out, privateHandle)
           : frames        ? readMapped(h, *frames, first, count, out)
                           : readEncapsulated(h, first, count, out);
  };
  const bool converted = needsColourConversion(h);
  Status st = converted ? readConvertedColour(h, count, dst, readRaw) : readRaw(dst);
  if (!st) return st;
  const std::size_t pixels = std::size_t(h.rows) * std::size_t(h.columns);
  if (h.samplesPerPixel == 3 && (!h.encapsulated || converted)) {
    std::vector<std::uint8_t> scratch;
    // RLE keeps the stored planes (PS3.5 G.2); 4:2:2 was expanded to interleaved.
    const int planar = h.encapsulated ? 1 : (h.photometric == "YBR_FULL_422" ? 0 : h.planarConfiguration);
    for (int f = 0; f < count; ++f)
      fixColour(h.photometric, planar, dst + seriesFrameBytes(h) * std::uint64_t(f), pixels, scratch);
  }
  // Compressed streams carry no overlay bits, and some (seen: JPEG lossless
  // with precision 16 under BitsStored 8) hold real values above BitsStored:
  // keep them, only sign-extend signed data.
  if (h.samplesPerPixel == 1 && (!h.encapsulated || h.pixelRepresentation == 1))
    confine(h, dst, pixels * std::size_t(count));
  return {};
}

}  // namespace annulo
