#include "FrameDecoder.h"

// Thread safety of DCMTK 3.6.7's decoders, read in DCMTK's sources
// (github.com/DCMTK/dcmtk; dcmjpeg/libsrc/djcodecd.cc, dcmjpls/libsrc/djcodecd.cc,
// dcmjpls/libcharls/jpegls.cc, dcmdata/libsrc/dcrleccd.cc, dcmdata/include/dcmtk/dcmdata/dccodec.h):
// - DcmCodecList::decodeFrame holds a *read* lock on the codec list while the
//   codec runs (dccodec.h), so several decodes may run at once.
// - The codecs' decodeFrame keeps no state in the codec object: dcmjpeg creates
//   a new DJDecoder (its own IJG jpeg_decompress_struct) per call via
//   createDecoderInstance and deletes it; dcmjpls allocates the frame's bitstream
//   and a new JlsCodec per call, and CharLS's shared lookup tables
//   (decodingTables, rgquant*Ll, JlsContext::_tableC in jpegls.cc) are built
//   during static initialisation "to avoid threading issues" and only read
//   afterwards; the RLE codec decodes with a DcmRLEDecoder on its stack.
// - What is NOT safe to share: the pixel sequence and the dataset. Codecs call
//   DcmPixelSequence::getItem (DcmList::seek moves the list's cursor),
//   getUint8Array (loads a fragment into the item) and compact() on the items,
//   and dcmjpls writes PlanarConfiguration into the dataset of a colour image.
// - Not CharLS 2 (Debian libcharls2) for JPEG-LS: it exports the same legacy
//   C symbols as the CharLS 1.x inside DCMTK (JpegLsDecode, JpegLsReadHeader),
//   so linking it makes DCMTK's own JPEG-LS decoder call CharLS 2 with the old
//   structures (seen: heap corruption in chooseRepresentation); and on our
//   16/12-bit cine it saved only ~8 % CPU per frame.
// Hence one private one-item pixel sequence per frame and one private copy of
// the image pixel attributes per thread; the compressed bytes come from our
// own pread, never from a DcmElement shared with another thread.

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "FileProbe.h"

namespace annulo {
namespace {

constexpr std::uint32_t kUndefined = 0xFFFFFFFFu;

std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

bool preadAll(int fd, void* dst, std::size_t n, std::uint64_t at) {
  auto* out = static_cast<unsigned char*>(dst);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, out + done, n - done, off_t(at + done));
    if (r <= 0) return false;
    done += std::size_t(r);
  }
  return true;
}

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

struct Items {
  std::vector<std::uint8_t> offsetTable;  // the Basic Offset Table's value
  std::vector<std::uint64_t> relative;    // each fragment's item tag, from the first fragment's item tag
};

// PS3.5 A.4: Pixel Data of undefined length holds items (FFFE,E000), the
// first being the Basic Offset Table, ended by a Sequence Delimiter (FFFE,E0DD).
Status walkItems(int fd, std::uint64_t at, std::uint64_t fileSize, EncapsulatedFrames& out, Items& items) {
  bool first = true;
  std::uint64_t base = 0;
  for (std::size_t n = 0; n < 10'000'000; ++n) {
    unsigned char h[8];
    if (at + 8 > fileSize || !preadAll(fd, h, 8, at))
      return makeError("pixel data items end before the sequence delimiter");
    const unsigned group = unsigned(h[0]) | unsigned(h[1]) << 8, element = unsigned(h[2]) | unsigned(h[3]) << 8;
    const std::uint32_t len = le32(h + 4);
    if (group == 0xFFFE && element == 0xE0DD) return {};
    if (group != 0xFFFE || element != 0xE000) return makeError("unexpected element inside encapsulated pixel data");
    if (len == kUndefined || at + 8 + len > fileSize)
      return makeError("a pixel data fragment runs past the end of the file");
    if (first) {
      items.offsetTable.resize(len);
      if (len && !preadAll(fd, items.offsetTable.data(), len, at + 8))
        return makeError("cannot read the Basic Offset Table");
      base = at + 8 + len;
      first = false;
    } else {
      out.fragments.push_back({at + 8, len});
      items.relative.push_back(at - base);
    }
    at += 8 + std::uint64_t(len);
  }
  return makeError("too many pixel data items");
}

// Frame starts given as byte offsets (BOT or EOT) to fragment indices.
Status startsFromOffsets(const std::vector<std::uint64_t>& offsets, const Items& items, EncapsulatedFrames& out) {
  for (std::uint64_t off : offsets) {
    const auto it = std::lower_bound(items.relative.begin(), items.relative.end(), off);
    if (it == items.relative.end() || *it != off) return makeError(out.mappedBy + " points between fragments");
    const std::size_t index = std::size_t(it - items.relative.begin());
    if (!out.frameStart.empty() && index <= out.frameStart.back())
      return makeError(out.mappedBy + " is not increasing");
    out.frameStart.push_back(index);
  }
  if (out.frameStart.empty() || out.frameStart.front() != 0)
    return makeError(out.mappedBy + " does not start at the first fragment");
  return {};
}

std::vector<std::uint64_t> extendedOffsets(const FileHeader& h) {
  std::vector<std::uint64_t> v;
  if (!h.file) return v;
  DcmElement* e = nullptr;
  Uint64* values = nullptr;
  DcmDataset* ds = h.file->getDataset();
  if (ds->findAndGetElement(DCM_ExtendedOffsetTable, e).bad() || !e || e->getUint64Array(values).bad() || !values)
    return v;
  v.assign(values, values + e->getLength() / sizeof(Uint64));
  return v;
}

// PS3.5 A.4 (frames in fragments), 8.2.1 (JPEG), 8.2.3 (JPEG-LS): every frame's
// bitstream begins with an SOI marker, so with neither offset table the
// fragments that begin with FFD8 start the frames.
Status startsFromMarkers(int fd, const FileHeader& h, EncapsulatedFrames& out) {
  const bool jpegFamily = h.xfer != EXS_RLELossless;
  if (!jpegFamily) return makeError("RLE frames must be one fragment each (PS3.5 G.1)");
  for (std::size_t i = 0; i < out.fragments.size(); ++i) {
    unsigned char soi[2] = {};
    if (out.fragments[i].length >= 2 && !preadAll(fd, soi, 2, out.fragments[i].offset))
      return makeError("cannot read a fragment");
    if (soi[0] == 0xFF && soi[1] == 0xD8) out.frameStart.push_back(i);
  }
  if (int(out.frameStart.size()) != h.numberOfFrames || out.frameStart.front() != 0)
    return makeError("no offset table and " + std::to_string(out.frameStart.size()) + " JPEG start markers for " +
                     std::to_string(h.numberOfFrames) + " frames in " + std::to_string(out.fragments.size()) +
                     " fragments");
  return {};
}

Status mapStarts(int fd, const FileHeader& h, const Items& items, EncapsulatedFrames& out) {
  const std::size_t frames = std::size_t(h.numberOfFrames);
  const std::vector<std::uint64_t> eot = extendedOffsets(h);
  if (!eot.empty()) {
    out.mappedBy = "Extended Offset Table";
    if (eot.size() != frames)
      return makeError("Extended Offset Table has " + std::to_string(eot.size()) + " entries for " +
                       std::to_string(frames) + " frames");
    return startsFromOffsets(eot, items, out);
  }
  if (items.offsetTable.size() == 4 * frames) {
    out.mappedBy = "Basic Offset Table";
    std::vector<std::uint64_t> bot(frames);
    for (std::size_t f = 0; f < frames; ++f) bot[f] = le32(items.offsetTable.data() + 4 * f);
    return startsFromOffsets(bot, items, out);
  }
  if (frames == 1 || out.fragments.size() == frames) {
    out.mappedBy = frames == 1 ? "single frame" : "one fragment per frame";
    for (std::size_t f = 0; f < frames; ++f) out.frameStart.push_back(frames == 1 ? 0 : f);
    return {};
  }
  out.mappedBy = "JPEG start-of-image markers";
  return startsFromMarkers(fd, h, out);
}

// When our probe cannot walk the header (unusual encodings of private data),
// DCMTK's parse still gives every item's length. Pixel Data is nearly always
// the last element, so the items end 8 bytes (the delimiter) before the end of
// the file (or before trailing padding, which we do not chase).
std::optional<std::uint64_t> startFromEnd(const FileHeader& h, int fd) {
  if (!h.file) return std::nullopt;
  DcmDataset* ds = h.file->getDataset();
  DcmElement* e = nullptr;
  DcmPixelSequence* seq = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, e).bad() || !e ||
      static_cast<DcmPixelData*>(e)->getEncapsulatedRepresentation(h.xfer, nullptr, seq).bad() || !seq)
    return std::nullopt;
  std::uint64_t total = 8;  // sequence delimiter
  Uint32 botLength = 0;
  for (unsigned long i = 0; i < seq->card(); ++i) {
    DcmPixelItem* it = nullptr;
    if (seq->getItem(it, i).bad() || !it) return std::nullopt;
    total += 8 + std::uint64_t(it->getLengthField());
    if (i == 0) botLength = it->getLengthField();
  }
  if (total > h.fileSize) return std::nullopt;
  const std::uint64_t at = h.fileSize - total;
  unsigned char head[8];
  if (!preadAll(fd, head, 8, at) || head[0] != 0xFE || head[1] != 0xFF || head[2] != 0x00 || head[3] != 0xE0 ||
      le32(head + 4) != botLength)
    return std::nullopt;
  return at;
}

// The attributes the codecs read (PS3.3 C.7.6.3 Image Pixel Module), as one frame.
std::unique_ptr<DcmItem> imageModuleOf(const FileHeader& h) {
  auto item = std::make_unique<DcmItem>();
  item->putAndInsertUint16(DCM_SamplesPerPixel, Uint16(h.samplesPerPixel));
  item->putAndInsertUint16(DCM_Rows, Uint16(h.rows));
  item->putAndInsertUint16(DCM_Columns, Uint16(h.columns));
  item->putAndInsertUint16(DCM_BitsAllocated, Uint16(h.bitsAllocated));
  item->putAndInsertUint16(DCM_BitsStored, Uint16(h.bitsStored));
  item->putAndInsertUint16(DCM_HighBit, Uint16(h.highBit));
  item->putAndInsertUint16(DCM_PixelRepresentation, Uint16(h.pixelRepresentation));
  item->putAndInsertString(DCM_PhotometricInterpretation, h.photometric.c_str());
  if (h.samplesPerPixel > 1) item->putAndInsertUint16(DCM_PlanarConfiguration, Uint16(h.planarConfiguration));
  item->putAndInsertString(DCM_SOPClassUID, h.sopClassUid.c_str());
  item->putAndInsertString(DCM_NumberOfFrames, "1");
  return item;
}

}  // namespace

Result<EncapsulatedFrames> mapEncapsulatedFrames(const FileHeader& h) {
  if (!h.encapsulated) return makeError("not encapsulated");
  const Fd fd(h.path);
  if (fd.get() < 0) return makeError("cannot reopen file (" + std::string(std::strerror(errno)) + ")");
  auto probe = probeFile(h.path, h.fileSize);
  std::optional<std::uint64_t> start = probe ? probe->encapsulatedOffset : std::nullopt;
  if (!start) start = startFromEnd(h, fd.get());
  if (!start) return makeError("encapsulated pixel data not found in the file");
  EncapsulatedFrames out;
  Items items;
  if (Status s = walkItems(fd.get(), *start, h.fileSize, out, items); !s) return s.error();
  if (out.fragments.empty()) return makeError("compressed pixel data has no fragments");
  if (h.numberOfFrames < 1) return makeError("no frames");
  if (Status s = mapStarts(fd.get(), h, items, out); !s) return s.error();
  out.frameStart.push_back(out.fragments.size());
  // DCMTK sizes a decoded frame from the header (rounded to even length).
  Uint32 needed = 0;
  if (h.file) {
    DcmElement* e = nullptr;
    DcmDataset* ds = h.file->getDataset();
    if (ds->findAndGetElement(DCM_PixelData, e).good() && e)
      static_cast<DcmPixelData*>(e)->getUncompressedFrameSize(ds, needed);
  }
  out.decodedFrameBytes = std::max<Uint32>(needed, Uint32(h.frameBytes()));
  return out;
}

FrameDecoder::FrameDecoder(const FileHeader& h, const EncapsulatedFrames& frames)
    : header_(h), frames_(frames), fd_(::open(h.path.c_str(), O_RDONLY | O_CLOEXEC)), imageModule_(imageModuleOf(h)) {}

FrameDecoder::~FrameDecoder() {
  if (fd_ >= 0) ::close(fd_);
}

Status FrameDecoder::decode(int frame, std::uint8_t* dst, std::string& model) {
  if (fd_ < 0) return makeError("cannot reopen file (" + std::string(std::strerror(errno)) + ")");
  if (frame < 0 || frame >= frames_.frames()) return makeError("frame index out of range");
  const std::size_t first = frames_.frameStart[std::size_t(frame)], last = frames_.frameStart[std::size_t(frame) + 1];
  std::uint64_t bytes = 0;
  for (std::size_t i = first; i < last; ++i) bytes += frames_.fragments[i].length;
  if (bytes == 0 || bytes > 0xFFFFFFF0ull)
    return makeError("frame " + std::to_string(frame + 1) + " has no usable compressed data");
  // One item holding the frame's whole bitstream: fragments are just pieces of
  // it (PS3.5 A.4), and each is even-length, so the join stays even.
  DcmPixelSequence sequence(DcmTag(DCM_PixelData, EVR_OB));
  sequence.insert(new DcmPixelItem(DcmTag(DCM_Item, EVR_OB)));  // empty offset table
  auto* item = new DcmPixelItem(DcmTag(DCM_Item, EVR_OB));
  sequence.insert(item);
  Uint8* data = nullptr;
  const Uint32 even = Uint32((bytes + 1) & ~std::uint64_t{1});
  if (item->createUint8Array(even, data).bad() || !data) return makeError("out of memory for a compressed frame");
  std::uint64_t at = 0;
  for (std::size_t i = first; i < last; ++i) {
    const auto& f = frames_.fragments[i];
    if (!preadAll(fd_, data + at, f.length, f.offset))
      return makeError("cannot read frame " + std::to_string(frame + 1) + " from the file");
    at += f.length;
  }
  if (even > bytes) data[bytes] = 0;

  const std::uint64_t frameBytes = header_.frameBytes();
  const bool pad = frames_.decodedFrameBytes > frameBytes;
  if (pad) padded_.resize(frames_.decodedFrameBytes);
  Uint32 startFragment = 1;
  OFString decodedModel;
  const OFCondition c = DcmCodecList::decodeFrame(DcmXfer(header_.xfer), nullptr, &sequence, imageModule_.get(), 0,
                                                  startFragment, pad ? padded_.data() : dst,
                                                  pad ? frames_.decodedFrameBytes : Uint32(frameBytes), decodedModel);
  if (c.bad())
    return makeError("cannot decode frame " + std::to_string(frame + 1) + " (" + std::string(c.text()) + ")");
  if (pad) std::memcpy(dst, padded_.data(), std::size_t(frameBytes));
  model = decodedModel.c_str();
  return {};
}

}  // namespace annulo
