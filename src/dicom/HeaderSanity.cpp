#include "HeaderSanity.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

namespace annulo {
namespace {

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

bool finite(const Vec3& v) { return std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]); }

// Per-frame problems of an enhanced file are told once, with how many frames had them.
class FrameWarnings {
 public:
  void add(const std::string& text) { ++counts_[text]; }
  void flush(FileHeader& h) const {
    for (const auto& [text, n] : counts_) {
      const bool perFrame = h.frames.size() > 1;
      h.warnings.push_back(
          perFrame ? text + " (" + std::to_string(n) + " of " + std::to_string(h.frames.size()) + " frames)" : text);
    }
  }

 private:
  std::map<std::string, int> counts_;
};

std::string trimmed(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// PS3.5 6.2 IS: optional sign, digits only.
std::optional<long long> strictInteger(const std::string& text) {
  const std::string s = trimmed(text);
  std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i >= s.size() || s.size() - i > 12) return std::nullopt;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  return std::stoll(s);
}

// PS3.3 C.7.6.2.1.1: row and column direction cosines are unit vectors at right
// angles. Small rounding in DS strings is normalised away; anything else cannot
// place the image in the patient, so the orientation is dropped.
void checkOrientation(std::optional<std::array<double, 6>>& o, FrameWarnings& w) {
  if (!o) return;
  std::array<double, 6>& v = *o;
  double rowNorm = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  double colNorm = std::sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5]);
  std::ostringstream text;
  for (std::size_t i = 0; i < 6; ++i) text << (i ? "\\" : "") << fmt(v[i]);
  if (!std::isfinite(rowNorm) || !std::isfinite(colNorm) || rowNorm < 1e-6 || colNorm < 1e-6) {
    w.add("ImageOrientationPatient " + text.str() + " has a zero or non-numeric direction: orientation ignored");
    o.reset();
    return;
  }
  const double cosAngle = (v[0] * v[3] + v[1] * v[4] + v[2] * v[5]) / (rowNorm * colNorm);
  if (std::abs(cosAngle) > 0.01) {
    w.add("ImageOrientationPatient " + text.str() + ": row and column directions are not perpendicular (" +
          fmt(std::acos(std::clamp(cosAngle, -1.0, 1.0)) * 180.0 / M_PI) + " degrees): orientation ignored");
    o.reset();
    return;
  }
  if (std::abs(rowNorm - 1) > 0.01 || std::abs(colNorm - 1) > 0.01)
    w.add("ImageOrientationPatient " + text.str() + " is not made of unit vectors: normalised");
  for (std::size_t i = 0; i < 3; ++i) {
    v[i] /= rowNorm;
    v[i + 3] /= colNorm;
  }
}

bool validSpacing(const std::array<double, 2>& s) {
  return std::isfinite(s[0]) && std::isfinite(s[1]) && s[0] > 0 && s[1] > 0;
}

std::string spacingText(const std::array<double, 2>& s) { return fmt(s[0]) + "\\" + fmt(s[1]); }

// A modality value must survive the trip through a float (render, statistics):
// a slope or intercept that is not finite or sends the stored range past
// FLT_MAX (PS3.3 C.11.1.1.2 defines only the linear map) is dropped.
void checkRescale(FrameHeader& f, int bitsStored, FrameWarnings& w) {
  if (f.slope == 0) {  // would erase the image
    w.add("RescaleSlope 0 would map every pixel to " + fmt(f.intercept) + ": slope 1 used");
    f.slope = 1;
  }
  const double range = std::ldexp(1.0, std::min(bitsStored, 32));
  const double extreme = std::abs(f.slope) * range + std::abs(f.intercept);
  if (std::isfinite(f.slope) && std::isfinite(f.intercept) && extreme < double(std::numeric_limits<float>::max()))
    return;
  w.add("RescaleSlope " + fmt(f.slope) + " / RescaleIntercept " + fmt(f.intercept) +
        " overflow the modality values: rescale ignored, stored values shown");
  f.slope = 1;
  f.intercept = 0;
}

// PS3.3 C.11.2.1.2.1: Window Width >= 1 (LINEAR); zero, negative or
// non-numeric windows cannot be drawn.
void checkWindows(std::vector<WindowPreset>& windows, FrameWarnings& w) {
  std::vector<WindowPreset> kept;
  for (const auto& p : windows) {
    if (std::isfinite(p.center) && std::isfinite(p.width) && p.width > 0) {
      kept.push_back(p);
      continue;
    }
    w.add("window center " + fmt(p.center) + " / width " + fmt(p.width) +
          " cannot be drawn (width must be > 0): ignored");
  }
  windows.swap(kept);
}

void checkFrame(FrameHeader& f, int bitsStored, FrameWarnings& w) {
  if (f.position && !finite(*f.position)) {
    const Vec3& p = *f.position;
    w.add("ImagePositionPatient " + fmt(p[0]) + "\\" + fmt(p[1]) + "\\" + fmt(p[2]) +
          " is not a number: position ignored");
    f.position.reset();
  }
  checkOrientation(f.orientation, w);
  if (f.pixelSpacing && !validSpacing(*f.pixelSpacing)) {
    w.add("PixelSpacing " + spacingText(*f.pixelSpacing) + " is not a positive length: ignored, lengths in pixels");
    f.pixelSpacing.reset();
  }
  if (!std::isfinite(f.sliceThickness) || f.sliceThickness < 0) f.sliceThickness = 0;
  if (!std::isfinite(f.spacingBetweenSlices)) f.spacingBetweenSlices = 0;
  checkRescale(f, bitsStored, w);
  checkWindows(f.windows, w);
}

// PS3.3 C.8.7.10 / C.8.19.6: the patient lies between source and detector, so
// the magnification SID/SOD (or its estimate) is at least 1. An impossible
// factor never calibrates: the detector plane is used and the user told why.
void checkCalibration(FileHeader& h) {
  auto note = [&](const std::string& text) {
    h.warnings.push_back(text);
    h.calibrationNote += (h.calibrationNote.empty() ? "" : "; ") + text;
  };
  if (h.imagerPixelSpacing && !validSpacing(*h.imagerPixelSpacing)) {
    note("ImagerPixelSpacing " + spacingText(*h.imagerPixelSpacing) + " is not a positive length: ignored");
    h.imagerPixelSpacing.reset();
  }
  if (h.pixelSpacing && !validSpacing(*h.pixelSpacing)) {
    note("PixelSpacing " + spacingText(*h.pixelSpacing) + " is not a positive length: ignored");
    h.pixelSpacing.reset();
  }
  const double m = h.magnificationFactor;
  if (m != 0 && (!std::isfinite(m) || m < 1)) {
    note("EstimatedRadiographicMagnificationFactor " + fmt(m) + " is below 1 (impossible): not used");
    h.magnificationFactor = 0;
  }
  const double sid = h.distanceSourceToDetector, sod = h.distanceSourceToPatient;
  const bool given = sid != 0 || sod != 0;
  if (given && (!std::isfinite(sid) || !std::isfinite(sod) || sid <= 0 || sod <= 0 || sid < sod)) {
    note("DistanceSourceToDetector " + fmt(sid) + " mm with DistanceSourceToPatient " + fmt(sod) +
         " mm is impossible (the patient lies between source and detector): magnification not used");
    h.distanceSourceToDetector = h.distanceSourceToPatient = 0;
  }
}

// PS3.3 C.7.6.5.1: frame times are intervals, never negative.
void checkTiming(FileHeader& h) {
  auto positiveOrZero = [&](double& v, const char* name) {
    if (v == 0 || (std::isfinite(v) && v > 0)) return;
    h.warnings.push_back(std::string(name) + " " + fmt(v) + " is negative or not a number: ignored");
    v = 0;
  };
  positiveOrZero(h.frameTime, "FrameTime");
  positiveOrZero(h.cineRate, "CineRate");
  positiveOrZero(h.recommendedDisplayFrameRate, "RecommendedDisplayFrameRate");
  for (std::size_t i = 0; i < h.frameTimeVector.size(); ++i) {
    const double v = h.frameTimeVector[i];
    if (std::isfinite(v) && v >= 0) continue;
    h.warnings.push_back("FrameTimeVector entry " + std::to_string(i + 1) + " is " + fmt(v) +
                         " (negative or not a number): vector ignored");
    h.frameTimeVector.clear();
    break;
  }
}

}  // namespace

Status checkFrameCount(DcmItem* ds, FileHeader& h) {
  if (!ds->tagExists(DCM_NumberOfFrames)) return {};
  OFString raw;
  ds->findAndGetOFStringArray(DCM_NumberOfFrames, raw, OFFalse);
  const std::string text = raw.c_str();
  if (auto n = strictInteger(text)) {
    if (*n < 1 || *n > std::numeric_limits<int>::max()) return makeError("NumberOfFrames is " + trimmed(text));
    h.numberOfFrames = int(*n);
    return {};
  }
  const std::uint64_t frame = h.frameBytes();
  if (!h.encapsulated && frame > 0 && h.pixelDataLength >= frame && h.pixelDataLength / frame <= 1u << 20 &&
      h.pixelDataLength - (h.pixelDataLength / frame) * frame <= 1) {  // one pad byte at most (PS3.5 8.1.1)
    h.numberOfFrames = int(h.pixelDataLength / frame);
    h.warnings.push_back("NumberOfFrames '" + trimmed(text) + "' is not a number: " + std::to_string(h.numberOfFrames) +
                         " frame(s) read, as many as the pixel data holds");
    return {};
  }
  return makeError("NumberOfFrames '" + trimmed(text) + "' is not a number");
}

void checkBitLayout(FileHeader& h) {
  if (h.bitsStored <= 0 || h.bitsStored > h.bitsAllocated) return;  // refused by the layout check
  if (h.highBit + 1 >= h.bitsStored && h.highBit < h.bitsAllocated) return;
  h.warnings.push_back("HighBit " + std::to_string(h.highBit) + " is inconsistent with BitsStored " +
                       std::to_string(h.bitsStored) + " and BitsAllocated " + std::to_string(h.bitsAllocated) +
                       ": HighBit " + std::to_string(h.bitsStored - 1) + " used");
  h.highBit = h.bitsStored - 1;
}

void checkHeaderValues(FileHeader& h) {
  FrameWarnings w;
  for (FrameHeader& f : h.frames) checkFrame(f, h.bitsStored, w);
  w.flush(h);
  checkCalibration(h);
  checkTiming(h);
  if (!h.encapsulated && h.numberOfFrames >= 1) {
    // More whole frames than NumberOfFrames says: the count is wrong or the
    // data is padded; only the announced frames are read, and the user told.
    const std::uint64_t frame = h.frameBytes();
    const std::uint64_t held = frame ? h.pixelDataLength / frame : 0;
    if (held > std::uint64_t(h.numberOfFrames))
      h.warnings.push_back("pixel data holds " + std::to_string(held) + " frames but NumberOfFrames is " +
                           std::to_string(h.numberOfFrames) + ": " + std::to_string(h.numberOfFrames) + " read");
  }
}

}  // namespace annulo
