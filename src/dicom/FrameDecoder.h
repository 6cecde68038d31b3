#pragma once
// Private: decodes single frames of an encapsulated (compressed) file, from
// any number of threads at once, straight into the series buffer.
//
// Where each frame lies is worked out once (mapEncapsulatedFrames, one thread):
// the item headers of the pixel sequence are walked in the file itself, and the
// frame starts come from the Extended Offset Table, the Basic Offset Table, one
// fragment per frame, or JPEG start-of-image markers (PS3.5 A.4). Each worker
// then owns a FrameDecoder: it preads one frame's fragments into a private
// one-item pixel sequence and hands that to DCMTK's codec for the file's
// transfer syntax, so no DCMTK object is shared between threads except the
// codec list (see the thread-safety notes in FrameDecoder.cpp).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "DicomHeader.h"
#include "annulo/base/Result.h"

class DcmItem;

namespace annulo {

struct EncapsulatedFrames {
  struct Fragment {
    std::uint64_t offset = 0;  // of the fragment's value in the file
    std::uint32_t length = 0;
  };
  std::vector<Fragment> fragments;      // in file order, without the offset table item
  std::vector<std::size_t> frameStart;  // first fragment of each frame, then fragments.size()
  std::string mappedBy;                 // which rule found the frame starts, for messages
  std::uint32_t decodedFrameBytes = 0;  // DCMTK's size of one decoded frame (may exceed ours by padding)

  int frames() const { return int(frameStart.size()) - 1; }
};

// Maps frames to fragments. Errors name the cause (no offset, broken items,
// frame starts that cannot be told apart); the caller then falls back to
// DCMTK's sequential decoding.
Result<EncapsulatedFrames> mapEncapsulatedFrames(const FileHeader& h);

class FrameDecoder {
 public:
  // Both must outlive the decoder. Opens the file.
  FrameDecoder(const FileHeader& h, const EncapsulatedFrames& frames);
  ~FrameDecoder();
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // Frame `frame` (0-based) into dst, exactly h.frameBytes() bytes, as DCMTK's
  // DcmPixelData::getUncompressedFrame would give it; `model` is the decoded
  // colour model DCMTK reports.
  Status decode(int frame, std::uint8_t* dst, std::string& model);

 private:
  const FileHeader& header_;
  const EncapsulatedFrames& frames_;
  int fd_ = -1;
  std::unique_ptr<DcmItem> imageModule_;  // this thread's copy of the attributes the codecs read
  std::vector<std::uint8_t> padded_;      // when DCMTK's frame is longer than ours
};

}  // namespace annulo
