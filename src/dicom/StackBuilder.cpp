#include "StackBuilder.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "PixelReader.h"

namespace annulo {
namespace {

Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

std::string orientationKey(const std::optional<std::array<double, 6>>& o) {
  if (!o) return "-";
  std::ostringstream s;
  for (double v : *o) s << std::lround(v * 1000) << ',';  // 0.001 tolerates rounding in DS strings
  return s.str();
}

std::string layoutKey(const FileHeader& h) {
  std::ostringstream s;
  s << h.samplesPerPixel << '/' << h.bitsAllocated << '/' << h.pixelRepresentation << '/'
    << (h.samplesPerPixel == 1 ? "mono" : "colour");
  return s.str();
}

std::string sizeKey(const FileHeader& h) { return std::to_string(h.columns) + "x" + std::to_string(h.rows); }

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

bool isProjection(const std::string& modality) {
  static const char* kinds[] = {"XA", "RF", "CR", "DX", "MG", "IO", "PX", "DF"};
  return std::any_of(std::begin(kinds), std::end(kinds), [&](const char* k) { return modality == k; });
}

// PS3.3 C.8.7.10 / 10.7.1.3: lengths on a projection image are at the detector
// unless a magnification factor or a calibration says otherwise.
void setCalibration(const FileHeader& h, Series& s) {
  SpacingCalibration& c = s.calibration;
  const FrameHeader& f = h.frame(0);
  const auto& ps = f.pixelSpacing ? f.pixelSpacing : h.pixelSpacing;
  std::array<double, 2> rc{1, 1};  // row spacing, column spacing
  if (!isProjection(h.series.modality) && !h.imagerPixelSpacing) {
    if (ps) {
      c.kind = Calibration::PatientPlane;
      rc = *ps;
      c.description = "PixelSpacing in the patient plane";
    } else {
      c.description = "no pixel spacing: lengths in pixels";
    }
  } else if (ps && !h.pixelSpacingCalibrationType.empty()) {
    c.kind = Calibration::Calibrated;
    rc = *ps;
    c.description = "PixelSpacing calibrated (" + h.pixelSpacingCalibrationType + ")";
  } else if (h.imagerPixelSpacing) {
    c.detectorSpacing = *h.imagerPixelSpacing;
    rc = c.detectorSpacing;
    double mag = 0;
    if (h.magnificationFactor > 0) {
      mag = h.magnificationFactor;
      c.magnificationSource = "EstimatedRadiographicMagnificationFactor";
    } else if (h.distanceSourceToDetector > 0 && h.distanceSourceToPatient > 0) {
      mag = h.distanceSourceToDetector / h.distanceSourceToPatient;
      c.magnificationSource = "DistanceSourceToDetector / DistanceSourceToPatient";
    }
    if (mag > 0) {
      c.kind = Calibration::MagnificationCorrected;
      c.magnification = mag;
      rc = {rc[0] / mag, rc[1] / mag};
      c.description = "ImagerPixelSpacing " + fmt(c.detectorSpacing[0]) + " mm divided by magnification " + fmt(mag) +
                      " (" + c.magnificationSource + ")";
    } else {
      c.kind = Calibration::Detector;
      c.description = "ImagerPixelSpacing: lengths at the detector plane, not corrected for magnification";
    }
  } else if (ps) {
    c.kind = Calibration::Detector;
    rc = *ps;
    c.description = "PixelSpacing of a projection image without calibration type: taken as detector plane";
  } else {
    c.description = "no pixel spacing: lengths in pixels";
  }
  if (!h.calibrationNote.empty()) c.description += " (" + h.calibrationNote + ")";
  s.spacing = {rc[1], rc[0], 1.0};
}

void setTiming(const FileHeader& h, Series& s) {
  FrameTiming& t = s.timing;
  const int n = int(s.slices.size());
  t.cineRate = h.cineRate;
  t.recommendedDisplayFrameRate = h.recommendedDisplayFrameRate;
  const bool wantsVector = h.frameIncrementPointer == "(0018,1065)";
  if ((wantsVector || h.frameTime <= 0) && int(h.frameTimeVector.size()) >= n && n > 1) {
    t.frameTimeMs = h.frameTimeVector;
    t.frameTimeMs.resize(std::size_t(n));
    t.frameTimeMs[0] = 0;
    double total = 0;
    for (int i = 1; i < n; ++i) total += t.frameTimeMs[std::size_t(i)];
    t.nominalFrameTimeMs = total / (n - 1);
    t.source = "FrameTimeVector";
  } else {
    double ft = 0;
    if (h.frameTime > 0) {
      ft = h.frameTime;
      t.source = "FrameTime";
    } else if (h.cineRate > 0) {
      ft = 1000.0 / h.cineRate;
      t.source = "CineRate";
    } else if (h.recommendedDisplayFrameRate > 0) {
      ft = 1000.0 / h.recommendedDisplayFrameRate;
      t.source = "RecommendedDisplayFrameRate";
    }
    t.nominalFrameTimeMs = ft;
    t.frameTimeMs.assign(std::size_t(n), ft);
    if (n) t.frameTimeMs[0] = 0;
    if (ft <= 0 && n > 1 && !s.hasPatientGeometry)
      s.warnings.push_back("multi-frame without frame timing: frame rate unknown");
  }
  double acc = 0;
  for (int i = 0; i < n; ++i) {
    acc += t.frameTimeMs[std::size_t(i)];
    s.slices[std::size_t(i)].timeMs = acc;
  }
}

void fillIdentity(const FileHeader& h, Series& s) {
  s.patient = h.patient;
  s.study = h.study;
  s.series = h.series;
  s.equipment = h.equipment;
  s.sopClassUid = h.sopClassUid;
  s.transferSyntaxUid = h.xferUid;
  s.transferSyntaxName = transferSyntaxName(h.xferUid);
  s.patientOrientation = h.patientOrientation;
  s.columns = h.columns;
  s.rows = h.rows;
  s.samplesPerPixel = h.samplesPerPixel;
  // Colour is 8-bit RGB in the series, whatever its stored depth (ColourDepth.h).
  s.bitsAllocated = h.samplesPerPixel == 3 ? 8 : h.bitsAllocated;
  s.bitsStored = h.samplesPerPixel == 3 ? 8 : h.bitsStored;
  s.sampleType = sampleTypeOf(h);
  s.photometric = h.samplesPerPixel == 3 ? "RGB" : h.photometric;
  s.invertDisplay = h.photometric == "MONOCHROME1";
  s.windows = h.frame(0).windows;
  s.voiLut = h.voiLut;
  for (const auto& w : h.warnings) s.warnings.push_back(w);
}

SliceInfo sliceOf(const FileHeader& h, int frame) {
  SliceInfo si;
  si.file = h.path;
  si.sopInstanceUid = h.sopInstanceUid;
  si.sopClassUid = h.sopClassUid;
  si.frameNumber = frame + 1;
  si.instanceNumber = h.instanceNumber;
  const FrameHeader& f = h.frame(frame);
  if (f.position) si.position = *f.position;
  si.rescaleSlope = f.slope;
  si.rescaleIntercept = f.intercept;
  return si;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Orders images along the normal and checks the spacing between them.
void placeAlongNormal(Stack& st, const std::vector<FileHeader>& headers) {
  Series& s = st.meta;
  const FileHeader& h0 = headers[st.images.front().file];
  const auto& o = *h0.frame(st.images.front().frame).orientation;
  const Vec3 row{o[0], o[1], o[2]}, col{o[3], o[4], o[5]};
  const Vec3 normal = cross(row, col);
  s.direction = {row, col, normal};
  s.hasPatientGeometry = true;
  auto along = [&](const ImageRef& r) { return dot(*headers[r.file].frame(r.frame).position, normal); };
  std::stable_sort(st.images.begin(), st.images.end(),
                   [&](const ImageRef& a, const ImageRef& b) { return along(a) < along(b); });
  std::vector<double> steps;
  for (std::size_t i = 1; i < st.images.size(); ++i) steps.push_back(along(st.images[i]) - along(st.images[i - 1]));
  const double step = median(steps);
  const FrameHeader& f0 = h0.frame(st.images.front().frame);
  s.spacing[2] = step > 1e-6 ? step
                             : (f0.spacingBetweenSlices > 0 ? f0.spacingBetweenSlices
                                                            : (f0.sliceThickness > 0 ? f0.sliceThickness : 1.0));
  if (steps.empty()) return;
  int duplicates = 0, gaps = 0;
  bool uneven = false;
  for (double d : steps) {
    if (std::abs(d) < 1e-3)
      ++duplicates;
    else if (step > 0 && d > 1.5 * step)
      ++gaps;
    else if (step > 0 && std::abs(d - step) > 0.01 * step + 1e-3)
      uneven = true;
  }
  if (duplicates)
    s.warnings.push_back(std::to_string(duplicates) + " image(s) share a position with another (duplicates)");
  if (gaps)
    s.warnings.push_back(std::to_string(gaps) + " gap(s) larger than 1.5x the slice spacing " + fmt(step) +
                         " mm: missing slices?");
  if (uneven) s.warnings.push_back("non-uniform slice spacing (median " + fmt(step) + " mm)");
}

void finishStack(Stack& st, const std::vector<FileHeader>& headers) {
  const FileHeader& h0 = headers[st.images.front().file];
  Series& s = st.meta;
  fillIdentity(h0, s);
  setCalibration(h0, s);
  s.multiFrame = h0.numberOfFrames > 1 || h0.enhanced;
  bool allPlaced = true;
  std::size_t distinctPositions = 0;
  {
    std::vector<Vec3> seen;
    for (const auto& r : st.images) {
      const FrameHeader& f = headers[r.file].frame(r.frame);
      if (!f.position || !f.orientation) {
        allPlaced = false;
        break;
      }
      if (std::none_of(seen.begin(), seen.end(), [&](const Vec3& p) {
            return std::abs(p[0] - (*f.position)[0]) + std::abs(p[1] - (*f.position)[1]) +
                       std::abs(p[2] - (*f.position)[2]) <
                   1e-3;
          }))
        seen.push_back(*f.position);
    }
    distinctPositions = seen.size();
  }
  if (allPlaced && (distinctPositions > 1 || st.images.size() == 1)) {
    placeAlongNormal(st, headers);
  } else if (allPlaced && !s.multiFrame) {
    placeAlongNormal(st, headers);  // same position throughout: the duplicate warning stands
  } else if (allPlaced) {
    // One position, many frames: a time series; keep acquisition order.
    placeAlongNormal(st, headers);
    s.warnings.erase(std::remove_if(s.warnings.begin(), s.warnings.end(),
                                    [](const std::string& w) { return w.find("duplicates") != std::string::npos; }),
                     s.warnings.end());
  } else if (!s.multiFrame) {
    std::stable_sort(st.images.begin(), st.images.end(), [&](const ImageRef& a, const ImageRef& b) {
      return headers[a.file].instanceNumber < headers[b.file].instanceNumber;
    });
    if (st.images.size() > 1)
      s.warnings.push_back("no ImagePositionPatient/ImageOrientationPatient: sorted by InstanceNumber");
  }
  for (const auto& r : st.images) s.slices.push_back(sliceOf(headers[r.file], r.frame));
  if (s.hasPatientGeometry) s.origin = s.slices.front().position;
  if (s.multiFrame) setTiming(h0, s);
}

struct GroupKey {
  std::string study, series, orientation, layout;
  bool operator<(const GroupKey& o) const {
    return std::tie(study, series, orientation, layout) < std::tie(o.study, o.series, o.orientation, o.layout);
  }
};

// The same SOP instance twice (copies in a folder) is one image.
void rejectDuplicateInstances(std::vector<std::size_t>& files, std::vector<FileHeader>& headers,
                              std::vector<RejectedFile>& rejected) {
  std::map<std::string, std::size_t> firstWith;
  std::vector<std::size_t> kept;
  for (auto f : files) {
    const std::string& uid = headers[f].sopInstanceUid;
    auto it = uid.empty() ? firstWith.end() : firstWith.find(uid);
    if (it == firstWith.end()) {
      if (!uid.empty()) firstWith[uid] = f;
      kept.push_back(f);
      continue;
    }
    rejected.push_back(
        {headers[f].path, "duplicate SOP Instance UID " + uid + " (same as " + headers[it->second].path + ")"});
    headers[f].file.reset();
  }
  files.swap(kept);
}

// Majority size wins; the others cannot share the series' buffer.
void rejectOddSizes(std::vector<std::size_t>& files, std::vector<FileHeader>& headers,
                    std::vector<RejectedFile>& rejected) {
  std::map<std::string, std::size_t> counts;
  for (auto f : files) ++counts[sizeKey(headers[f])];
  if (counts.size() < 2) return;
  const auto best =
      std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  std::vector<std::size_t> kept;
  for (auto f : files) {
    if (sizeKey(headers[f]) == best->first) {
      kept.push_back(f);
    } else {
      rejected.push_back({headers[f].path, "inconsistent size within series " + headers[f].series.instanceUid + ": " +
                                               sizeKey(headers[f]) + " where " + std::to_string(best->second) +
                                               " other image(s) are " + best->first});
      headers[f].file.reset();
    }
  }
  files.swap(kept);
}

// A multi-frame file is its own cine or volume; an enhanced file with several
// orientations holds several stacks.
void addMultiFrame(std::size_t index, const std::vector<FileHeader>& headers, std::vector<Stack>& out) {
  const FileHeader& h = headers[index];
  std::map<std::string, Stack> byOrientation;
  std::vector<std::string> order;
  for (int f = 0; f < h.numberOfFrames; ++f) {
    const std::string key = orientationKey(h.frame(f).orientation);
    if (!byOrientation.count(key)) order.push_back(key);
    byOrientation[key].images.push_back({index, f});
  }
  for (const auto& k : order) out.push_back(std::move(byOrientation[k]));
}

}  // namespace

std::vector<Stack> buildStacks(std::vector<FileHeader>& headers, std::vector<RejectedFile>& rejected) {
  std::vector<Stack> stacks;
  std::map<GroupKey, std::vector<std::size_t>> singles;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const FileHeader& h = headers[i];
    if (h.numberOfFrames > 1 || h.enhanced) {
      addMultiFrame(i, headers, stacks);
    } else {
      singles[{h.study.instanceUid, h.series.instanceUid, orientationKey(h.frame(0).orientation), layoutKey(h)}]
          .push_back(i);
    }
  }
  for (auto& [key, files] : singles) {
    rejectDuplicateInstances(files, headers, rejected);
    rejectOddSizes(files, headers, rejected);
    Stack st;
    for (auto f : files) st.images.push_back({f, 0});
    stacks.push_back(std::move(st));
  }
  for (auto& st : stacks) finishStack(st, headers);
  std::stable_sort(stacks.begin(), stacks.end(), [](const Stack& a, const Stack& b) {
    return std::tie(a.meta.study.instanceUid, a.meta.series.number, a.meta.series.instanceUid) <
           std::tie(b.meta.study.instanceUid, b.meta.series.number, b.meta.series.instanceUid);
  });
  return stacks;
}

}  // namespace annulo
