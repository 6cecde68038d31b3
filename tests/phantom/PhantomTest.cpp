// Tests of the annulogram / MR phantom: determinism, truth/label consistency,
// pixel contrast in the written DICOM, headers, compressed syntaxes, dciodvfy
// and truth.json round trip.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "annulo/phantom/Phantom.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string("annulo_phantom_") + (info ? info->name() : "test") + "_" +
                             std::to_string(::getpid()) + "_" + std::to_string(counter++);
    path_ = fs::temp_directory_path() / name;
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

void ensureDecodersRegistered() {
  struct Registration {
    Registration() {
      DJDecoderRegistration::registerCodecs();
      DJLSDecoderRegistration::registerCodecs();
      DcmRLEDecoderRegistration::registerCodecs();
    }
    ~Registration() {
      DcmRLEDecoderRegistration::cleanup();
      DJLSDecoderRegistration::cleanup();
      DJDecoderRegistration::cleanup();
    }
  };
  static const Registration registration;
}

PhantomOptions smallOptions(std::uint32_t seed = 7) {
  PhantomOptions o;
  o.seed = seed;
  o.xaSize = 128;
  o.xaFrames = 12;
  o.mrSize = 64;
  o.mrSlices = 5;
  return o;
}

struct Pixels {
  std::string error;
  E_TransferSyntax storedSyntax = EXS_Unknown;
  int rows = 0, columns = 0, frames = 0, bitsAllocated = 0;
  std::vector<std::uint16_t> values;  // all frames, row-major

  std::uint16_t at(int frame, int x, int y) const {
    return values[(static_cast<std::size_t>(frame - 1) * rows + y) * columns + x];
  }
};

// Loads a file and decodes it to explicit little endian, whatever it was stored as.
Pixels readPixels(const fs::path& path) {
  ensureDecodersRegistered();
  Pixels px;
  DcmFileFormat file;
  if (OFCondition c = file.loadFile(path.string().c_str()); c.bad()) {
    px.error = "load " + path.string() + ": " + c.text();
    return px;
  }
  DcmDataset& ds = *file.getDataset();
  px.storedSyntax = ds.getOriginalXfer();
  if (OFCondition c = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr); c.bad()) {
    px.error = "decode " + path.string() + ": " + c.text();
    return px;
  }
  Uint16 rows = 0, columns = 0, bits = 0;
  Sint32 frames = 1;
  ds.findAndGetUint16(DCM_Rows, rows);
  ds.findAndGetUint16(DCM_Columns, columns);
  ds.findAndGetUint16(DCM_BitsAllocated, bits);
  if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).bad()) frames = 1;
  px.rows = rows;
  px.columns = columns;
  px.frames = frames;
  px.bitsAllocated = bits;
  const std::size_t count = static_cast<std::size_t>(rows) * columns * static_cast<std::size_t>(frames);
  if (bits == 8) {
    const Uint8* data = nullptr;
    unsigned long length = 0;
    if (ds.findAndGetUint8Array(DCM_PixelData, data, &length).bad() || length < count) {
      px.error = "no 8-bit pixel data in " + path.string();
      return px;
    }
    px.values.assign(data, data + count);
  } else {
    const Uint16* data = nullptr;
    unsigned long length = 0;
    if (ds.findAndGetUint16Array(DCM_PixelData, data, &length).bad() || length < count) {
      px.error = "no 16-bit pixel data in " + path.string();
      return px;
    }
    px.values.assign(data, data + count);
  }
  return px;
}

std::string readString(const fs::path& path, const DcmTagKey& key, int index = -1) {
  DcmFileFormat file;
  if (file.loadFile(path.string().c_str()).bad()) return "<unreadable>";
  OFString value;
  const OFCondition c = index < 0
                            ? file.getDataset()->findAndGetOFStringArray(key, value)
                            : file.getDataset()->findAndGetOFString(key, value, static_cast<unsigned long>(index));
  return c.good() ? value.c_str() : "<missing>";
}

double readNumber(const fs::path& path, const DcmTagKey& key, int index = 0) {
  return std::atof(readString(path, key, index).c_str());
}

std::string fileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path xaPath(const TempDir& dir) { return dir.path() / "xa" / "annulogram.dcm"; }
fs::path mrPath(const TempDir& dir, int slice) {
  char name[32];
  std::snprintf(name, sizeof name, "IM%04d.dcm", slice);
  return dir.path() / "mr" / name;
}

bool insideDisc(const XaTruth& t, int frame, double x, double y) {
  const auto& m = t.motion[static_cast<std::size_t>(frame - 1)];
  const double u = (x - t.discCenter[0] - m[0]) / t.discRadiusX;
  const double v = (y - t.discCenter[1] - m[1]) / t.discRadiusY;
  return u * u + v * v <= 1.0;
}

std::size_t countLabel(const std::vector<std::uint8_t>& labels, std::uint8_t value) {
  return static_cast<std::size_t>(std::count(labels.begin(), labels.end(), value));
}

bool validUid(const std::string& uid) {
  if (uid.empty() || uid.size() > 64 || uid.rfind("2.25.", 0) != 0) return false;
  std::size_t start = 0;
  while (start <= uid.size()) {
    const std::size_t dot = std::min(uid.find('.', start), uid.size());
    const std::string part = uid.substr(start, dot - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
    if (part.size() > 1 && part[0] == '0') return false;
    start = dot + 1;
  }
  return true;
}

// --------------------------------------------------------------------- determinism

TEST(Phantom, TruthAndLabelsArePureFunctionsOfTheOptions) {
  const PhantomOptions o = smallOptions();
  const PhantomTruth a = phantomTruth(o);
  const PhantomTruth b = phantomTruth(o);
  EXPECT_EQ(toJson(a), toJson(b));
  for (int f = 1; f <= o.xaFrames; ++f) EXPECT_EQ(phantomLabelMap(a.xa, f), phantomLabelMap(b.xa, f)) << f;
}

TEST(Phantom, SameOptionsWriteIdenticalFiles) {
  const PhantomOptions o = smallOptions();
  TempDir first, second;
  ASSERT_TRUE(writePhantom(o, first.str()).ok());
  ASSERT_TRUE(writePhantom(o, second.str()).ok());
  EXPECT_EQ(fileBytes(xaPath(first)), fileBytes(xaPath(second)));
  for (int s = 1; s <= o.mrSlices; ++s) EXPECT_EQ(fileBytes(mrPath(first, s)), fileBytes(mrPath(second, s))) << s;
  EXPECT_EQ(fileBytes(first.path() / "truth.json"), fileBytes(second.path() / "truth.json"));
}

TEST(Phantom, DifferentSeedsDiffer) {
  const PhantomTruth a = phantomTruth(smallOptions(1));
  const PhantomTruth b = phantomTruth(smallOptions(2));
  EXPECT_NE(a.studyInstanceUid, b.studyInstanceUid);
  EXPECT_NE(a.xa.discCenter, b.xa.discCenter);
  EXPECT_NE(a.xa.motion, b.xa.motion);
  EXPECT_NE(phantomLabelMap(a.xa, 12), phantomLabelMap(b.xa, 12));

  TempDir one, two;
  PhantomOptions o = smallOptions(1);
  o.writeMr = false;
  ASSERT_TRUE(writePhantom(o, one.str()).ok());
  o.seed = 2;
  ASSERT_TRUE(writePhantom(o, two.str()).ok());
  const Pixels p1 = readPixels(xaPath(one)), p2 = readPixels(xaPath(two));
  ASSERT_EQ(p1.error, "");
  ASSERT_EQ(p2.error, "");
  EXPECT_NE(p1.values, p2.values);
}

TEST(Phantom, UidsAreValidAndDistinct) {
  const PhantomTruth t = phantomTruth(PhantomOptions{});
  for (const std::string& uid :
       {t.studyInstanceUid, t.xa.seriesInstanceUid, t.xa.sopInstanceUid, t.mr.seriesInstanceUid}) {
    EXPECT_TRUE(validUid(uid)) << uid;
  }
  EXPECT_NE(t.xa.seriesInstanceUid, t.mr.seriesInstanceUid);
  EXPECT_NE(t.xa.seriesInstanceUid, t.xa.sopInstanceUid);
}

// ------------------------------------------------------------------ truth / labels

// Frames worth checking: every frame of small cines, the transitions of large ones.
std::vector<int> framesToCheck(const XaTruth& t) {
  std::vector<int> frames;
  if (t.columns <= 128) {
    for (int f = 1; f <= t.frames; ++f) frames.push_back(f);
    return frames;
  }
  frames = {1, t.fillStartFrame - 1, t.fillStartFrame, t.leakOnsetFrame - 1, t.leakOnsetFrame, t.frames};
  for (const TearTruth& tear : t.tears) frames.push_back(tear.onsetFrame);
  return frames;
}

TEST(Phantom, LabelTimelineFollowsTheTruth) {
  struct Config {
    int size, frames;
    std::uint32_t seeds;
  };
  for (const Config& config : {Config{64, 10, 40}, Config{128, 12, 40}, Config{512, 48, 10}}) {
    for (std::uint32_t seed = 1; seed <= config.seeds; ++seed) {
      PhantomOptions o;
      o.seed = seed;
      o.xaSize = config.size;
      o.xaFrames = config.frames;
      const XaTruth t = phantomTruth(o).xa;
      SCOPED_TRACE("seed " + std::to_string(seed) + " size " + std::to_string(config.size));
      ASSERT_GE(t.fillStartFrame, 2);
      ASSERT_GT(t.leakOnsetFrame, t.fillStartFrame);
      ASSERT_LE(t.leakOnsetFrame, t.frames);
      ASSERT_GE(t.tears.size(), 1u);
      ASSERT_LE(t.tears.size(), 2u);
      ASSERT_EQ(t.motion.size(), static_cast<std::size_t>(config.frames));
      for (const TearTruth& tear : t.tears) {
        // Posterior is image right: tears point to 2-4 o'clock.
        EXPECT_GE(tear.directionDeg, 55.0);
        EXPECT_LE(tear.directionDeg, 125.0);
        EXPECT_GE(tear.clock, 2);
        EXPECT_LE(tear.clock, 4);
        EXPECT_GE(tear.onsetFrame, t.leakOnsetFrame);
        EXPECT_LE(tear.onsetFrame, t.frames);
      }
      for (const auto& m : t.motion) EXPECT_LT(std::hypot(m[0], m[1]), 2.5);
      for (const int f : framesToCheck(t)) {
        const auto labels = phantomLabelMap(t, f);
        ASSERT_EQ(labels.size(), static_cast<std::size_t>(config.size) * config.size);
        const std::size_t disc = countLabel(labels, 1), leak = countLabel(labels, 2);
        if (f < t.fillStartFrame) {
          EXPECT_EQ(disc, 0u) << "frame " << f;
        } else {
          EXPECT_GT(disc, 0u) << "frame " << f;
        }
        if (f < t.leakOnsetFrame) {
          EXPECT_EQ(leak, 0u) << "frame " << f;
        } else {
          EXPECT_GT(leak, 0u) << "frame " << f;
        }
      }
    }
  }
}

TEST(Phantom, LabelsSplitAtTheDiscEllipse) {
  const XaTruth t = phantomTruth(PhantomOptions{}).xa;
  const int n = t.columns;
  const auto labels = phantomLabelMap(t, t.frames);
  std::size_t leak = 0;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const std::uint8_t label = labels[static_cast<std::size_t>(y) * n + x];
      if (label == 1) {
        EXPECT_TRUE(insideDisc(t, t.frames, x, y)) << x << "," << y;
      }
      if (label == 2) {
        EXPECT_FALSE(insideDisc(t, t.frames, x, y)) << x << "," << y;
        ++leak;
      }
    }
  }
  // Each tear reaches maxLengthPx at the last frame: roughly length x width pixels.
  double expected = 0;
  for (const TearTruth& tear : t.tears) expected += tear.maxLengthPx * tear.widthPx;
  EXPECT_GT(leak, 0.6 * expected);
  EXPECT_LT(leak, 1.6 * expected);
  EXPECT_EQ(countLabel(phantomLabelMap(t, 0), 1), 0u);
  EXPECT_EQ(countLabel(phantomLabelMap(t, t.frames + 1), 1), 0u);
}

// -------------------------------------------------------------------- XA pixels

// Contrast must be clearly visible: darker than the contrast-free disc, and a
// threshold between the two separates it with Dice >= 0.9 (away from the needle).
void expectVisibleContrast(int bitsAllocated, std::uint32_t seed) {
  PhantomOptions o = smallOptions(seed);
  o.xaBitsAllocated = bitsAllocated;
  o.writeMr = false;
  TempDir dir;
  const Result<PhantomTruth> written = writePhantom(o, dir.str());
  ASSERT_TRUE(written.ok()) << written.message();
  const XaTruth& t = written->xa;
  const Pixels px = readPixels(xaPath(dir));
  ASSERT_EQ(px.error, "");
  ASSERT_EQ(px.frames, o.xaFrames);
  const double full = bitsAllocated == 16 ? 4095.0 : 255.0;
  const int n = t.columns;

  for (int frame : {t.leakOnsetFrame, t.frames}) {
    SCOPED_TRACE("frame " + std::to_string(frame));
    const auto labels = phantomLabelMap(t, frame);
    const auto& m = t.motion[static_cast<std::size_t>(frame - 1)];
    auto nearNeedle = [&](int x, int y) {
      const double ax = t.needleTip[0] + m[0], ay = t.needleTip[1] + m[1];
      const double bx = t.needleEntry[0] + m[0], by = t.needleEntry[1] + m[1];
      const double vx = bx - ax, vy = by - ay;
      const double s = std::clamp(((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy), 0.0, 1.0);
      return std::hypot(x - ax - s * vx, y - ay - s * vy) < 3.0;
    };
    double sum[3] = {0, 0, 0};
    std::size_t count[3] = {0, 0, 0};
    double plainDisc = 0;
    std::size_t plainDiscCount = 0;
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        if (nearNeedle(x, y)) continue;
        const std::uint8_t label = labels[static_cast<std::size_t>(y) * n + x];
        const double v = px.at(frame, x, y);
        sum[label] += v;
        ++count[label];
        if (label == 0 && insideDisc(t, frame, x, y)) {
          plainDisc += v;
          ++plainDiscCount;
        }
      }
    }
    ASSERT_GT(count[1], 0u);
    ASSERT_GT(count[2], 0u);
    ASSERT_GT(plainDiscCount, 0u);
    const double meanContrast = sum[1] / count[1], meanLeak = sum[2] / count[2];
    const double meanDisc = plainDisc / plainDiscCount;
    EXPECT_LT(meanContrast, meanDisc - 0.25 * full);
    EXPECT_LT(meanLeak, meanDisc - 0.2 * full);

    // A plain subtraction segmenter recovers the labels with Dice >= 0.9 despite
    // the noise: mask = frame 1 (before any contrast) shifted by the known patient
    // motion, threshold at half the mean contrast drop. Only the needle, which the
    // contrast touches at the tip, is left out.
    std::vector<double> mask(static_cast<std::size_t>(n) * n);
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        const double sx = std::clamp(x - m[0], 0.0, n - 1.0), sy = std::clamp(y - m[1], 0.0, n - 1.0);
        const int x0 = std::min(static_cast<int>(sx), n - 2), y0 = std::min(static_cast<int>(sy), n - 2);
        const double fx = sx - x0, fy = sy - y0;
        mask[static_cast<std::size_t>(y) * n + x] =
            (1 - fy) * ((1 - fx) * px.at(1, x0, y0) + fx * px.at(1, x0 + 1, y0)) +
            fy * ((1 - fx) * px.at(1, x0, y0 + 1) + fx * px.at(1, x0 + 1, y0 + 1));
      }
    }
    auto darkening = [&](int x, int y) { return mask[static_cast<std::size_t>(y) * n + x] - px.at(frame, x, y); };
    double drop = 0;
    std::size_t dropCount = 0;
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        if (labels[static_cast<std::size_t>(y) * n + x] == 0 || nearNeedle(x, y)) continue;
        drop += darkening(x, y);
        ++dropCount;
      }
    }
    const double threshold = 0.5 * drop / dropCount;
    std::size_t both = 0, segmented = 0, truth = 0;
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        if (nearNeedle(x, y)) continue;
        const bool isContrast = labels[static_cast<std::size_t>(y) * n + x] != 0;
        const bool isDark = darkening(x, y) > threshold;
        both += isContrast && isDark;
        segmented += isDark;
        truth += isContrast;
      }
    }
    const double dice = 2.0 * both / static_cast<double>(segmented + truth);
    EXPECT_GE(dice, 0.9);
  }
}

TEST(Phantom, ContrastIsDarkerThanDisc8Bit) {
  for (const std::uint32_t seed : {11u, 34u, 2u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    expectVisibleContrast(8, seed);
  }
}
TEST(Phantom, ContrastIsDarkerThanDisc16Bit) { expectVisibleContrast(16, 5); }

TEST(Phantom, NoContrastBeforeFillStart) {
  PhantomOptions o = smallOptions(3);
  o.writeMr = false;
  o.noiseScale = 0;  // isolates the contrast from noise
  TempDir dir;
  const Result<PhantomTruth> written = writePhantom(o, dir.str());
  ASSERT_TRUE(written.ok()) << written.message();
  const Pixels px = readPixels(xaPath(dir));
  ASSERT_EQ(px.error, "");
  const XaTruth& t = written->xa;
  // The anterior half of the nucleus (away from the needle) darkens only once it fills.
  const int x = static_cast<int>(std::lround(t.discCenter[0] - 0.5 * t.nucleusRadiusX));
  const int y = static_cast<int>(std::lround(t.discCenter[1]));
  for (int f = 2; f < t.fillStartFrame; ++f) EXPECT_NEAR(px.at(f, x, y), px.at(1, x, y), 3) << f;
  EXPECT_GT(px.at(1, x, y), px.at(t.frames, x, y) + 60);
  EXPECT_LE(px.values.size(), static_cast<std::size_t>(o.xaSize) * o.xaSize * o.xaFrames);
}

// ---------------------------------------------------------------------- headers

TEST(Phantom, XaHeaderAtDefaultSize) {
  const PhantomOptions o;  // 512 x 512 x 48, 8-bit
  TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  const Result<PhantomTruth> written = writePhantom(o, dir.str());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_LT(seconds, 8.0);  // ~0.1 s in Release; generous for Debug and sanitizers
  const fs::path xa = xaPath(dir);
  EXPECT_EQ(readString(xa, DCM_SOPClassUID), UID_XRayAngiographicImageStorage);
  EXPECT_EQ(readString(xa, DCM_SOPInstanceUID), written->xa.sopInstanceUid);
  EXPECT_EQ(readString(xa, DCM_Modality), "XA");
  EXPECT_EQ(readString(xa, DCM_PatientName), "PHANTOM^ANNULOGRAM");
  EXPECT_EQ(readString(xa, DCM_Manufacturer), "Annulo Phantom");
  EXPECT_EQ(readString(xa, DCM_NumberOfFrames), "48");
  EXPECT_DOUBLE_EQ(readNumber(xa, DCM_FrameTime), 66.7);
  EXPECT_DOUBLE_EQ(readNumber(xa, DCM_ImagerPixelSpacing, 0), 0.3);
  EXPECT_DOUBLE_EQ(readNumber(xa, DCM_ImagerPixelSpacing, 1), 0.3);
  EXPECT_DOUBLE_EQ(written->xa.imagerPixelSpacingMm, 0.3);
  EXPECT_NEAR(readNumber(xa, DCM_EstimatedRadiographicMagnificationFactor), 1000.0 / 750.0, 1e-12);
  EXPECT_NEAR(written->xa.magnification,
              readNumber(xa, DCM_DistanceSourceToDetector) / readNumber(xa, DCM_DistanceSourceToPatient), 1e-12);
  EXPECT_EQ(readString(xa, DCM_FrameIncrementPointer), "(0018,1063)");
  EXPECT_EQ(readString(xa, DCM_BitsStored), "8");
  EXPECT_EQ(readString(xa, DCM_HighBit), "7");
  EXPECT_EQ(readString(xa, DCM_PhotometricInterpretation), "MONOCHROME2");
  EXPECT_EQ(readString(xa, DCM_PixelIntensityRelationship), "LIN");
  EXPECT_EQ(readString(xa, DCM_ImageType), "ORIGINAL\\PRIMARY\\SINGLE PLANE");
  EXPECT_EQ(readString(xa, DCM_StudyInstanceUID), readString(mrPath(dir, 1), DCM_StudyInstanceUID));
  EXPECT_EQ(readString(xa, DCM_StudyInstanceUID), written->studyInstanceUid);
  const Pixels px = readPixels(xa);
  ASSERT_EQ(px.error, "");
  EXPECT_EQ(px.rows, 512);
  EXPECT_EQ(px.columns, 512);
  EXPECT_EQ(px.storedSyntax, EXS_LittleEndianExplicit);
}

TEST(Phantom, XaHeader16BitAndScaledSpacing) {
  PhantomOptions o = smallOptions();
  o.xaBitsAllocated = 16;
  o.frameTimeMs = 33.3;
  o.writeMr = false;
  TempDir dir;
  ASSERT_TRUE(writePhantom(o, dir.str()).ok());
  const fs::path xa = xaPath(dir);
  EXPECT_EQ(readString(xa, DCM_BitsAllocated), "16");
  EXPECT_EQ(readString(xa, DCM_BitsStored), "12");
  EXPECT_EQ(readString(xa, DCM_HighBit), "11");
  EXPECT_DOUBLE_EQ(readNumber(xa, DCM_FrameTime), 33.3);
  EXPECT_EQ(readString(xa, DCM_NumberOfFrames), "12");
  // Field of view stays ~154 mm: 128 pixels of 1.2 mm.
  EXPECT_DOUBLE_EQ(readNumber(xa, DCM_ImagerPixelSpacing), 1.2);
  const Pixels px = readPixels(xa);
  ASSERT_EQ(px.error, "");
  EXPECT_LE(*std::max_element(px.values.begin(), px.values.end()), 4095);
  EXPECT_GT(*std::max_element(px.values.begin(), px.values.end()), 255);
}

TEST(Phantom, MrSeriesGeometry) {
  const PhantomOptions o = smallOptions();
  TempDir dir;
  const Result<PhantomTruth> written = writePhantom(o, dir.str());
  ASSERT_TRUE(written.ok()) << written.message();
  const MrTruth& mr = written->mr;
  EXPECT_EQ(mr.slices, 5);
  EXPECT_EQ(mr.hizSlice, 3);
  EXPECT_TRUE(mr.hizLevel == "L3-L4" || mr.hizLevel == "L4-L5" || mr.hizLevel == "L5-S1") << mr.hizLevel;
  double previous = -1e9;
  for (int s = 1; s <= o.mrSlices; ++s) {
    const fs::path path = mrPath(dir, s);
    ASSERT_TRUE(fs::exists(path)) << path;
    EXPECT_EQ(readString(path, DCM_SOPClassUID), UID_MRImageStorage);
    EXPECT_EQ(readString(path, DCM_ImageOrientationPatient), "0\\1\\0\\0\\0\\-1");
    EXPECT_EQ(readString(path, DCM_InstanceNumber), std::to_string(s));
    EXPECT_EQ(readString(path, DCM_SeriesInstanceUID), mr.seriesInstanceUid);
    EXPECT_EQ(readString(path, DCM_BitsStored), "12");
    EXPECT_EQ(readString(path, DCM_RescaleSlope), "1");
    EXPECT_DOUBLE_EQ(readNumber(path, DCM_PixelSpacing), mr.pixelSpacingMm);
    // Position along the slice normal (row x column = -X) grows with InstanceNumber.
    const double along = -readNumber(path, DCM_ImagePositionPatient, 0);
    if (s > 1) {
      EXPECT_NEAR(along - previous, mr.sliceSpacingMm, 1e-6);
    }
    previous = along;
  }
  // The high-intensity zone is a bright spot in the posterior annulus of the mid slice.
  const Pixels px = readPixels(mrPath(dir, mr.hizSlice));
  ASSERT_EQ(px.error, "");
  const int cx = static_cast<int>(std::lround(mr.hizPixel[0])), cy = static_cast<int>(std::lround(mr.hizPixel[1]));
  EXPECT_GT(px.at(1, cx, cy), 1800);
  EXPECT_NEAR(readNumber(mrPath(dir, mr.hizSlice), DCM_ImagePositionPatient, 0), mr.hizPositionMm[0], 1e-6);
}

TEST(Phantom, HizShowsAtFullResolution) {
  PhantomOptions o = smallOptions(5);
  o.mrSize = 256;
  o.mrSlices = 15;
  o.writeXa = false;
  TempDir dir;
  const Result<PhantomTruth> written = writePhantom(o, dir.str());
  ASSERT_TRUE(written.ok()) << written.message();
  const MrTruth& mr = written->mr;
  const Pixels mid = readPixels(mrPath(dir, mr.hizSlice));
  const Pixels side = readPixels(mrPath(dir, mr.hizSlice + 2));
  ASSERT_EQ(mid.error, "");
  ASSERT_EQ(side.error, "");
  const int cx = static_cast<int>(std::lround(mr.hizPixel[0])), cy = static_cast<int>(std::lround(mr.hizPixel[1]));
  // Bright in its slice, dark annulus 8 mm to the side.
  EXPECT_GT(mid.at(1, cx, cy), 2 * side.at(1, cx, cy));
}

// ----------------------------------------------------------- compressed syntaxes

TEST(Phantom, CompressedSyntaxesDecodeToTheSamePixels) {
  for (const int bits : {8, 16}) {
    PhantomOptions o = smallOptions(4);
    o.xaFrames = 6;
    o.mrSlices = 3;
    o.xaBitsAllocated = bits;
    TempDir plainDir;
    ASSERT_TRUE(writePhantom(o, plainDir.str()).ok());
    const Pixels plainXa = readPixels(xaPath(plainDir));
    const Pixels plainMr = readPixels(mrPath(plainDir, 2));
    ASSERT_EQ(plainXa.error, "");
    ASSERT_EQ(plainMr.error, "");
    const std::array<std::pair<PhantomSyntax, E_TransferSyntax>, 3> syntaxes = {
        {{PhantomSyntax::JpegLossless, EXS_JPEGProcess14SV1},
         {PhantomSyntax::Rle, EXS_RLELossless},
         {PhantomSyntax::JpegLs, EXS_JPEGLSLossless}}};
    for (const auto& [syntax, xfer] : syntaxes) {
      SCOPED_TRACE(std::string(DcmXfer(xfer).getXferName()) + ", " + std::to_string(bits) + " bits");
      o.syntax = syntax;
      TempDir dir;
      const Result<PhantomTruth> written = writePhantom(o, dir.str());
      ASSERT_TRUE(written.ok()) << written.message();
      const Pixels xa = readPixels(xaPath(dir));
      const Pixels mr = readPixels(mrPath(dir, 2));
      ASSERT_EQ(xa.error, "");
      ASSERT_EQ(mr.error, "");
      EXPECT_EQ(xa.storedSyntax, xfer);
      EXPECT_EQ(mr.storedSyntax, xfer);
      EXPECT_EQ(xa.frames, plainXa.frames);
      EXPECT_TRUE(xa.values == plainXa.values);
      EXPECT_TRUE(mr.values == plainMr.values);
    }
  }
}

// ---------------------------------------------------------------------- dciodvfy

// Runs dciodvfy and returns its output (stdout and stderr).
std::string runDciodvfy(const fs::path& path) {
  const std::string command = "dciodvfy '" + path.string() + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string output;
  if (!pipe) return "Error: cannot run dciodvfy";
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) output += buffer;
  return output;
}

TEST(Phantom, DciodvfyReportsNoErrors) {
  ANNULO_REQUIRE_TOOL("dciodvfy");
  for (const int bits : {8, 16}) {
    PhantomOptions o = smallOptions();
    o.xaBitsAllocated = bits;
    TempDir dir;
    ASSERT_TRUE(writePhantom(o, dir.str()).ok());
    for (const fs::path& path : {xaPath(dir), mrPath(dir, 3)}) {
      const std::string output = runDciodvfy(path);
      EXPECT_EQ(output.find("Error"), std::string::npos) << path << ":\n" << output;
      EXPECT_NE(output.find(path == xaPath(dir) ? "XAImage" : "MRImage"), std::string::npos) << output;
    }
  }
}

// ---------------------------------------------------------------------- truth.json

TEST(Phantom, TruthJsonRoundTrip) {
  PhantomOptions o = smallOptions(9);
  o.xaFrames = 30;  // room for a second tear in most seeds
  TempDir dir;
  const Result<PhantomTruth> written = writePhantom(o, dir.str());
  ASSERT_TRUE(written.ok()) << written.message();
  const Result<PhantomTruth> read = readPhantomTruth((dir.path() / "truth.json").string());
  ASSERT_TRUE(read.ok()) << read.message();
  const PhantomTruth& a = written.value();
  const PhantomTruth& b = read.value();
  EXPECT_EQ(toJson(a), toJson(b));
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.studyInstanceUid, b.studyInstanceUid);
  EXPECT_EQ(a.xa.seriesInstanceUid, b.xa.seriesInstanceUid);
  EXPECT_EQ(a.xa.sopInstanceUid, b.xa.sopInstanceUid);
  EXPECT_EQ(a.xa.frames, b.xa.frames);
  EXPECT_EQ(a.xa.frameTimeMs, b.xa.frameTimeMs);
  EXPECT_EQ(a.xa.discCenter, b.xa.discCenter);
  EXPECT_EQ(a.xa.discRadiusX, b.xa.discRadiusX);
  EXPECT_EQ(a.xa.nucleusRadiusY, b.xa.nucleusRadiusY);
  EXPECT_EQ(a.xa.needleTip, b.xa.needleTip);
  EXPECT_EQ(a.xa.needleEntry, b.xa.needleEntry);
  EXPECT_EQ(a.xa.fillStartFrame, b.xa.fillStartFrame);
  EXPECT_EQ(a.xa.leakOnsetFrame, b.xa.leakOnsetFrame);
  EXPECT_EQ(a.xa.motion, b.xa.motion);
  ASSERT_EQ(a.xa.tears.size(), b.xa.tears.size());
  for (std::size_t i = 0; i < a.xa.tears.size(); ++i) {
    EXPECT_EQ(a.xa.tears[i].exitPoint, b.xa.tears[i].exitPoint);
    EXPECT_EQ(a.xa.tears[i].directionDeg, b.xa.tears[i].directionDeg);
    EXPECT_EQ(a.xa.tears[i].clock, b.xa.tears[i].clock);
    EXPECT_EQ(a.xa.tears[i].onsetFrame, b.xa.tears[i].onsetFrame);
    EXPECT_EQ(a.xa.tears[i].widthPx, b.xa.tears[i].widthPx);
    EXPECT_EQ(a.xa.tears[i].maxLengthPx, b.xa.tears[i].maxLengthPx);
  }
  EXPECT_EQ(a.mr.hizLevel, b.mr.hizLevel);
  EXPECT_EQ(a.mr.hizSlice, b.mr.hizSlice);
  EXPECT_EQ(a.mr.hizPixel, b.mr.hizPixel);
  EXPECT_EQ(a.mr.hizPositionMm, b.mr.hizPositionMm);
  EXPECT_EQ(a.mr.hizRadiusMm, b.mr.hizRadiusMm);
  EXPECT_EQ(a.mr.pixelSpacingMm, b.mr.pixelSpacingMm);
  EXPECT_EQ(a.mr.sliceSpacingMm, b.mr.sliceSpacingMm);
  // The label maps rebuilt from the file match the ones of the original truth.
  for (int f = 1; f <= a.xa.frames; ++f) EXPECT_EQ(phantomLabelMap(a.xa, f), phantomLabelMap(b.xa, f)) << f;
}

TEST(Phantom, ReadTruthErrorsNameTheFile) {
  TempDir dir;
  const std::string missing = (dir.path() / "nope.json").string();
  const Result<PhantomTruth> none = readPhantomTruth(missing);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find(missing), std::string::npos);

  const std::string broken = (dir.path() / "broken.json").string();
  std::ofstream(broken) << "{\"seed\": 1, \"xa\": {";
  const Result<PhantomTruth> bad = readPhantomTruth(broken);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find(broken), std::string::npos);

  const std::string partial = (dir.path() / "partial.json").string();
  std::ofstream(partial) << "{\"seed\": 1, \"studyInstanceUid\": \"2.25.1\"}";
  const Result<PhantomTruth> incomplete = readPhantomTruth(partial);
  ASSERT_FALSE(incomplete.ok());
  EXPECT_NE(incomplete.message().find(partial), std::string::npos);
}

TEST(Phantom, InvalidOptionsAreRejected) {
  TempDir dir;
  PhantomOptions o = smallOptions();
  o.xaBitsAllocated = 12;
  const Result<PhantomTruth> result = writePhantom(o, dir.str());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.message().find("xaBitsAllocated"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "truth.json"));
}

TEST(Phantom, ShortCinesHaveNoLeak) {
  PhantomOptions o = smallOptions();
  o.xaFrames = 3;
  const XaTruth t = phantomTruth(o).xa;
  EXPECT_EQ(t.leakOnsetFrame, 0);
  EXPECT_TRUE(t.tears.empty());
  for (int f = 1; f <= 3; ++f) EXPECT_EQ(countLabel(phantomLabelMap(t, f), 2), 0u);
}

}  // namespace
}  // namespace annulo
