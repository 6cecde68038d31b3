#include "annulo/dicom/Segmentation.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "Codecs.h"
#include "FileProbe.h"
#include "GuardedLoad.h"
#include "annulo/dicom/FileIdentity.h"

namespace annulo {
namespace {

std::string str(DcmItem* item, const DcmTagKey& tag) {
  OFString v;
  return item && item->findAndGetOFStringArray(tag, v, OFFalse).good() ? std::string(v.c_str()) : std::string();
}

int integer(DcmItem* item, const DcmTagKey& tag, int fallback) {
  Sint32 v = 0;
  if (item && item->findAndGetSint32(tag, v, 0, OFFalse).good()) return v;
  Uint16 u = 0;
  if (item && item->findAndGetUint16(tag, u, 0, OFFalse).good()) return u;
  return fallback;
}

DcmItem* item(DcmItem* parent, const DcmTagKey& seq, unsigned long index = 0) {
  DcmItem* out = nullptr;
  if (parent && parent->findAndGetSequenceItem(seq, out, long(index), OFFalse).good()) return out;
  return nullptr;
}

unsigned long itemCount(DcmItem* parent, const DcmTagKey& seq) {
  DcmSequenceOfItems* s = nullptr;
  if (parent && parent->findAndGetSequence(seq, s, OFFalse).good() && s) return s->card();
  return 0;
}

// Functional group macro of one frame: per-frame first, then shared (PS3.3 C.7.6.16).
DcmItem* group(DcmItem* perFrame, DcmItem* shared, const DcmTagKey& seq) {
  if (DcmItem* i = item(perFrame, seq)) return i;
  return item(shared, seq);
}

struct SourceRef {
  std::string sopInstanceUid;
  int frame = 1;
};

// PS3.3 C.7.6.16.2.6: Derivation Image > Source Image Sequence of the frame.
std::vector<SourceRef> sourcesOf(DcmItem* derivationGroup) {
  std::vector<SourceRef> out;
  if (!derivationGroup) return out;
  for (unsigned long s = 0; s < itemCount(derivationGroup, DCM_SourceImageSequence); ++s) {
    DcmItem* src = item(derivationGroup, DCM_SourceImageSequence, s);
    SourceRef r;
    r.sopInstanceUid = str(src, DCM_ReferencedSOPInstanceUID);
    r.frame = integer(src, DCM_ReferencedFrameNumber, 1);
    if (!r.sopInstanceUid.empty()) out.push_back(r);
  }
  return out;
}

std::optional<Vec3> positionOf(DcmItem* planePosition) {
  if (!planePosition) return std::nullopt;
  Vec3 p{};
  for (unsigned long i = 0; i < 3; ++i) {
    Float64 v = 0;
    if (planePosition->findAndGetFloat64(DCM_ImagePositionPatient, v, i, OFFalse).bad() || !std::isfinite(v))
      return std::nullopt;
    p[i] = v;
  }
  return p;
}

// Slice of `source` a SEG frame lies on, or -1.
class SliceFinder {
 public:
  explicit SliceFinder(const Series& s) : series_(s) {
    for (std::size_t i = 0; i < s.slices.size(); ++i) byUid_[{s.slices[i].sopInstanceUid, s.slices[i].frameNumber}] = i;
  }
  long byReference(const std::vector<SourceRef>& refs) const {
    for (const auto& r : refs) {
      auto it = byUid_.find({r.sopInstanceUid, r.frame});
      if (it != byUid_.end()) return long(it->second);
    }
    return -1;
  }
  // Same frame of reference, a slice within 0.01 mm of the position.
  long byPosition(const std::optional<Vec3>& p, const std::string& frameOfReference) const {
    if (!p || !series_.hasPatientGeometry || frameOfReference != series_.series.frameOfReferenceUid) return -1;
    for (std::size_t i = 0; i < series_.slices.size(); ++i) {
      const Vec3& q = series_.slices[i].position;
      if (std::abs(q[0] - (*p)[0]) + std::abs(q[1] - (*p)[1]) + std::abs(q[2] - (*p)[2]) < 0.03) return long(i);
    }
    return -1;
  }

 private:
  const Series& series_;
  std::map<std::pair<std::string, int>, std::size_t> byUid_;
};

std::vector<SegmentInfo> readSegments(DcmItem* ds) {
  std::vector<SegmentInfo> out;
  for (unsigned long i = 0; i < itemCount(ds, DCM_SegmentSequence); ++i) {
    DcmItem* s = item(ds, DCM_SegmentSequence, i);
    out.push_back({integer(s, DCM_SegmentNumber, 0), str(s, DCM_SegmentLabel), str(s, DCM_SegmentDescription),
                   str(s, DCM_SegmentAlgorithmType)});
  }
  return out;
}

bool referencesSeries(DcmItem* ds, const Series& series) {
  for (unsigned long i = 0; i < itemCount(ds, DCM_ReferencedSeriesSequence); ++i)
    if (str(item(ds, DCM_ReferencedSeriesSequence, i), DCM_SeriesInstanceUID) == series.series.instanceUid) return true;
  // No Referenced Series Sequence (older writers): the first frame's source image.
  std::set<std::string> uids;
  for (const auto& s : series.slices) uids.insert(s.sopInstanceUid);
  DcmItem* pf = item(ds, DCM_PerFrameFunctionalGroupsSequence);
  for (const auto& r : sourcesOf(group(pf, item(ds, DCM_SharedFunctionalGroupsSequence), DCM_DerivationImageSequence)))
    if (uids.count(r.sopInstanceUid)) return true;
  return false;
}

struct Pixels {
  const Uint8* data = nullptr;
  std::size_t bytes = 0;
};

Result<Pixels> pixelsOf(DcmFileFormat& ff) {
  DcmDataset* ds = ff.getDataset();
  if (DcmXfer(ds->getOriginalXfer()).isEncapsulated() &&
      ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad())
    return makeError("cannot decompress the segmentation's pixel data");
  DcmElement* e = nullptr;
  Uint8* data = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, e, OFFalse).bad() || !e || e->getUint8Array(data).bad() || !data)
    return makeError("segmentation without pixel data");
  return Pixels{data, std::size_t(e->getLength())};
}

}  // namespace

Result<SegmentationLabels> readSegmentation(const std::string& path, const Series& source) {
  ensureDecodersRegistered();
  DcmFileFormat ff;
  auto loaded = guardedLoad(ff, path);
  if (!loaded) return makeError(path + ": " + loaded.message());
  if (OFCondition c = *loaded; c.bad())
    return makeError(path + ": cannot parse segmentation (" + std::string(c.text()) + ")");
  DcmDataset* ds = ff.getDataset();
  if (str(ds, DCM_SOPClassUID) != UID_SegmentationStorage) return makeError(path + ": not a DICOM Segmentation");

  SegmentationLabels out;
  out.file = path;
  out.sopInstanceUid = str(ds, DCM_SOPInstanceUID);
  out.seriesInstanceUid = str(ds, DCM_SeriesInstanceUID);
  out.referencedSeriesUid = source.series.instanceUid;
  out.type = str(ds, DCM_SegmentationType);
  out.fractionalType = str(ds, DCM_SegmentationFractionalType);
  out.segments = readSegments(ds);
  const int rows = integer(ds, DCM_Rows, 0), columns = integer(ds, DCM_Columns, 0);
  const int frames = integer(ds, DCM_NumberOfFrames, 1);
  const int bits = integer(ds, DCM_BitsAllocated, 0);
  if (rows != source.rows || columns != source.columns)
    return makeError(path + ": segmentation is " + std::to_string(columns) + " x " + std::to_string(rows) +
                     ", its series " + std::to_string(source.columns) + " x " + std::to_string(source.rows) +
                     " (resampled segmentations are not supported)");
  const bool binary = out.type == "BINARY";
  if (!binary && out.type != "FRACTIONAL")
    return makeError(path + ": SegmentationType '" + out.type + "' is not BINARY or FRACTIONAL");
  if ((binary && bits != 1) || (!binary && bits != 8))
    return makeError(path + ": " + out.type + " segmentation with BitsAllocated " + std::to_string(bits));
  if (frames < 1) return makeError(path + ": NumberOfFrames " + std::to_string(frames));

  auto px = pixelsOf(ff);
  if (!px) return makeError(path + ": " + px.message());
  const std::size_t frameSize = std::size_t(rows) * std::size_t(columns);
  // PS3.5 8.1.1: 1-bit frames are packed back to back, not padded to a byte.
  const std::size_t needed = binary ? (frameSize * std::size_t(frames) + 7) / 8 : frameSize * std::size_t(frames);
  if (px->bytes < needed)
    return makeError(path + ": pixel data holds " + std::to_string(px->bytes) + " bytes, " + std::to_string(frames) +
                     " frames need " + std::to_string(needed));
  const double maxFraction = binary ? 1.0 : double(std::max(1, integer(ds, DCM_MaximumFractionalValue, 255)));

  out.labels.columns = columns;
  out.labels.rows = rows;
  out.labels.frames = int(source.sliceCount());
  out.labels.labels.assign(frameSize * source.sliceCount(), 0);
  if (!binary) out.fractions.assign(out.labels.labels.size(), 0.0f);

  DcmItem* shared = item(ds, DCM_SharedFunctionalGroupsSequence);
  const std::string frameOfReference = str(ds, DCM_FrameOfReferenceUID);
  const SliceFinder finder(source);
  std::size_t unmatched = 0;
  for (int f = 0; f < frames; ++f) {
    DcmItem* pf = item(ds, DCM_PerFrameFunctionalGroupsSequence, unsigned(f));
    const int segment = integer(group(pf, shared, DCM_SegmentIdentificationSequence), DCM_ReferencedSegmentNumber, 0);
    if (segment < 1 || segment > 255) {
      ++unmatched;
      continue;
    }
    long slice = finder.byReference(sourcesOf(group(pf, shared, DCM_DerivationImageSequence)));
    if (slice < 0)
      slice = finder.byPosition(positionOf(group(pf, shared, DCM_PlanePositionSequence)), frameOfReference);
    if (slice < 0) {
      ++unmatched;
      continue;
    }
    ++out.framesMapped;
    std::uint8_t* labels = out.labels.labels.data() + std::size_t(slice) * frameSize;
    float* fractions = binary ? nullptr : out.fractions.data() + std::size_t(slice) * frameSize;
    for (std::size_t i = 0; i < frameSize; ++i) {
      double fraction;
      if (binary) {
        const std::size_t bit = std::size_t(f) * frameSize + i;
        fraction = (px->data[bit / 8] >> (bit % 8)) & 1;  // least significant bit first
      } else {
        fraction = px->data[std::size_t(f) * frameSize + i] / maxFraction;
      }
      if (fraction < 0.5) continue;
      if (labels[i] != 0) {
        ++out.overlapVoxels;
        if (labels[i] > segment) continue;
      }
      labels[i] = std::uint8_t(segment);
      if (fractions) fractions[i] = float(fraction);
    }
  }
  if (out.framesMapped == 0)
    return makeError(path + ": none of its " + std::to_string(frames) + " frames lies on series " +
                     source.series.instanceUid);
  if (unmatched)
    out.warnings.push_back(std::to_string(unmatched) + " of " + std::to_string(frames) +
                           " segmentation frames match no slice of the series (not shown)");
  if (out.overlapVoxels)
    out.warnings.push_back(std::to_string(out.overlapVoxels) +
                           " voxels in more than one segment: the higher segment number shown");
  return out;
}

std::vector<std::string> segmentationsOf(const LoadResult& load, const Series& series) {
  std::vector<std::string> out;
  for (const auto& r : load.rejected) {
    // By SOP class, not by the loader's wording of the reason.
    auto id = readFileIdentity(r.path);
    if (!id || id->sopClassUid != UID_SegmentationStorage) continue;
    DcmFileFormat ff;
    // Headers only: the pixel data of a large SEG are not needed to route it.
    auto loaded = guardedLoad(ff, r.path, 4096);
    if (!loaded || loaded->bad()) continue;
    DcmDataset* ds = ff.getDataset();
    if (str(ds, DCM_SOPClassUID) == UID_SegmentationStorage && referencesSeries(ds, series)) out.push_back(r.path);
  }
  return out;
}

}  // namespace annulo
