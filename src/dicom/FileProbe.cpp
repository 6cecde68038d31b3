#include "FileProbe.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

namespace annulo {
namespace {

constexpr std::uint32_t kUndefined = 0xFFFFFFFFu;

struct Encoding {
  bool explicitVr = true;
  bool bigEndian = false;
};

std::uint16_t u16(const unsigned char* p, bool be) {
  return be ? std::uint16_t(p[0] << 8 | p[1]) : std::uint16_t(p[1] << 8 | p[0]);
}
std::uint32_t u32(const unsigned char* p, bool be) {
  return be ? (std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3])
            : (std::uint32_t(p[3]) << 24 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[1]) << 8 | p[0]);
}

// pread through a 64 KiB window: headers are read with one or two system
// calls however many elements they have.
class WindowedFile {
 public:
  WindowedFile(const std::string& path, std::uint64_t size)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), size_(size) {}
  ~WindowedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  WindowedFile(const WindowedFile&) = delete;
  WindowedFile& operator=(const WindowedFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  bool read(std::uint64_t at, void* dst, std::size_t n) {
    if (at + n > size_) return false;
    if (n == 0) return true;  // an empty value (dst may be null: memcpy must not see it)
    if (at < start_ || at + n > start_ + window_.size()) {
      window_.resize(std::size_t(std::min<std::uint64_t>(kWindow, size_ - at)));
      std::size_t got = 0;
      while (got < window_.size()) {
        const ssize_t r = ::pread(fd_, window_.data() + got, window_.size() - got, off_t(at + got));
        if (r <= 0) return false;
        got += std::size_t(r);
      }
      start_ = at;
      if (n > window_.size()) return false;
    }
    std::memcpy(dst, window_.data() + (at - start_), n);
    return true;
  }

 private:
  static constexpr std::uint64_t kWindow = 64 * 1024;
  int fd_;
  std::uint64_t size_;
  std::uint64_t start_ = 0;
  std::vector<unsigned char> window_;
};

std::string hex4(unsigned v) {
  static const char* digits = "0123456789ABCDEF";
  return {digits[(v >> 12) & 15], digits[(v >> 8) & 15], digits[(v >> 4) & 15], digits[v & 15]};
}

bool shortLengthVr(const char* vr) {
  static const char* kShort[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
                                 "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
  for (const char* v : kShort)
    if (std::memcmp(vr, v, 2) == 0) return true;
  return false;
}

bool longLengthVr(const char* vr) {
  static const char* kLong[] = {"OB", "OW", "OF", "SQ", "UT", "UN", "OD", "OL", "OV", "SV", "UV", "UC", "UR"};
  for (const char* v : kLong)
    if (std::memcmp(vr, v, 2) == 0) return true;
  return false;
}

// No preamble: accept a dataset that starts with a plausible group (0002 or 0008, either byte order).
Status sniff(WindowedFile& f, std::uint64_t size, bool& hasPreamble) {
  if (size == 0) return makeError("empty file");
  unsigned char head[132] = {};
  hasPreamble = size >= 132 && f.read(0, head, 132) && std::memcmp(head + 128, "DICM", 4) == 0;
  if (hasPreamble) return {};
  if (size < 8 || !f.read(0, head, 8)) return makeError("not a DICOM file (too short)");
  const unsigned group = unsigned(head[0]) | (unsigned(head[1]) << 8);
  if (group == 0x0002 || group == 0x0008 || group == 0x0800 || group == 0x0200) return {};
  return makeError("not a DICOM file (no DICM prefix and no DICOM dataset at the start)");
}

using Reader = std::function<bool(std::uint64_t, void*, std::size_t)>;

// Where native pixel data starts, so frames can be read straight from the file.
void notePixelData(const Reader& read, std::uint64_t pos, const unsigned char* h, Encoding enc, ProbeInfo& info) {
  std::uint64_t len = 0, hdr = 8;
  if (enc.explicitVr) {
    if (!longLengthVr(reinterpret_cast<const char*>(h + 4))) return;  // OB/OW always have 4-byte lengths
    unsigned char l[4];
    if (!read(pos + 8, l, 4)) return;
    len = u32(l, enc.bigEndian);
    hdr = 12;
  } else {
    len = u32(h + 4, enc.bigEndian);
  }
  if (len == kUndefined) {  // encapsulated: items follow
    info.encapsulatedOffset = pos + hdr;
    return;
  }
  info.pixelOffset = pos + hdr;
  info.pixelLength = len;
  info.bigEndian = enc.bigEndian;
}

// Walks the element stream without recursion. `strict`: the stream's size is
// exact (an inflated dataset), so an element longer than what is left is an
// error rather than something to leave to DCMTK.
Result<ProbeInfo> walkElements(const Reader& readAt, std::uint64_t pos, std::uint64_t size, Encoding enc, int maxDepth,
                               bool strict, ProbeInfo info) {
  // Each open sequence or item: its end offset, or kUndefined until its delimiter.
  struct Open {
    std::uint64_t end;
    bool sequence;
  };
  std::vector<Open> open;
  const auto sequences = [&] {
    int n = 0;
    for (const auto& o : open) n += o.sequence;
    return n;
  };
  for (int steps = 0; steps < 10'000'000; ++steps) {
    while (!open.empty() && open.back().end != kUndefined && pos >= open.back().end) open.pop_back();
    if (sequences() > maxDepth)
      return makeError("sequences nested deeper than " + std::to_string(maxDepth) +
                       " levels (a malformed or hostile file)");
    unsigned char h[8];
    if (!readAt(pos, h, 8)) return info;
    const std::uint16_t group = u16(h, enc.bigEndian), element = u16(h + 2, enc.bigEndian);
    if (group == 0xFFFE) {
      // Item tags are always implicit: tag + 4-byte length.
      const std::uint32_t len = u32(h + 4, enc.bigEndian);
      pos += 8;
      if (element == 0xE000) {
        open.push_back({len == kUndefined ? kUndefined : pos + len, false});
      } else if ((element == 0xE00D || element == 0xE0DD) && !open.empty()) {
        open.pop_back();
      }
      continue;
    }
    if (open.empty() && group == 0x7FE0 && !strict) {  // pixel data: the header is done
      if (element == 0x0010) notePixelData(readAt, pos, h, enc, info);
      return info;
    }
    std::uint64_t len = 0, hdr = 8;
    bool sequence = false;
    if (enc.explicitVr) {
      const char vr[2] = {char(h[4]), char(h[5])};
      // Strict: an unknown VR is read as UN (4-byte length), as DCMTK does.
      if (longLengthVr(vr) || (strict && !shortLengthVr(vr))) {
        unsigned char l[4];
        if (!readAt(pos + 8, l, 4)) return info;
        len = u32(l, enc.bigEndian);
        hdr = 12;
        sequence = std::memcmp(vr, "SQ", 2) == 0 || (std::memcmp(vr, "UN", 2) == 0 && len == kUndefined);
      } else {
        len = u16(h + 6, enc.bigEndian);
      }
    } else {
      len = u32(h + 4, enc.bigEndian);
      unsigned char next[4];
      sequence = len == kUndefined || (len >= 8 && readAt(pos + 8, next, 4) && u16(next, enc.bigEndian) == 0xFFFE &&
                                       u16(next + 2, enc.bigEndian) == 0xE000);
    }
    pos += hdr;
    if (sequence) {
      open.push_back({len == kUndefined ? kUndefined : pos + len, true});
      continue;
    }
    // DCMTK 3.6.7 "corrects" a DirectoryRecordType longer than CS allows (16,
    // PS3.5 6.2) with a wrong offset and throws std::out_of_range, leaking the
    // records read so far (found by fuzzing): such a record is refused here.
    if (group == 0x0004 && element == 0x1430 && len > 16 && len != kUndefined)
      return makeError("malformed directory record: DirectoryRecordType of " + std::to_string(len) +
                       " bytes (a CS value holds at most 16)");
    if (len == kUndefined && strict) {  // encapsulated fragments: skip them item by item
      for (;;) {
        unsigned char item[8];
        if (!readAt(pos, item, 8)) return makeError("truncated deflated dataset inside encapsulated data");
        const std::uint32_t itemLen = u32(item + 4, false);
        pos += 8;
        if (u16(item, false) != 0xFFFE || u16(item + 2, false) == 0xE0DD) break;
        if (itemLen > size - std::min(size, pos))
          return makeError("truncated or corrupt deflated dataset: a fragment claims " + std::to_string(itemLen) +
                           " bytes, " + std::to_string(size - std::min(size, pos)) + " remain");
        pos += itemLen;
      }
      continue;
    }
    if (len == kUndefined) return info;  // encapsulated data outside pixel data: leave to DCMTK
    if (strict && len > size - std::min(size, pos))
      return makeError("truncated or corrupt deflated dataset: element (" + hex4(group) + "," + hex4(element) +
                       ") claims " + std::to_string(len) + " bytes, " + std::to_string(size - std::min(size, pos)) +
                       " remain");
    pos += len;
    if (pos > size) return info;
  }
  return info;
}

// PS3.5 A.5: after the meta header the dataset is raw deflate (RFC 1951).
// DCMTK inflates it as it parses and allocates every value's claimed length
// up front (it cannot defer reading from a compressed stream), so a few KiB
// can claim gigabytes: the dataset is inflated here first (bounded) and each
// length checked against what the inflated data holds.
Result<ProbeInfo> probeDeflated(const std::string& path, std::uint64_t start, std::uint64_t size, int maxDepth) {
  constexpr std::uint64_t kMaxInflated = std::uint64_t{256} << 20;
  std::vector<unsigned char> packed(std::size_t(size - std::min(size, start)));
  {
    WindowedFile in(path, size);
    if (!packed.empty() && !in.read(start, packed.data(), packed.size())) {
      // Longer than one window: read it plainly.
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return makeError("cannot open file");
      std::size_t got = 0;
      while (got < packed.size()) {
        const ssize_t r = ::pread(fd, packed.data() + got, packed.size() - got, off_t(start + got));
        if (r <= 0) break;
        got += std::size_t(r);
      }
      ::close(fd);
      packed.resize(got);
    }
  }
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return ProbeInfo{};
  std::vector<unsigned char> data;
  z.next_in = packed.data();
  z.avail_in = uInt(packed.size());
  int rc = Z_OK;
  while (rc == Z_OK && data.size() < kMaxInflated) {
    const std::size_t at = data.size();
    data.resize(at + (std::size_t{1} << 20));
    z.next_out = data.data() + at;
    z.avail_out = uInt(data.size() - at);
    rc = inflate(&z, Z_NO_FLUSH);
    data.resize(data.size() - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended early: truncated
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR)
    return makeError("corrupt deflated dataset (" + std::string(z.msg ? z.msg : "inflate failed") + ")");
  if (data.size() >= kMaxInflated) return ProbeInfo{};  // too big to check here: DCMTK judges
  const Reader read = [&](std::uint64_t at, void* dst, std::size_t n) {
    if (at + n > data.size()) return false;
    if (n) std::memcpy(dst, data.data() + at, n);
    return true;
  };
  return walkElements(read, 0, data.size(), Encoding{true, false}, maxDepth, true, ProbeInfo{});
}

}  // namespace

Result<ProbeInfo> probeFile(const std::string& path, std::uint64_t size, int maxDepth) {
  ProbeInfo info;
  WindowedFile in(path, size);
  if (!in.ok()) return makeError("cannot open file");
  bool preamble = false;
  if (Status s = sniff(in, size, preamble); !s) return s.error();
  std::uint64_t pos = 0;
  Encoding enc{false, false};
  auto readAt = [&](std::uint64_t at, void* dst, std::size_t n) { return in.read(at, dst, n); };
  if (preamble) {
    pos = 132;
    std::string ts;
    for (;;) {
      unsigned char h[8];
      if (!readAt(pos, h, 8) || u16(h, false) != 0x0002) break;
      std::uint64_t len = u16(h + 6, false), hdr = 8;
      if (longLengthVr(reinterpret_cast<const char*>(h + 4))) {
        unsigned char l[4];
        if (!readAt(pos + 8, l, 4)) return info;
        len = u32(l, false);
        hdr = 12;
      }
      if (u16(h + 2, false) == 0x0010 && len < 128) {
        std::vector<char> v(len);
        if (!readAt(pos + hdr, v.data(), len)) return info;
        ts.assign(v.data(), len);
        while (!ts.empty() && (ts.back() == '\0' || ts.back() == ' ')) ts.pop_back();
      }
      pos += hdr + len;
    }
    if (ts == "1.2.840.10008.1.2.1.99") {
      return probeDeflated(path, pos, size, maxDepth);
    }
    enc.explicitVr = ts != "1.2.840.10008.1.2";
    enc.bigEndian = ts == "1.2.840.10008.1.2.2";
  }

  return walkElements(readAt, pos, size, enc, maxDepth, false, info);
}

}  // namespace annulo
