#pragma once
// DICOM Segmentation objects (PS3.3 A.51, C.8.20) read as a label map over the
// series they segment. The loader sets SEG files aside (they hold no image to
// show); a viewer asks which of them belong to a loaded series and reads each
// into the same LabelMap layout our own segmentation uses, so it is drawn in
// 2D, MPR and 3D and selected like ours.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/sr/LabelMap.h"

namespace annulo {

struct SegmentInfo {
  int number = 0;  // SegmentNumber: the value the label map holds
  std::string label;
  std::string description;
  std::string algorithmType;  // AUTOMATIC, SEMIAUTOMATIC, MANUAL
};

struct SegmentationLabels {
  std::string file;
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
  std::string referencedSeriesUid;  // the series these labels lie on
  std::string type;                 // BINARY or FRACTIONAL
  std::string fractionalType;       // PROBABILITY or OCCUPANCY (FRACTIONAL only)
  std::vector<SegmentInfo> segments;
  // columns x rows x slices of the source series, in its slice order; each
  // voxel holds the SegmentNumber covering it (0: none). Where segments
  // overlap the higher number wins (counted in `overlapVoxels`).
  LabelMap labels;
  // FRACTIONAL: the fraction (0..1) of the segment stored at each labelled
  // voxel; a voxel is labelled when its fraction is >= 0.5. Empty for BINARY.
  std::vector<float> fractions;
  std::size_t framesMapped = 0;
  std::size_t overlapVoxels = 0;
  std::vector<std::string> warnings;  // frames that matched no slice, ...
};

// Reads `path` onto `source`. Each SEG frame is placed by its Derivation Image
// / Source Image reference (SOP instance + frame), else by ImagePositionPatient
// in the same frame of reference. Errors: not a SEG, a size other than the
// source's, no frame that lies on the source, unreadable pixel data.
Result<SegmentationLabels> readSegmentation(const std::string& path, const Series& source);

// The files a load set aside that are segmentations of `series` (by their
// Referenced Series Sequence or their frames' source images).
std::vector<std::string> segmentationsOf(const LoadResult& load, const Series& series);

}  // namespace annulo
