#include "sr/ImageIndex.h"

namespace annulo::sr {

ImageIndex::ImageIndex(const std::vector<const Series*>& sources) : sources_(sources) {
  for (const Series* series : sources_) {
    if (!series) continue;
    for (std::size_t i = 0; i < series->slices.size(); ++i) {
      const SliceInfo& slice = series->slices[i];
      auto [it, inserted] = images_.try_emplace(slice.sopInstanceUid);
      IndexedImage& image = it->second;
      if (inserted || (image.series == series && slice.frameNumber < image.firstSlice->frameNumber)) {
        image.series = series;
        image.firstSlice = &slice;
        image.firstSliceIndex = i;
      }
      if (image.series == series) ++image.frames;
    }
  }
}

const IndexedImage* ImageIndex::find(const std::string& sopInstanceUid) const {
  auto it = images_.find(sopInstanceUid);
  return it == images_.end() ? nullptr : &it->second;
}

const SliceInfo* ImageIndex::slice(const std::string& sopInstanceUid, int frameNumber, std::size_t* sliceIndex) const {
  const IndexedImage* image = find(sopInstanceUid);
  if (!image) return nullptr;
  const int wanted = frameNumber <= 0 ? image->firstSlice->frameNumber : frameNumber;
  const auto& slices = image->series->slices;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    if (slices[i].sopInstanceUid == sopInstanceUid && slices[i].frameNumber == wanted) {
      if (sliceIndex) *sliceIndex = i;
      return &slices[i];
    }
  }
  return nullptr;
}

const Series* ImageIndex::seriesWithFrameOfReference(const std::string& frameOfReferenceUid) const {
  if (frameOfReferenceUid.empty()) return nullptr;
  for (const Series* series : sources_)
    if (series && series->series.frameOfReferenceUid == frameOfReferenceUid) return series;
  return nullptr;
}

}  // namespace annulo::sr
