#pragma once
// Internals shared by Phantom.cpp (synthesis) and PhantomWriter.cpp (DICOM output).
// Not part of the public API.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "annulo/phantom/Phantom.h"

namespace annulo::phantom_detail {

// splitmix64: tiny, fast and bit-identical on every platform, unlike the
// <random> distributions whose output is implementation-defined.
class Rng {
 public:
  explicit Rng(std::uint64_t state) : state_(state) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Box-Muller; used for the few per-shape random parameters.
  double normal();
  // Per-pixel noise: Irwin-Hall sum of the 8 bytes of one draw, rescaled to unit
  // variance. No libm call, so it is cheap and reproducible to the bit; the
  // tails are bounded at +-4.9 sigma, which a phantom does not miss.
  float fastNormal() {
    const std::uint64_t x = next();
    const std::uint64_t lanes = (x & 0x00FF00FF00FF00FFull) + ((x >> 8) & 0x00FF00FF00FF00FFull);
    const auto sum = static_cast<std::uint32_t>((lanes * 0x0001000100010001ull) >> 48);
    return (static_cast<float>(sum) - 1020.0f) * (1.0f / 209.0203f);
  }

 private:
  std::uint64_t state_;
};

// Independent random stream per (seed, role, index): changing one part of the
// phantom (e.g. the frame count) must not reshuffle the others.
std::uint64_t streamSeed(std::uint32_t seed, std::string_view role, std::uint64_t index = 0);

// "2.25." + decimal of a 128-bit hash of (seed, role): deterministic, unique per role.
std::string deterministicUid(std::uint32_t seed, std::string_view role);

// Fixed acquisition geometry of the cine.
inline constexpr double kXaFieldOfViewMm = 153.6;  // 0.3 mm x 512 at the detector
inline constexpr double kSourceDetectorMm = 1000.0;
inline constexpr double kSourcePatientMm = 750.0;
inline constexpr double kMrFieldOfViewMm = 281.6;  // 1.1 mm x 256
inline constexpr int kMrFullScale = 3000;          // MR signal 1.0 -> pixel value

// Noise-free contrast-free cine background plus the per-frame compositing.
class XaScene {
 public:
  XaScene(const PhantomOptions& options, XaTruth truth);
  int maxValue() const { return maxValue_; }
  // Writes columns*rows samples of frame `frame` (1-based).
  void renderFrame(int frame, std::uint8_t* out) const;
  void renderFrame(int frame, std::uint16_t* out) const;

 private:
  template <typename T>
  void render(int frame, T* out) const;

  XaTruth truth_;
  std::uint32_t seed_;
  int maxValue_;
  float noiseSigma_;               // relative to full scale, at full-scale signal
  std::vector<float> background_;  // transmitted intensity 0..1 before motion
};

// Sagittal T2 anatomy evaluated slice by slice.
struct MrStructures;
class MrScene {
 public:
  MrScene(const PhantomOptions& options, MrTruth truth);
  ~MrScene();
  MrScene(const MrScene&) = delete;
  MrScene& operator=(const MrScene&) = delete;
  // Writes columns*rows samples (0..4095) of slice `slice` (1-based).
  void renderSlice(int slice, std::uint16_t* out) const;

 private:
  MrTruth truth_;
  std::uint32_t seed_;
  float noiseSigma_;
  MrVariation variation_;
  std::array<double, 2> biasPhase_{};
  std::unique_ptr<const MrStructures> anatomy_;  // opaque: defined in Phantom.cpp
};

// Patient-LPS position of the centre of the first pixel of slice `slice` (1-based).
std::array<double, 3> mrSlicePosition(const MrTruth& truth, int slice);
// Row and column direction cosines shared by every slice.
inline constexpr std::array<double, 6> kMrOrientation = {0, 1, 0, 0, 0, -1};
std::array<double, 6> mrOrientation(const MrTruth& truth);
// True when the stored values are the template's (12 bits, no rescale, no flip).
bool mrStoresTemplateValues(const MrVariation& variation);
double mrSliceThicknessMm(const MrTruth& truth);
MrTruth makeMrTruth(const PhantomOptions& options);

}  // namespace annulo::phantom_detail
