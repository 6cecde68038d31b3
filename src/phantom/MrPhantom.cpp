// MR phantom: a sagittal T2 lumbar spine with a high-intensity zone in the
// posterior annulus of one disc (conventions in Phantom.cpp's header comment).

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <utility>

#include "annulo/phantom/Phantom.h"
#include "phantom/PhantomDetail.h"
#include "phantom/Shapes.h"

namespace annulo {
namespace phantom_detail {

// ------------------------------------------------------------------------------- MR

// One vertebral body or disc, in the mid-sagittal plane (mm, LPS y and z).
struct MrElement {
  std::string name;
  bool disc = false;
  bool sacral = false;
  double y = 0, z = 0;          // centre
  double halfDepth = 0;         // AP
  double halfHeight = 0;        // SI
  double angle = 0;             // tilt of the spinal axis (radians, + = top posterior)
  double lateralHalfWidth = 0;  // half width in x (mm)
  double signal = 0;            // marrow or nucleus signal
};

struct MrStructures {
  std::vector<MrElement> elements;  // head to feet
  double apexZ = 0, apexY = 0, curvature = 0, sacralZ = 0, sacralCurvature = 0;
  double conusZ = 0, aortaBifurcationZ = 0;
  std::size_t hizElement = 0;
  double hizRadius = 0;
  // Rendering constants that the anatomy variants change (defaults: the template).
  double canalHalfMm = 7;  // thecal sac half width at the midline
  double bodyCornerMm = 3.0;
  double discCornerMm = 2.5;
  double endplateRimMm = 1.2;

  double spineY(double z) const {
    double y = apexY + curvature * (z - apexZ) * (z - apexZ);
    if (z < sacralZ) y += sacralCurvature * (sacralZ - z) * (sacralZ - z);
    return y;
  }
  double spineAngle(double z) const {
    double slope = 2 * curvature * (z - apexZ);
    if (z < sacralZ) slope -= 2 * sacralCurvature * (sacralZ - z);
    return std::atan(slope);
  }
};

namespace {

// Another rendering of the anatomy (MrVariation::anatomy > 0), from its own random
// stream so the template's draws are untouched: disc heights, lordosis, sacral tilt,
// body depth and corners, canal width and degenerated (dark) discs.
void varyAnatomy(MrStructures& a, std::vector<double>& heights, std::uint32_t seed, int variant, bool heightsOnly) {
  Rng v(streamSeed(seed, "mr-anatomy-variant", static_cast<std::uint64_t>(variant)));
  if (heightsOnly) {
    const double discScale = v.uniform(0.65, 1.3), bodyScale = v.uniform(0.88, 1.12);
    for (std::size_t i = 0; i < heights.size(); ++i)
      heights[i] *= (i % 2 == 1 ? discScale * v.uniform(0.85, 1.15) : bodyScale * v.uniform(0.95, 1.05));
    return;
  }
  v.next();  // a different sequence from the heights' draws
  a.curvature = v.uniform(0.0003, 0.0022);
  a.sacralCurvature = v.uniform(0.002, 0.008);
  a.canalHalfMm = v.uniform(4.5, 9.0);
  a.bodyCornerMm = v.uniform(1.5, 6.0);
  a.discCornerMm = v.uniform(1.0, 3.5);
  a.endplateRimMm = v.uniform(0.8, 2.0);
  const double depthScale = v.uniform(0.85, 1.2);
  for (MrElement& e : a.elements) {
    e.halfDepth *= depthScale;
    if (e.disc && !e.sacral && v.uniform() < 0.3) e.signal = v.uniform(0.28, 0.5);  // degenerated
    if (e.disc && !e.sacral && e.signal > 0.6) e.signal = v.uniform(0.7, 0.95);
    if (!e.disc) e.signal = v.uniform(0.3, 0.55);
  }
}

MrStructures makeMrStructures(std::uint32_t seed, const MrVariation& variation = {}) {
  struct Spec {
    const char* name;
    bool disc;
    double height;
  };
  static const Spec kStack[] = {{"T12", false, 25}, {"T12-L1", true, 7}, {"L1", false, 26}, {"L1-L2", true, 8},
                                {"L2", false, 27},  {"L2-L3", true, 9},  {"L3", false, 28}, {"L3-L4", true, 10},
                                {"L4", false, 28},  {"L4-L5", true, 11}, {"L5", false, 27}, {"L5-S1", true, 10},
                                {"S1", false, 26},  {"S1-S2", true, 2},  {"S2", false, 20}, {"S2-S3", true, 2},
                                {"S3", false, 16}};
  Rng g(streamSeed(seed, "mr-anatomy"));
  MrStructures a;
  std::vector<double> heights;
  for (const Spec& spec : kStack) {
    const double jitter = std::max(-2.0, std::min(2.0, g.normal()));
    heights.push_back(spec.height * (1.0 + 0.04 * jitter));
  }
  if (variation.anatomy > 0) varyAnatomy(a, heights, seed, variation.anatomy, true);

  // Place the L4-L5 centre near the middle of the field, stack the rest along z.
  const double l45 = -20.0 + g.uniform(-6, 6);
  const std::size_t l45Index = 9;
  double top = l45 + 0.5 * heights[l45Index];
  for (std::size_t i = 0; i < l45Index; ++i) top += heights[i];
  a.apexZ = l45 + g.uniform(35, 55);  // lordosis apex around L3
  a.apexY = -12.0 + g.uniform(-4, 4);
  a.curvature = g.uniform(0.0009, 0.0014);
  double z = top;
  const double halfDepth = 17.5 * g.uniform(0.95, 1.05);
  const double degeneration = g.uniform();
  for (std::size_t i = 0; i < heights.size(); ++i) {
    MrElement e;
    e.name = kStack[i].name;
    e.disc = kStack[i].disc;
    e.sacral = e.name[0] == 'S';
    e.halfHeight = 0.5 * heights[i];
    e.z = z - e.halfHeight;
    z -= heights[i];
    e.halfDepth = e.sacral ? halfDepth * (e.name == "S1" ? 1.0 : e.name == "S2" ? 0.8 : 0.65) : halfDepth;
    e.lateralHalfWidth = e.name == "S1" ? 45 : e.name == "S2" ? 38 : e.name == "S3" ? 30 : 24 + g.uniform(0, 2);
    if (e.disc) {
      e.signal = 0.85 + g.uniform(-0.04, 0.04);
      if (e.name == "L5-S1") e.signal = degeneration < 0.5 ? 0.35 : 0.6;  // often a darker disc
      if (e.sacral) e.signal = 0.15;
    } else {
      e.signal = 0.42 + g.uniform(-0.04, 0.04);
    }
    if (e.name == "L5-S1") a.sacralZ = e.z;
    if (e.name == "L1-L2") a.conusZ = e.z;
    if (e.name == "L4") a.aortaBifurcationZ = e.z;
    a.elements.push_back(e);
  }
  a.sacralCurvature = g.uniform(0.004, 0.006);
  if (variation.anatomy > 0) varyAnatomy(a, heights, seed, variation.anatomy, false);
  for (auto& e : a.elements) {
    e.y = a.spineY(e.z);
    e.angle = a.spineAngle(e.z);
  }

  // High-intensity zone: L4-L5 most of the time, otherwise a neighbour.
  const double pick = g.uniform();
  std::string level = pick < 0.6 ? "L4-L5" : pick < 0.8 ? "L5-S1" : "L3-L4";
  if (!variation.hizLevel.empty()) level = variation.hizLevel;
  for (std::size_t i = 0; i < a.elements.size(); ++i) {
    if (a.elements[i].name == level) a.hizElement = i;
  }
  a.hizRadius = g.uniform(2.0, 3.0);
  if (variation.hizDiameterMm > 0) a.hizRadius = 0.5 * variation.hizDiameterMm;
  return a;
}

struct SagittalSection {
  double centreU;  // local AP offset of the section's centre
  double halfDepth;
  double halfHeight;
};

// Sagittal section of a body or disc at lateral offset x: shorter AP the further
// from the midline, with the flat posterior wall moving less than the anterior one.
bool sectionAt(const MrElement& e, double x, SagittalSection& out) {
  const double r = x / e.lateralHalfWidth;
  if (std::abs(r) >= 1.0) return false;
  const double f = std::sqrt(1.0 - r * r);
  const double depth = e.halfDepth * (0.3 + 0.7 * f);
  const double posterior = e.halfDepth - 0.25 * (e.halfDepth - depth);
  out = {posterior - depth, depth, e.halfHeight * (0.9 + 0.1 * f)};
  return true;
}

constexpr double kDiscBulgeMm = 0.8;
constexpr double kNucleusOffsetMm = 1.0;

// Local frame of an element: u posterior, v superior.
struct Frame {
  double y, z, c, s;
  double u(double py, double pz) const { return (py - y) * c - (pz - z) * s; }
  double v(double py, double pz) const { return (py - y) * s + (pz - z) * c; }
  double worldY(double u, double v) const { return y + u * c + v * s; }
  double worldZ(double u, double v) const { return z - u * s + v * c; }
};
Frame frameOf(const MrElement& e) { return {e.y, e.z, std::cos(e.angle), std::sin(e.angle)}; }

// Disc local position of the high-intensity zone: posterior annulus, mid height.
double hizLocalU(const MrElement& disc, double radius) {
  SagittalSection sec{};
  sectionAt(disc, 0.0, sec);
  return sec.centreU + sec.halfDepth + kDiscBulgeMm - radius - 0.8;
}

// A float image in mm coordinates of one sagittal slice.
class Slice {
 public:
  Slice(const MrTruth& t, double x)
      : n_(t.columns),
        ps_(t.pixelSpacingMm),
        x_(x),
        y0_(-(t.columns - 1) * 0.5 * ps_),
        z0_((t.rows - 1) * 0.5 * ps_ + t.fieldShiftMm),
        values_(static_cast<std::size_t>(n_) * n_, 0.0f) {}

  double x() const { return x_; }
  double y(int column) const { return y0_ + column * ps_; }
  double z(int row) const { return z0_ - row * ps_; }
  std::vector<float>& values() { return values_; }
  const std::vector<float>& values() const { return values_; }

  // Fills [y1, y2] of a row with `value`, partial pixels blended by overlap.
  void span(int row, double y1, double y2, double value) {
    if (y2 <= y1) return;
    // Clamp in double first: callers pass +-1e9 for "to the edge".
    const double last = n_ - 1;
    const int c1 = static_cast<int>(std::max(0.0, std::min(last, std::floor((y1 - y0_) / ps_ - 0.5))));
    const int c2 = static_cast<int>(std::max(0.0, std::min(last, std::ceil((y2 - y0_) / ps_ + 0.5))));
    float* dst = &values_[static_cast<std::size_t>(row) * n_];
    for (int c = c1; c <= c2; ++c) {
      const double lo = y(c) - 0.5 * ps_, hi = lo + ps_;
      const double w = clamp01((std::min(hi, y2) - std::max(lo, y1)) / ps_);
      dst[c] = static_cast<float>(dst[c] + w * (value - dst[c]));
    }
  }

  // Paints a shape given by its signed distance in mm, over a mm bounding box.
  template <typename Sdf, typename Value>
  void shape(double yMin, double yMax, double zMin, double zMax, Sdf sdf, Value value) {
    const int c1 = std::max(0, static_cast<int>(std::floor((yMin - y0_) / ps_)) - 1);
    const int c2 = std::min(n_ - 1, static_cast<int>(std::ceil((yMax - y0_) / ps_)) + 1);
    const int r1 = std::max(0, static_cast<int>(std::floor((z0_ - zMax) / ps_)) - 1);
    const int r2 = std::min(n_ - 1, static_cast<int>(std::ceil((z0_ - zMin) / ps_)) + 1);
    for (int r = r1; r <= r2; ++r) {
      const double pz = z(r);
      float* dst = &values_[static_cast<std::size_t>(r) * n_];
      for (int c = c1; c <= c2; ++c) {
        const double d = sdf(y(c), pz);
        const double cover = coverage(d / ps_);
        if (cover <= 0) continue;
        dst[c] = static_cast<float>(dst[c] + cover * (value(d, y(c), pz) - dst[c]));
      }
    }
  }

  // Rotated rounded rectangle in an element's frame, with an optional darker rim.
  void box(const Frame& f, double centreU, double centreV, double halfU, double halfV, double radius, double value,
           double rimValue = -1, double rimWidth = 0) {
    const double extent = std::hypot(std::abs(centreU) + halfU, std::abs(centreV) + halfV);
    shape(
        f.y - extent, f.y + extent, f.z - extent, f.z + extent,
        [&](double py, double pz) {
          return roundedBoxSdf(f.u(py, pz) - centreU, f.v(py, pz) - centreV, halfU, halfV, radius);
        },
        [&](double d, double, double) { return rimValue >= 0 && d > -rimWidth ? rimValue : value; });
  }

  void ellipse(const Frame& f, double centreU, double centreV, double ru, double rv, double value) {
    const double extent = std::hypot(std::abs(centreU) + ru, std::abs(centreV) + rv);
    shape(
        f.y - extent, f.y + extent, f.z - extent, f.z + extent,
        [&](double py, double pz) { return ellipseSdf(f.u(py, pz) - centreU, f.v(py, pz) - centreV, ru, rv); },
        [&](double, double, double) { return value; });
  }

  void disk(double cy, double cz, double radius, double value) {
    shape(
        cy - radius, cy + radius, cz - radius, cz + radius,
        [&](double py, double pz) { return std::hypot(py - cy, pz - cz) - radius; },
        [&](double, double, double) { return value; });
  }

 private:
  int n_;
  double ps_, x_, y0_, z0_;
  std::vector<float> values_;
};

// Soft tissue, canal contents and vessels, row by row along the spinal curve.
void paintSoftTissue(Slice& s, const MrStructures& a, int rows, double nominalDepth) {
  const double ax = std::abs(s.x());
  const double csfWidth = a.canalHalfMm + 2;
  const double csf = ax < csfWidth ? std::sqrt(1.0 - (ax / csfWidth) * (ax / csfWidth)) : 0.0;
  const double cord = ax < 4.5 ? std::sqrt(1.0 - (ax / 4.5) * (ax / 4.5)) : 0.0;
  const double aortaChord = std::abs(s.x() - 15) < 10 ? std::sqrt(100 - (s.x() - 15) * (s.x() - 15)) : 0.0;
  const double ivcChord = std::abs(s.x() + 18) < 11 ? std::sqrt(121 - (s.x() + 18) * (s.x() + 18)) : 0.0;
  for (int r = 0; r < rows; ++r) {
    const double z = s.z(r);
    const double wall = a.spineY(z) + nominalDepth;  // posterior vertebral wall
    const double anteriorWall = wall - 2 * nominalDepth;
    const double skin = wall + 78;
    // The belly does not follow the lordosis: a gentle bulge only.
    const double belly = -0.5 * kMrFieldOfViewMm + 8 + 6 * std::cos(z / 90.0);
    s.span(r, -1e9, belly, 0.0);                     // air in front of the abdomen
    s.span(r, belly, belly + 12, 0.72);              // anterior subcutaneous fat
    s.span(r, belly + 12, anteriorWall - 22, 0.32);  // abdominal contents
    // Retroperitoneal fat in the midline, psoas laterally.
    s.span(r, anteriorWall - 22, wall, ax < 15 ? 0.52 : 0.24);
    if (aortaChord > 0 && z > a.aortaBifurcationZ) s.span(r, anteriorWall - 3 - 2 * aortaChord, anteriorWall - 3, 0.04);
    if (ivcChord > 0 && z > a.aortaBifurcationZ - 10)
      s.span(r, anteriorWall - 4 - 2 * ivcChord, anteriorWall - 4, 0.45);
    s.span(r, wall, wall + 20, ax < 12 ? 0.65 : 0.24);  // epidural fat, or muscle laterally
    if (csf > 0 && z > a.sacralZ - 40) {
      const double mid = wall + (2.5 + a.canalHalfMm);                        // the sac starts 2.5 mm behind the wall
      s.span(r, wall + 0.8, wall + 1.6, 0.08);                                // posterior longitudinal ligament
      s.span(r, mid - a.canalHalfMm * csf, mid + a.canalHalfMm * csf, 0.95);  // thecal sac
      if (cord > 0 && z > a.conusZ - 5) {
        const double taper = clamp01((z - (a.conusZ - 5)) / 25.0);
        s.span(r, mid - 4 * cord * taper, mid + 4 * cord * taper, 0.35);  // cord and conus
      } else if (ax < 4) {
        s.span(r, mid + 1.5, mid + 2.7, 0.45);  // cauda equina roots
        s.span(r, mid + 3.8, mid + 4.8, 0.45);
      }
    }
    s.span(r, wall + 20, skin - 14, 0.22);  // paraspinal muscles
    s.span(r, skin - 14, skin, 0.74);       // posterior subcutaneous fat
    s.span(r, skin, 1e9, 0.0);
  }
}

void paintPosteriorElements(Slice& s, const MrElement& body, double canalDepth) {
  const double ax = std::abs(s.x());
  const Frame f = frameOf(body);
  const double a = body.halfDepth, b = body.halfHeight;
  if (ax >= 11 && ax <= 24) {
    // Foramen under the pedicle (fat with the exiting root), pedicle, articular pillar.
    s.ellipse(f, a + 7, -b - 4, 7, 0.55 * b + 4, 0.62);
    s.ellipse(f, a + 8, -b + 0.3 * b, 2.5, 3.0, 0.2);
    s.box(f, a + 8, 0.2 * b, 9, 0.3 * b, 3, 0.4, 0.1, 1.2);
    s.box(f, a + 25, -0.4 * b, 6, 0.8 * b, 3, 0.38, 0.1, 1.2);
  }
  if (ax < 14) s.box(f, a + canalDepth + 5, -0.1 * b, 5, 0.45 * b, 2, 0.38, 0.1, 1.2);   // lamina
  if (ax < 6) s.box(f, a + canalDepth + 22, -0.3 * b, 15, 0.45 * b, 4, 0.40, 0.1, 1.2);  // spinous process
}

void paintDisc(Slice& s, const MrElement& e, const SagittalSection& sec, double corner) {
  const Frame f = frameOf(e);
  s.box(f, sec.centreU + kDiscBulgeMm * 0.5, 0, sec.halfDepth + kDiscBulgeMm * 0.5, sec.halfHeight, corner,
        e.sacral ? 0.12 : 0.2);
  const double nucleusHalfWidth = 0.55 * e.lateralHalfWidth;
  const double r = s.x() / nucleusHalfWidth;
  if (e.sacral || std::abs(r) >= 1) return;
  const double k = std::sqrt(1 - r * r);
  const double ru = 0.52 * e.halfDepth * k, rv = 0.72 * e.halfHeight * std::sqrt(k);
  s.ellipse(f, kNucleusOffsetMm, 0, ru, rv, e.signal);
  s.box(f, kNucleusOffsetMm, 0, 0.7 * ru, 0.4, 0.4, 0.8 * e.signal);  // intranuclear cleft
}

void paintBody(Slice& s, const MrElement& e, const SagittalSection& sec, double corner, double rim) {
  s.box(frameOf(e), sec.centreU, 0, sec.halfDepth, sec.halfHeight, corner, e.signal, 0.08, rim);
}

// Signal to stored pixel values, with the coil shading and Rician noise.
struct Quantiser {
  const MrTruth& truth;
  const MrVariation& variation;
  std::uint32_t seed;
  float noiseSigma;
  std::array<double, 2> biasPhase;
  void plain(const Slice& s, int slice, std::uint16_t* out) const;
  void varied(const Slice& s, int slice, std::uint16_t* out) const;
};

}  // namespace

bool mrStoresTemplateValues(const MrVariation& v) {
  return v.valueScale == 1 && v.rescaleSlope == 1 && v.rescaleIntercept == 0 && v.biasField == 0 && !v.anteriorRight;
}

MrScene::MrScene(const PhantomOptions& options, MrTruth truth)
    : truth_(std::move(truth)),
      seed_(options.seed),
      noiseSigma_(static_cast<float>(0.02 * options.noiseScale)),
      variation_(options.mr),
      anatomy_(std::make_unique<MrStructures>(makeMrStructures(options.seed, options.mr))) {
  Rng g(streamSeed(options.seed, "mr-bias-field"));
  biasPhase_ = {g.uniform(0, 6.283185307179586), g.uniform(0, 6.283185307179586)};
}

MrScene::~MrScene() = default;

void MrScene::renderSlice(int slice, std::uint16_t* out) const {
  const MrStructures& a = *anatomy_;
  const std::array<double, 3> origin = mrSlicePosition(truth_, slice);
  Slice s(truth_, origin[0]);
  const double nominalDepth = a.elements.front().halfDepth;
  constexpr double kCanalDepth = 18.0;
  paintSoftTissue(s, a, truth_.rows, nominalDepth);

  SagittalSection sec{};
  for (const MrElement& e : a.elements) {
    if (e.disc && sectionAt(e, s.x(), sec)) paintDisc(s, e, sec, a.discCornerMm);
  }
  for (const MrElement& e : a.elements) {
    if (!e.disc && sectionAt(e, s.x(), sec)) paintBody(s, e, sec, a.bodyCornerMm, a.endplateRimMm);
  }
  for (const MrElement& e : a.elements) {
    if (!e.disc && !e.sacral) paintPosteriorElements(s, e, kCanalDepth);
  }
  const double dx = s.x() - truth_.hizPositionMm[0];
  const double hizR = truth_.hizRadiusMm;
  if (truth_.hasHiz && std::abs(dx) < hizR) {
    s.disk(truth_.hizPositionMm[1], truth_.hizPositionMm[2], std::sqrt(hizR * hizR - dx * dx), truth_.hizSignal);
  }
  const Quantiser q{truth_, variation_, seed_, noiseSigma_, biasPhase_};
  if (mrStoresTemplateValues(variation_)) {
    q.plain(s, slice, out);
  } else {
    q.varied(s, slice, out);
  }
}

namespace {

void Quantiser::plain(const Slice& s, int slice, std::uint16_t* out) const {
  // Posterior (spine coil side) brighter; Rician magnitude noise.
  const int n = truth.columns;
  std::vector<float> shade(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) {
    shade[c] = static_cast<float>(0.8 + 0.3 * clamp01((s.y(c) + 0.5 * kMrFieldOfViewMm) / kMrFieldOfViewMm));
  }
  Rng rng(streamSeed(seed, "mr-noise", static_cast<std::uint64_t>(slice)));
  const std::vector<float>& v = s.values();
  for (int r = 0; r < truth.rows; ++r) {
    for (int c = 0; c < n; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * n + c;
      const float re = v[i] * shade[c] + noiseSigma * rng.fastNormal();
      const float im = noiseSigma * rng.fastNormal();
      const float q = std::min(4095.0f, std::sqrt(re * re + im * im) * kMrFullScale + 0.5f);
      out[i] = static_cast<std::uint16_t>(q);
    }
  }
}

// The same signal and Rician noise as quantise, then a smooth coil field, the value
// scale and the rescale (stored = (value - intercept) / slope, 16 bits), and the
// anterior-right flip (column c shows what column n-1-c of the template shows).
void Quantiser::varied(const Slice& s, int slice, std::uint16_t* out) const {
  const MrVariation& o = variation;
  const int n = truth.columns;
  std::vector<float> shade(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) {
    shade[c] = static_cast<float>(0.8 + 0.3 * clamp01((s.y(c) + 0.5 * kMrFieldOfViewMm) / kMrFieldOfViewMm));
  }
  Rng rng(streamSeed(seed, "mr-noise", static_cast<std::uint64_t>(slice)));
  const std::vector<float>& v = s.values();
  const double scale = kMrFullScale * o.valueScale;
  std::vector<double> fy(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) fy[c] = std::exp(o.biasField * 0.5 * std::cos(s.y(c) / 120.0 + biasPhase[0]));
  for (int r = 0; r < truth.rows; ++r) {
    const double fz = std::exp(o.biasField * 0.5 * std::sin(s.z(r) / 140.0 + biasPhase[1]));
    for (int c = 0; c < n; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * n + c;
      const double bias = fy[c] * fz;
      const float re = v[i] * shade[c] + noiseSigma * rng.fastNormal();
      const float im = noiseSigma * rng.fastNormal();
      const double value = std::sqrt(re * re + im * im) * scale * bias;
      const double stored = std::round((value - o.rescaleIntercept) / o.rescaleSlope);
      const std::size_t column = o.anteriorRight ? std::size_t(n - 1 - c) : std::size_t(c);
      out[static_cast<std::size_t>(r) * n + column] =
          static_cast<std::uint16_t>(std::min(65535.0, std::max(0.0, stored)));
    }
  }
}

}  // namespace

std::array<double, 3> mrSlicePosition(const MrTruth& t, int slice) {
  const double k = t.reverseSliceOrder ? slice - (t.slices + 1) * 0.5 : (t.slices + 1) * 0.5 - slice;
  const double y = (t.columns - 1) * 0.5 * t.pixelSpacingMm;
  return {k * t.sliceSpacingMm, t.anteriorRight ? y : -y, (t.rows - 1) * 0.5 * t.pixelSpacingMm + t.fieldShiftMm};
}

std::array<double, 6> mrOrientation(const MrTruth& t) {
  if (t.anteriorRight) return {0, -1, 0, 0, 0, -1};
  return kMrOrientation;
}

double mrSliceThicknessMm(const MrTruth& t) { return 0.9 * t.sliceSpacingMm; }

MrTruth makeMrTruth(const PhantomOptions& o) {
  MrTruth t;
  t.seriesInstanceUid = deterministicUid(o.seed, "mr-series");
  t.columns = t.rows = o.mrSize;
  t.slices = o.mrSlices;
  t.pixelSpacingMm = o.mr.pixelMm > 0 ? o.mr.pixelMm : kMrFieldOfViewMm / o.mrSize;
  // 4 mm like a clinical sagittal T2; larger stacks (benchmarks) stay within ~64 mm
  // so every slice still cuts through the spine.
  t.sliceSpacingMm = o.mr.sliceMm > 0 ? o.mr.sliceMm : 4.0 * std::min(1.0, 16.0 / std::max(1, o.mrSlices));
  t.anteriorRight = o.mr.anteriorRight;
  t.reverseSliceOrder = o.mr.reverseSliceOrder;
  t.fieldShiftMm = o.mr.fieldShiftMm;
  t.hasHiz = o.mr.hiz;

  const MrStructures a = makeMrStructures(o.seed, o.mr);
  const MrElement& disc = a.elements[a.hizElement];
  t.hizLevel = disc.name;
  // The HIZ is centred on the middle instance; its index after sorting along the normal
  // (the loader's order, "sorted by position") is the same unless the order is reversed.
  const int hizInstance = (t.slices + 1) / 2;
  t.hizRadiusMm = a.hizRadius;
  t.hizNucleusSignal = disc.signal;
  if (o.mr.hizContrast >= 0) {
    const double low = disc.signal + 0.06;
    t.hizSignal = low + std::min(1.0, o.mr.hizContrast) * std::max(0.0, 0.95 - low);
  }
  const Frame f = frameOf(disc);
  const double u = hizLocalU(disc, a.hizRadius);
  const std::array<double, 3> origin = mrSlicePosition(t, hizInstance);
  t.hizPositionMm = {origin[0], f.worldY(u, 0), f.worldZ(u, 0)};
  const double rowSign = t.anteriorRight ? -1.0 : 1.0;
  t.hizPixel = {rowSign * (t.hizPositionMm[1] - origin[1]) / t.pixelSpacingMm,
                (origin[2] - t.hizPositionMm[2]) / t.pixelSpacingMm};
  const double normalX = t.anteriorRight ? 1.0 : -1.0;
  t.hizSlice = 1;
  for (int k = 1; k <= t.slices; ++k)
    if (mrSlicePosition(t, k)[0] * normalX < origin[0] * normalX - 1e-9) ++t.hizSlice;
  const double top = origin[2], bottom = top - (t.rows - 1) * t.pixelSpacingMm;
  for (const MrElement& e : a.elements) {
    if (e.disc && !e.sacral && e.z <= top && e.z >= bottom) t.levelsInView.push_back(e.name);
    if (e.name == "S1") t.sacrumInView = e.z >= bottom && e.z <= top;
  }
  return t;
}

}  // namespace phantom_detail

}  // namespace annulo
