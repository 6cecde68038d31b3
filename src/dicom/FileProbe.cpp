#include "FileProbe.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace annulo {
namespace {

constexpr std::uint32_t kUndefined = 0xFFFFFFFFu;

struct Encoding {
  bool explicitVr = true;
  bool bigEndian = false;
};

std::uint16_t u16(const unsigned char* p, bool be) { return be ? std::uint16_t(p[0] << 8 | p[1]) : std::uint16_t(p[1] << 8 | p[0]); }
std::uint32_t u32(const unsigned char* p, bool be) {
  return be ? (std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3])
            : (std::uint32_t(p[3]) << 24 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[1]) << 8 | p[0]);
}

// pread through a 64 KiB window: headers are read with one or two system
// calls however many elements they have.
class WindowedFile {
 public:
  WindowedFile(const std::string& path, std::uint64_t size) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), size_(size) {}
  ~WindowedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  WindowedFile(const WindowedFile&) = delete;
  WindowedFile& operator=(const WindowedFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  bool read(std::uint64_t at, void* dst, std::size_t n) {
    if (at + n > size_) return false;
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

// Where native pixel data starts, so frames can be read straight from the file.
void notePixelData(WindowedFile& in, std::uint64_t pos, const unsigned char* h, Encoding enc, ProbeInfo& info) {
  std::uint64_t len = 0, hdr = 8;
  if (enc.explicitVr) {
    if (!longLengthVr(reinterpret_cast<const char*>(h + 4))) return;  // OB/OW always have 4-byte lengths
    unsigned char l[4];
    if (!in.read(pos + 8, l, 4)) return;
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
    if (ts == "1.2.840.10008.1.2.1.99") return info;  // deflated: not walkable here
    enc.explicitVr = ts != "1.2.840.10008.1.2";
    enc.bigEndian = ts == "1.2.840.10008.1.2.2";
  }

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
      return makeError("sequences nested deeper than " + std::to_string(maxDepth) + " levels (a malformed or hostile file)");
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
    if (open.empty() && group == 0x7FE0) {  // pixel data: the header is done
      if (element == 0x0010) notePixelData(in, pos, h, enc, info);
      return info;
    }
    std::uint64_t len = 0, hdr = 8;
    bool sequence = false;
    if (enc.explicitVr) {
      const char vr[2] = {char(h[4]), char(h[5])};
      if (longLengthVr(vr)) {
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
      sequence = len == kUndefined ||
                 (len >= 8 && readAt(pos + 8, next, 4) && u16(next, enc.bigEndian) == 0xFFFE &&
                  u16(next + 2, enc.bigEndian) == 0xE000);
    }
    pos += hdr;
    if (sequence) {
      open.push_back({len == kUndefined ? kUndefined : pos + len, true});
      continue;
    }
    if (len == kUndefined) return info;  // encapsulated data outside pixel data: leave to DCMTK
    pos += len;
    if (pos > size) return info;
  }
  return info;
}

}  // namespace annulo
