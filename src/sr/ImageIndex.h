#pragma once
// Private: finds the loaded image (series, first frame, frame count) behind a
// SOP Instance UID, so SR/SEG/GSPS references can be completed and checked.

#include <string>
#include <unordered_map>
#include <vector>

#include "annulo/dicom/Series.h"

namespace annulo::sr {

struct IndexedImage {
  const Series* series = nullptr;
  const SliceInfo* firstSlice = nullptr;  // frame 1 of the instance (or the slice itself)
  std::size_t firstSliceIndex = 0;
  int frames = 0;  // frames of this SOP instance in the series
};

class ImageIndex {
 public:
  explicit ImageIndex(const std::vector<const Series*>& sources);

  const IndexedImage* find(const std::string& sopInstanceUid) const;
  // The slice of `sopInstanceUid` with this 1-based frame number (0 = single frame).
  const SliceInfo* slice(const std::string& sopInstanceUid, int frameNumber, std::size_t* sliceIndex = nullptr) const;
  const Series* seriesWithFrameOfReference(const std::string& frameOfReferenceUid) const;
  const std::vector<const Series*>& sources() const { return sources_; }

 private:
  std::vector<const Series*> sources_;
  std::unordered_map<std::string, IndexedImage> images_;
};

}  // namespace annulo::sr
