// Phantom synthesis: truth, label maps, pixel rendering and truth.json.
//
// XA conventions (lateral lumbar view): x = column, y = row, both in pixels with the
// origin at the centre of the top-left pixel. Superior is up and POSTERIOR IS TO THE
// RIGHT (+x), so a posterior tear points to 3 o'clock; the needle comes in from the
// posterior-superior side (upper right). Pixel values are X-ray intensities
// (PixelIntensityRelationship LIN): attenuation lowers them, contrast is dark.
//
// MR conventions: sagittal slices, columns run anterior -> posterior (+Y, LPS) and
// rows head -> feet (-Z); slice k is at x = ((N+1)/2 - k) * spacing, so the InstanceNumber
// order is the order of ImagePositionPatient projected on the slice normal (-X).

#include "annulo/phantom/Phantom.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "annulo/processing/Geometry2D.h"
#include "phantom/PhantomDetail.h"
#include "phantom/Shapes.h"

namespace annulo {
namespace phantom_detail {

namespace {

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Decimal digits of a 128-bit value held as four 32-bit limbs (most significant first).
std::string toDecimal(std::array<std::uint32_t, 4> limbs) {
  std::string digits;
  auto isZero = [&] { return limbs[0] == 0 && limbs[1] == 0 && limbs[2] == 0 && limbs[3] == 0; };
  do {
    std::uint64_t remainder = 0;
    for (auto& limb : limbs) {
      const std::uint64_t cur = (remainder << 32) | limb;
      limb = static_cast<std::uint32_t>(cur / 10);
      remainder = cur % 10;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  } while (!isZero());
  std::reverse(digits.begin(), digits.end());
  return digits;
}
}  // namespace

double Rng::normal() {
  // 1 - u keeps the logarithm finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

std::uint64_t streamSeed(std::uint32_t seed, std::string_view role, std::uint64_t index) {
  std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a over the role name
  for (const char c : role) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return mix64(h ^ mix64(seed + 0x9E3779B97F4A7C15ull) ^ mix64(index * 0xD1B54A32D192ED03ull + 1));
}

std::string deterministicUid(std::uint32_t seed, std::string_view role) {
  Rng rng(streamSeed(seed, role, 0x5549440000000000ull));
  const std::uint64_t hi = rng.next();
  const std::uint64_t lo = rng.next();
  return "2.25." + toDecimal({static_cast<std::uint32_t>(hi >> 32), static_cast<std::uint32_t>(hi),
                              static_cast<std::uint32_t>(lo >> 32), static_cast<std::uint32_t>(lo)});
}

namespace {

double segmentDistance(Point2 p, Point2 a, Point2 b) {
  const Point2 ab = b - a;
  const Point2 ap = p - a;
  const double len2 = ab[0] * ab[0] + ab[1] * ab[1];
  const double t = len2 > 0 ? clamp01((ap[0] * ab[0] + ap[1] * ab[1]) / len2) : 0.0;
  const Point2 d = ap - t * ab;
  return std::sqrt(d[0] * d[0] + d[1] * d[1]);
}

// Calls fn(x, y) for the pixels of [x0, x1] x [y0, y1] that lie in a w x h image.
template <typename Fn>
void forBox(int w, int h, double x0, double y0, double x1, double y1, Fn&& fn) {
  const int xa = std::max(0, static_cast<int>(std::floor(x0)));
  const int ya = std::max(0, static_cast<int>(std::floor(y0)));
  const int xb = std::min(w - 1, static_cast<int>(std::ceil(x1)));
  const int yb = std::min(h - 1, static_cast<int>(std::ceil(y1)));
  for (int y = ya; y <= yb; ++y) {
    for (int x = xa; x <= xb; ++x) fn(x, y);
  }
}

Point2 tearDirection(double degrees) {
  const double r = degrees * kPi / 180.0;
  return {std::sin(r), -std::cos(r)};
}

int clockHour(double degrees) {
  const double wrapped = std::fmod(std::fmod(degrees, 360.0) + 360.0, 360.0);
  const int hour = static_cast<int>(std::lround(wrapped / 30.0)) % 12;
  return hour == 0 ? 12 : hour;
}

Point2 motionAt(const XaTruth& t, int frame) {
  const auto index = static_cast<std::size_t>(frame - 1);
  return index < t.motion.size() ? t.motion[index] : Point2{};
}

// Contrast fills the nucleus as a homothety of it about the needle tip: it stays
// inside the nucleus at every step and its area grows roughly with the injected
// volume. It is complete the frame before the first leak.
double fillScale(const XaTruth& t, int frame) {
  if (t.fillStartFrame < 1 || frame < t.fillStartFrame) return 0.0;
  const int duration = t.leakOnsetFrame > t.fillStartFrame ? t.leakOnsetFrame - t.fillStartFrame
                                                           : std::max(1, (t.frames - t.fillStartFrame + 1) / 2);
  const double progress = std::min(1.0, static_cast<double>(frame - t.fillStartFrame + 1) / duration);
  return 0.3 + 0.7 * std::sqrt(progress);
}

// Leak length outside the disc; negative before onset. Starts at a few pixels so the
// onset frame already shows leak pixels.
double leakLength(const XaTruth& t, const TearTruth& tear, int frame) {
  if (tear.onsetFrame < 1 || frame < tear.onsetFrame) return -1.0;
  const double shortest = std::min(tear.maxLengthPx, std::max(3.0, 0.15 * tear.maxLengthPx));
  const int span = t.frames - tear.onsetFrame;
  if (span <= 0) return tear.maxLengthPx;
  return shortest + (tear.maxLengthPx - shortest) * (frame - tear.onsetFrame) / span;
}

// The fissure runs from inside the nucleus to the exit point, then the leak
// continues outward; both are capsules of the tear's width.
struct TearSegments {
  Point2 fissureStart, exit, leakEnd;
  double radius;
};
TearSegments tearSegments(const XaTruth& t, const TearTruth& tear, double length) {
  const Point2 centre = t.discCenter;
  const Point2 exit = tear.exitPoint;
  return {centre + 0.45 * (exit - centre), exit, exit + length * tearDirection(tear.directionDeg), 0.5 * tear.widthPx};
}

// ---------------------------------------------------------------------------- XA truth

// Breathing-like drift: smooth, mostly craniocaudal, relative to frame 1.
std::vector<Point2> breathing(const PhantomOptions& o) {
  Rng m(streamSeed(o.seed, "xa-motion"));
  const double period = m.uniform(3.5, 5.0);
  const double ampY = m.uniform(0.5, 0.8);
  const double ampX = m.uniform(0.15, 0.35);
  const double phaseY = m.uniform(0, 2 * kPi);
  const double phaseX = m.uniform(0, 2 * kPi);
  const double drift = m.uniform(-0.12, 0.12);
  auto raw = [&](int frame) {
    const double sec = (frame - 1) * o.frameTimeMs / 1000.0;
    return Point2{ampX * std::sin(2 * kPi * sec / (1.37 * period) + phaseX) + drift * sec,
                  ampY * std::sin(2 * kPi * sec / period + phaseY)};
  };
  std::vector<Point2> motion;
  const Point2 first = raw(1);
  for (int f = 1; f <= o.xaFrames; ++f) motion.push_back(raw(f) - first);
  return motion;
}

// Patient motion beyond breathing: a respiration-like oscillation (period about the
// cine's length, so it is a slow drift within the mask frames too) plus a slow random
// walk, scaled so the largest displacement from frame 1 is xaDriftPx; then the jump.
std::vector<Point2> largeMotion(const PhantomOptions& o) {
  Rng m(streamSeed(o.seed, "xa-motion-large"));
  const double seconds = std::max(0.5, o.xaFrames * o.frameTimeMs / 1000.0);
  const double period = seconds * m.uniform(0.9, 1.6);
  const double phaseY = m.uniform(0, 2 * kPi), phaseX = m.uniform(0, 2 * kPi);
  const double ratioX = m.uniform(0.3, 0.6);  // mostly craniocaudal (image y)
  std::vector<Point2> walk(std::size_t(std::max(1, o.xaFrames)));
  for (std::size_t f = 1; f < walk.size(); ++f) {
    const double gx = m.normal(), gy = m.normal();
    walk[f] = walk[f - 1] + Point2{0.25 * gx, 0.25 * gy};
  }
  std::vector<Point2> motion;
  double peak = 1e-9;
  for (int f = 1; f <= o.xaFrames; ++f) {
    const double sec = (f - 1) * o.frameTimeMs / 1000.0;
    const Point2 osc{ratioX * (std::sin(2 * kPi * sec / (1.37 * period) + phaseX) - std::sin(phaseX)),
                     std::sin(2 * kPi * sec / period + phaseY) - std::sin(phaseY)};
    motion.push_back(osc + 0.15 * walk[std::size_t(f - 1)]);
    peak = std::max(peak, std::hypot(motion.back()[0], motion.back()[1]));
  }
  for (Point2& v : motion) v = (std::max(0.0, o.xaDriftPx) / peak) * v;
  if (o.xaJumpPx > 0 && o.xaJumpFrame >= 2) {
    const double a = m.uniform(0, 2 * kPi);
    const Point2 jump{o.xaJumpPx * std::cos(a), o.xaJumpPx * std::sin(a)};
    for (int f = o.xaJumpFrame; f <= o.xaFrames; ++f) motion[std::size_t(f - 1)] = motion[std::size_t(f - 1)] + jump;
  }
  return motion;
}

XaTruth makeXaTruth(const PhantomOptions& o) {
  XaTruth t;
  t.seriesInstanceUid = deterministicUid(o.seed, "xa-series");
  t.sopInstanceUid = deterministicUid(o.seed, "xa-image");
  t.columns = t.rows = o.xaSize;
  t.frames = o.xaFrames;
  t.frameTimeMs = o.frameTimeMs;
  t.imagerPixelSpacingMm = kXaFieldOfViewMm / o.xaSize;
  t.magnification = kSourceDetectorMm / kSourcePatientMm;

  const double s = o.xaSize;
  Rng g(streamSeed(o.seed, "xa-geometry"));
  // Braced lists evaluate left to right, so the draw order is fixed on every compiler.
  t.discCenter = {s * (0.47 + 0.02 * g.uniform(-1, 1)), s * (0.50 + 0.02 * g.uniform(-1, 1))};
  t.discRadiusX = s * 0.17 * (1.0 + 0.05 * g.uniform(-1, 1));
  t.discRadiusY = s * 0.042 * (1.0 + 0.08 * g.uniform(-1, 1));
  t.nucleusRadiusX = 0.55 * t.discRadiusX;
  t.nucleusRadiusY = 0.62 * t.discRadiusY;
  const Point2 centre = t.discCenter;
  const Point2 tip{centre[0] + t.nucleusRadiusX * g.uniform(0.05, 0.3),
                   centre[1] + t.nucleusRadiusY * g.uniform(-0.15, 0.15)};
  t.needleTip = tip;
  // Posterolateral approach: in the lateral view the needle comes from posterior
  // and a little cranial, i.e. from the upper right; it enters at the image border.
  const double alpha = g.uniform(30.0, 45.0) * kPi / 180.0;
  const Point2 along{std::cos(alpha), -std::sin(alpha)};
  const double reach = std::min((s - 1.0 - tip[0]) / along[0], tip[1] / -along[1]);
  t.needleEntry = tip + reach * along;

  const int frames = t.frames;
  t.fillStartFrame = o.xaMaskFrames > 0 ? std::min(frames, o.xaMaskFrames + 1)
                                        : std::min(frames, std::max(2, static_cast<int>(std::lround(0.1 * frames))));
  const int onset = std::max(t.fillStartFrame + 2, static_cast<int>(std::lround(frames * g.uniform(0.35, 0.45))));
  t.leakOnsetFrame = onset <= frames ? onset : 0;

  const int tearCount = g.uniform() < 0.5 ? 1 : 2;
  const double side = g.uniform() < 0.5 ? -1.0 : 1.0;
  for (int i = 0; i < tearCount && t.leakOnsetFrame > 0; ++i) {
    const double sign = i == 0 ? side : -side;  // a second tear goes the other way
    // Exit near the posterior pole of the disc ellipse (parametric angle phi),
    // leak heading posteriorly and a little cranially/caudally on the same side.
    const double phi = (90.0 + sign * g.uniform(6.0, 22.0)) * kPi / 180.0;
    TearTruth tear;
    tear.exitPoint = {centre[0] + t.discRadiusX * std::sin(phi), centre[1] - t.discRadiusY * std::cos(phi)};
    tear.directionDeg = 90.0 + sign * g.uniform(10.0, 30.0);
    tear.clock = clockHour(tear.directionDeg);
    tear.onsetFrame =
        i == 0 ? t.leakOnsetFrame
               : std::min(frames, t.leakOnsetFrame +
                                      std::max(1, static_cast<int>(std::lround(frames * g.uniform(0.06, 0.15)))));
    tear.widthPx = std::max(2.0, s * g.uniform(0.012, 0.018));
    tear.maxLengthPx = std::max(8.0, s * g.uniform(0.09, 0.13));
    t.tears.push_back(tear);
  }

  t.motion = o.xaDriftPx > 0 || o.xaJumpPx > 0 ? largeMotion(o) : breathing(o);
  return t;
}

// ----------------------------------------------------------------------- XA background

// Rounded-rectangle bone outline in the cine, axis aligned.
struct XaBox {
  double cx, cy, halfW, halfH, radius;
};

class Attenuation {
 public:
  // `edge` is the width of the anti-aliasing ramp in pixels: X-ray edges are blurred
  // by the focal spot and detector, and a soft edge keeps sub-pixel motion from
  // turning every bone edge into a strong subtraction artefact.
  Attenuation(int n, std::uint32_t seed, double edge)
      : n_(n), edge_(edge), values_(static_cast<std::size_t>(n) * n, 0.0f) {
    makeTexture(seed);
  }
  int size() const { return n_; }
  float& at(int x, int y) { return values_[static_cast<std::size_t>(y) * n_ + x]; }
  std::vector<float>& values() { return values_; }

  // Bone: uniform attenuation plus a denser cortical rim and trabecular texture.
  void addBone(const XaBox& b, double body, double rim, double rimWidth, double texture) {
    const double m = edge_ + 1;
    forBox(n_, n_, b.cx - b.halfW - m, b.cy - b.halfH - m, b.cx + b.halfW + m, b.cy + b.halfH + m, [&](int x, int y) {
      const double d = roundedBoxSdf(x - b.cx, y - b.cy, b.halfW, b.halfH, b.radius);
      const double cover = coverage(d / edge_);
      if (cover <= 0) return;
      const double inner = coverage((d + rimWidth) / edge_);
      const std::size_t i = static_cast<std::size_t>(y) * n_ + x;
      values_[i] += static_cast<float>(cover * (body + texture * texture_[i]) + rim * (cover - inner));
    });
  }
  void addEllipse(double cx, double cy, double rx, double ry, double amount, double edge = 0.0) {
    edge = std::max(edge, edge_);
    forBox(n_, n_, cx - rx - edge, cy - ry - edge, cx + rx + edge, cy + ry + edge, [&](int x, int y) {
      at(x, y) += static_cast<float>(amount * coverage(ellipseSdf(x - cx, y - cy, rx, ry) / edge));
    });
  }
  void addCapsule(Point2 a, Point2 b, double radius, double amount) {
    const double m = radius + edge_ + 1;
    forBox(n_, n_, std::min(a[0], b[0]) - m, std::min(a[1], b[1]) - m, std::max(a[0], b[0]) + m,
           std::max(a[1], b[1]) + m, [&](int x, int y) {
             const double d = segmentDistance({double(x), double(y)}, a, b) - radius;
             at(x, y) += static_cast<float>(amount * coverage(d / edge_));
           });
  }

 private:
  // Box-blurred white noise, roughly unit amplitude: trabecular bone texture.
  void makeTexture(std::uint32_t seed) {
    const std::size_t count = static_cast<std::size_t>(n_) * n_;
    std::vector<float> white(count);
    Rng rng(streamSeed(seed, "xa-texture"));
    for (auto& v : white) v = rng.fastNormal();
    texture_.assign(count, 0.0f);
    for (int y = 1; y + 1 < n_; ++y) {
      for (int x = 1; x + 1 < n_; ++x) {
        float sum = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          const float* row = &white[static_cast<std::size_t>(y + dy) * n_ + x - 1];
          sum += row[0] + row[1] + row[2];
        }
        texture_[static_cast<std::size_t>(y) * n_ + x] = sum / 3.0f;
      }
    }
  }

  int n_;
  double edge_;
  std::vector<float> values_;
  std::vector<float> texture_;
};

void addVertebra(Attenuation& att, const XaBox& body, double s) {
  att.addBone(body, 0.45, 0.30, std::max(1.2, 0.008 * s), 0.05);
  const double post = body.cx + body.halfW;  // posterior wall
  att.addBone({post + 0.05 * s, body.cy - 0.25 * body.halfH, 0.06 * s, 0.28 * body.halfH, 0.02 * s}, 0.28, 0.12,
              std::max(1.0, 0.006 * s), 0.04);  // pedicle
  att.addBone({post + 0.15 * s, body.cy + 0.40 * body.halfH, 0.045 * s, 0.72 * body.halfH, 0.03 * s}, 0.32, 0.12,
              std::max(1.0, 0.006 * s), 0.04);  // lamina and articular processes
  att.addBone({post + 0.27 * s, body.cy + 0.15 * body.halfH, 0.075 * s, 0.32 * body.halfH, 0.03 * s}, 0.30, 0.10,
              std::max(1.0, 0.006 * s), 0.04);  // spinous process
}

std::vector<float> xaBackground(std::uint32_t seed, const XaTruth& t) {
  const int n = t.columns;
  const double s = n;
  Attenuation att(n, seed, std::max(1.5, 2.0 * s / 512.0));
  Rng g(streamSeed(seed, "xa-anatomy"));

  // Soft tissue: smooth, separable thickness variation.
  const double fx = g.uniform(0.6, 1.0), px = g.uniform(0, 2 * kPi);
  const double fy = g.uniform(0.4, 0.8), py = g.uniform(0, 2 * kPi);
  for (int y = 0; y < n; ++y) {
    const double row = 0.03 * std::cos(2 * kPi * fy * y / s + py);
    for (int x = 0; x < n; ++x) {
      att.at(x, y) = static_cast<float>(0.33 + row + 0.05 * std::cos(2 * kPi * fx * x / s + px) + 0.04 * x / s);
    }
  }
  // Bowel gas projects anteriorly (left) as brighter blobs.
  const int bubbles = 2 + static_cast<int>(g.uniform() * 3);
  for (int i = 0; i < bubbles; ++i) {
    // Named draws: argument evaluation order differs between compilers.
    const double bx = s * g.uniform(0.03, 0.22);
    const double by = s * g.uniform(0.1, 0.9);
    const double brx = s * g.uniform(0.03, 0.07);
    const double bry = s * g.uniform(0.02, 0.05);
    att.addEllipse(bx, by, brx, bry, -0.10, std::max(1.0, 0.012 * s));
  }

  // Stack: two bodies above and two below the injected disc, with the discs between.
  const double cx = t.discCenter[0], cy = t.discCenter[1];
  const double overlap = 0.96;  // endplates a touch inside the disc ellipse: no soft-tissue gap
  const double halfH = s * 0.115 * (1.0 + 0.04 * g.uniform(-1, 1));
  const double halfW = t.discRadiusX * 1.04;
  const double corner = 0.03 * s;
  std::vector<XaBox> bodies;
  std::vector<std::array<double, 4>> otherDiscs;  // cx, cy, rx, ry
  double edgeUp = cy - overlap * t.discRadiusY, edgeDown = cy + overlap * t.discRadiusY;
  for (int level = 0; level < 2; ++level) {
    const double shift = 0.012 * s * (level + 1);  // lordotic step
    bodies.push_back({cx + shift, edgeUp - halfH, halfW, halfH, corner});
    bodies.push_back({cx + shift * 0.5, edgeDown + halfH, halfW, halfH, corner});
    const double ry = t.discRadiusY * (0.9 + 0.1 * g.uniform());
    edgeUp -= 2 * halfH;
    edgeDown += 2 * halfH;
    otherDiscs.push_back({cx + 1.5 * shift, edgeUp - overlap * ry, t.discRadiusX, ry});
    otherDiscs.push_back({cx + shift, edgeDown + overlap * ry, t.discRadiusX, ry});
    edgeUp -= 2 * overlap * ry;
    edgeDown += 2 * overlap * ry;
  }
  att.addEllipse(cx, cy, t.discRadiusX, t.discRadiusY, 0.12);
  for (const auto& d : otherDiscs) att.addEllipse(d[0], d[1], d[2], d[3], 0.12);
  for (const auto& body : bodies) addVertebra(att, body, s);

  att.addCapsule(t.needleTip, t.needleEntry, std::max(0.8, 0.0035 * s), 2.2);

  // Transmitted intensity with a little image-intensifier vignetting.
  std::vector<float>& a = att.values();
  const double centre = 0.5 * (s - 1);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const double r2 = ((x - centre) * (x - centre) + (y - centre) * (y - centre)) / (2 * centre * centre + 1);
      float& v = a[static_cast<std::size_t>(y) * n + x];
      v = static_cast<float>(0.9 * std::exp(-v) * (1.0 - 0.12 * r2));
    }
  }
  return std::move(a);
}

constexpr float kNucleusTransmission = 0.26f;  // iodinated contrast in the nucleus
constexpr float kLeakTransmission = 0.30f;     // thinner layer outside the disc

}  // namespace

XaScene::XaScene(const PhantomOptions& options, XaTruth truth)
    : truth_(std::move(truth)),
      seed_(options.seed),
      maxValue_(options.xaBitsAllocated == 16 ? 4095 : 255),
      noiseSigma_(static_cast<float>(0.028 * options.noiseScale)),
      background_(xaBackground(options.seed, truth_)) {}

void XaScene::renderFrame(int frame, std::uint8_t* out) const { render(frame, out); }
void XaScene::renderFrame(int frame, std::uint16_t* out) const { render(frame, out); }

template <typename T>
void XaScene::render(int frame, T* out) const {
  const int n = truth_.columns;
  const std::vector<std::uint8_t> labels = phantomLabelMap(truth_, frame);
  // The patient moves, so the scene is sampled at (x - dx, y - dy): bilinear with
  // constant weights, as the shift is the same for the whole frame.
  const Point2 m = motionAt(truth_, frame);
  const int ix = static_cast<int>(std::floor(m[0])), iy = static_cast<int>(std::floor(m[1]));
  const auto wx = static_cast<float>(m[0] - ix), wy = static_cast<float>(m[1] - iy);
  auto clampIndex = [n](int i) { return std::min(n - 1, std::max(0, i)); };
  std::vector<int> near(static_cast<std::size_t>(n)), far(static_cast<std::size_t>(n));
  for (int x = 0; x < n; ++x) {
    near[x] = clampIndex(x - ix);
    far[x] = clampIndex(x - ix - 1);
  }
  Rng rng(streamSeed(seed_, "xa-noise", static_cast<std::uint64_t>(frame)));
  const auto full = static_cast<float>(maxValue_);
  for (int y = 0; y < n; ++y) {
    const float* rowNear = &background_[static_cast<std::size_t>(clampIndex(y - iy)) * n];
    const float* rowFar = &background_[static_cast<std::size_t>(clampIndex(y - iy - 1)) * n];
    const std::uint8_t* label = &labels[static_cast<std::size_t>(y) * n];
    T* dst = out + static_cast<std::size_t>(y) * n;
    for (int x = 0; x < n; ++x) {
      const float a = rowNear[near[x]] + wx * (rowNear[far[x]] - rowNear[near[x]]);
      const float b = rowFar[near[x]] + wx * (rowFar[far[x]] - rowFar[near[x]]);
      float v = a + wy * (b - a);
      if (label[x] != 0) v *= label[x] == 1 ? kNucleusTransmission : kLeakTransmission;
      // Quantum noise: variance proportional to the signal.
      v += noiseSigma_ * std::sqrt(std::max(v, 0.0f)) * rng.fastNormal();
      const float q = std::min(full, std::max(0.0f, v * full + 0.5f));
      dst[x] = static_cast<T>(q);
    }
  }
}

}  // namespace phantom_detail

// ------------------------------------------------------------------------ public API

std::vector<std::uint8_t> phantomLabelMap(const XaTruth& t, int frame) {
  using namespace phantom_detail;
  const int w = std::max(0, t.columns), h = std::max(0, t.rows);
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(w) * h, 0);
  if (w == 0 || h == 0 || frame < 1 || frame > t.frames) return labels;
  const Point2 m = motionAt(t, frame);

  const double scale = fillScale(t, frame);
  if (scale > 0) {
    const Point2 tip = t.needleTip;
    const Point2 c = tip + scale * (t.discCenter - tip) + m;
    // At tiny matrix sizes the first blob could fall between pixel centres; keep it
    // at least one pixel so "contrast from fillStartFrame" always holds.
    const double rx = std::max(0.75, scale * t.nucleusRadiusX), ry = std::max(0.75, scale * t.nucleusRadiusY);
    forBox(w, h, c[0] - rx, c[1] - ry, c[0] + rx, c[1] + ry, [&](int x, int y) {
      const double u = (x - c[0]) / rx, v = (y - c[1]) / ry;
      if (u * u + v * v <= 1.0) labels[static_cast<std::size_t>(y) * w + x] = 1;
    });
  }

  const Point2 disc = t.discCenter + m;
  for (const TearTruth& tear : t.tears) {
    const double length = leakLength(t, tear, frame);
    if (length < 0) continue;
    TearSegments seg = tearSegments(t, tear, length);
    seg.fissureStart = seg.fissureStart + m;
    seg.exit = seg.exit + m;
    seg.leakEnd = seg.leakEnd + m;
    const double r = seg.radius;
    const double x0 = std::min({seg.fissureStart[0], seg.exit[0], seg.leakEnd[0]}) - r;
    const double x1 = std::max({seg.fissureStart[0], seg.exit[0], seg.leakEnd[0]}) + r;
    const double y0 = std::min({seg.fissureStart[1], seg.exit[1], seg.leakEnd[1]}) - r;
    const double y1 = std::max({seg.fissureStart[1], seg.exit[1], seg.leakEnd[1]}) + r;
    forBox(w, h, x0, y0, x1, y1, [&](int x, int y) {
      const Point2 p{double(x), double(y)};
      if (segmentDistance(p, seg.fissureStart, seg.exit) > r && segmentDistance(p, seg.exit, seg.leakEnd) > r) return;
      const double u = (p[0] - disc[0]) / t.discRadiusX, v = (p[1] - disc[1]) / t.discRadiusY;
      labels[static_cast<std::size_t>(y) * w + x] = u * u + v * v <= 1.0 ? 1 : 2;
    });
  }
  return labels;
}

PhantomTruth phantomTruth(const PhantomOptions& options) {
  PhantomTruth truth;
  truth.seed = options.seed;
  truth.studyInstanceUid = phantom_detail::deterministicUid(options.seed, "study");
  truth.xa = phantom_detail::makeXaTruth(options);
  truth.mr = phantom_detail::makeMrTruth(options);
  return truth;
}

}  // namespace annulo
