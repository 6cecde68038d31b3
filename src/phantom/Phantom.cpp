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
#include <atomic>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <utility>

#include "phantom/PhantomDetail.h"

namespace annulo {
namespace phantom_detail {

namespace {
constexpr double kPi = 3.14159265358979323846;

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

void parallelFor(int count, const std::function<void(int)>& body) {
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const int workers = std::min(static_cast<int>(hardware), count);
  if (workers <= 1) {
    for (int i = 0; i < count; ++i) body(i);
    return;
  }
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i = next++; i < count; i = next++) body(i);
  };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(workers - 1));
  for (int t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
}

namespace {

struct Vec2 {
  double x = 0, y = 0;
};
Vec2 operator+(Vec2 a, Vec2 b) { return {a.x + b.x, a.y + b.y}; }
Vec2 operator-(Vec2 a, Vec2 b) { return {a.x - b.x, a.y - b.y}; }
Vec2 operator*(double s, Vec2 a) { return {s * a.x, s * a.y}; }
Vec2 toVec(const std::array<double, 2>& a) { return {a[0], a[1]}; }
std::array<double, 2> toArray(Vec2 v) { return {v.x, v.y}; }

double clamp01(double v) { return std::min(1.0, std::max(0.0, v)); }

// Coverage of a pixel by a shape from the signed distance (in pixels) of its centre:
// a one-pixel ramp is enough anti-aliasing to avoid jagged edges.
double coverage(double signedDistance) { return clamp01(0.5 - signedDistance); }

double roundedBoxSdf(double u, double v, double halfU, double halfV, double radius) {
  const double qx = std::abs(u) - halfU + radius;
  const double qy = std::abs(v) - halfV + radius;
  const double ox = std::max(qx, 0.0);
  const double oy = std::max(qy, 0.0);
  return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.0) - radius;
}

// First-order distance to an ellipse: exact on the boundary's scale of a pixel,
// which is all the anti-aliasing needs.
double ellipseSdf(double u, double v, double ru, double rv) {
  const double k = std::sqrt((u / ru) * (u / ru) + (v / rv) * (v / rv));
  if (k < 1e-9) return -std::min(ru, rv);
  const double gu = u / (ru * ru);
  const double gv = v / (rv * rv);
  return (k - 1.0) * k / std::sqrt(gu * gu + gv * gv);
}

double segmentDistance(Vec2 p, Vec2 a, Vec2 b) {
  const Vec2 ab = b - a;
  const Vec2 ap = p - a;
  const double len2 = ab.x * ab.x + ab.y * ab.y;
  const double t = len2 > 0 ? clamp01((ap.x * ab.x + ap.y * ab.y) / len2) : 0.0;
  const Vec2 d = ap - t * ab;
  return std::sqrt(d.x * d.x + d.y * d.y);
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

Vec2 tearDirection(double degrees) {
  const double r = degrees * kPi / 180.0;
  return {std::sin(r), -std::cos(r)};
}

int clockHour(double degrees) {
  const double wrapped = std::fmod(std::fmod(degrees, 360.0) + 360.0, 360.0);
  const int hour = static_cast<int>(std::lround(wrapped / 30.0)) % 12;
  return hour == 0 ? 12 : hour;
}

Vec2 motionAt(const XaTruth& t, int frame) {
  const auto index = static_cast<std::size_t>(frame - 1);
  return index < t.motion.size() ? toVec(t.motion[index]) : Vec2{};
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
  Vec2 fissureStart, exit, leakEnd;
  double radius;
};
TearSegments tearSegments(const XaTruth& t, const TearTruth& tear, double length) {
  const Vec2 centre = toVec(t.discCenter);
  const Vec2 exit = toVec(tear.exitPoint);
  return {centre + 0.45 * (exit - centre), exit, exit + length * tearDirection(tear.directionDeg), 0.5 * tear.widthPx};
}

// ---------------------------------------------------------------------------- XA truth

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
  const Vec2 centre = toVec(t.discCenter);
  const Vec2 tip{centre.x + t.nucleusRadiusX * g.uniform(0.05, 0.3),
                 centre.y + t.nucleusRadiusY * g.uniform(-0.15, 0.15)};
  t.needleTip = toArray(tip);
  // Posterolateral approach: in the lateral view the needle comes from posterior
  // and a little cranial, i.e. from the upper right; it enters at the image border.
  const double alpha = g.uniform(30.0, 45.0) * kPi / 180.0;
  const Vec2 along{std::cos(alpha), -std::sin(alpha)};
  const double reach = std::min((s - 1.0 - tip.x) / along.x, tip.y / -along.y);
  t.needleEntry = toArray(tip + reach * along);

  const int frames = t.frames;
  t.fillStartFrame = std::min(frames, std::max(2, static_cast<int>(std::lround(0.1 * frames))));
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
    tear.exitPoint = {centre.x + t.discRadiusX * std::sin(phi), centre.y - t.discRadiusY * std::cos(phi)};
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

  // Breathing-like drift: smooth, mostly craniocaudal, relative to frame 1.
  Rng m(streamSeed(o.seed, "xa-motion"));
  const double period = m.uniform(3.5, 5.0);
  const double ampY = m.uniform(0.5, 0.8);
  const double ampX = m.uniform(0.15, 0.35);
  const double phaseY = m.uniform(0, 2 * kPi);
  const double phaseX = m.uniform(0, 2 * kPi);
  const double drift = m.uniform(-0.12, 0.12);
  auto raw = [&](int frame) {
    const double sec = (frame - 1) * o.frameTimeMs / 1000.0;
    return Vec2{ampX * std::sin(2 * kPi * sec / (1.37 * period) + phaseX) + drift * sec,
                ampY * std::sin(2 * kPi * sec / period + phaseY)};
  };
  const Vec2 first = raw(1);
  for (int f = 1; f <= frames; ++f) t.motion.push_back(toArray(raw(f) - first));
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
  void addCapsule(Vec2 a, Vec2 b, double radius, double amount) {
    const double m = radius + edge_ + 1;
    forBox(n_, n_, std::min(a.x, b.x) - m, std::min(a.y, b.y) - m, std::max(a.x, b.x) + m, std::max(a.y, b.y) + m,
           [&](int x, int y) {
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

  att.addCapsule(toVec(t.needleTip), toVec(t.needleEntry), std::max(0.8, 0.0035 * s), 2.2);

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
  const Vec2 m = motionAt(truth_, frame);
  const int ix = static_cast<int>(std::floor(m.x)), iy = static_cast<int>(std::floor(m.y));
  const auto wx = static_cast<float>(m.x - ix), wy = static_cast<float>(m.y - iy);
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

MrStructures makeMrStructures(std::uint32_t seed) {
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
  for (auto& e : a.elements) {
    e.y = a.spineY(e.z);
    e.angle = a.spineAngle(e.z);
  }

  // High-intensity zone: L4-L5 most of the time, otherwise a neighbour.
  const double pick = g.uniform();
  const std::string level = pick < 0.6 ? "L4-L5" : pick < 0.8 ? "L5-S1" : "L3-L4";
  for (std::size_t i = 0; i < a.elements.size(); ++i) {
    if (a.elements[i].name == level) a.hizElement = i;
  }
  a.hizRadius = g.uniform(2.0, 3.0);
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
        z0_((t.rows - 1) * 0.5 * ps_),
        values_(static_cast<std::size_t>(n_) * n_, 0.0f) {}

  double x() const { return x_; }
  double y(int column) const { return y0_ + column * ps_; }
  double z(int row) const { return z0_ - row * ps_; }
  std::vector<float>& values() { return values_; }

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
  const double csf = ax < 9 ? std::sqrt(1.0 - (ax / 9) * (ax / 9)) : 0.0;
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
      const double mid = wall + 9.5;
      s.span(r, wall + 0.8, wall + 1.6, 0.08);        // posterior longitudinal ligament
      s.span(r, mid - 7 * csf, mid + 7 * csf, 0.95);  // thecal sac
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

void paintDisc(Slice& s, const MrElement& e, const SagittalSection& sec) {
  const Frame f = frameOf(e);
  s.box(f, sec.centreU + kDiscBulgeMm * 0.5, 0, sec.halfDepth + kDiscBulgeMm * 0.5, sec.halfHeight, 2.5,
        e.sacral ? 0.12 : 0.2);
  const double nucleusHalfWidth = 0.55 * e.lateralHalfWidth;
  const double r = s.x() / nucleusHalfWidth;
  if (e.sacral || std::abs(r) >= 1) return;
  const double k = std::sqrt(1 - r * r);
  const double ru = 0.52 * e.halfDepth * k, rv = 0.72 * e.halfHeight * std::sqrt(k);
  s.ellipse(f, kNucleusOffsetMm, 0, ru, rv, e.signal);
  s.box(f, kNucleusOffsetMm, 0, 0.7 * ru, 0.4, 0.4, 0.8 * e.signal);  // intranuclear cleft
}

void paintBody(Slice& s, const MrElement& e, const SagittalSection& sec) {
  s.box(frameOf(e), sec.centreU, 0, sec.halfDepth, sec.halfHeight, 3.0, e.signal, 0.08, 1.2);
}

}  // namespace

MrScene::MrScene(const PhantomOptions& options, MrTruth truth)
    : truth_(std::move(truth)),
      seed_(options.seed),
      noiseSigma_(static_cast<float>(0.02 * options.noiseScale)),
      anatomy_(std::make_unique<MrStructures>(makeMrStructures(options.seed))) {}

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
    if (e.disc && sectionAt(e, s.x(), sec)) paintDisc(s, e, sec);
  }
  for (const MrElement& e : a.elements) {
    if (!e.disc && sectionAt(e, s.x(), sec)) paintBody(s, e, sec);
  }
  for (const MrElement& e : a.elements) {
    if (!e.disc && !e.sacral) paintPosteriorElements(s, e, kCanalDepth);
  }
  const double dx = s.x() - truth_.hizPositionMm[0];
  const double hizR = truth_.hizRadiusMm;
  if (std::abs(dx) < hizR) {
    s.disk(truth_.hizPositionMm[1], truth_.hizPositionMm[2], std::sqrt(hizR * hizR - dx * dx), 0.95);
  }

  // Posterior (spine coil side) brighter; Rician magnitude noise.
  const int n = truth_.columns;
  std::vector<float> shade(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) {
    shade[c] = static_cast<float>(0.8 + 0.3 * clamp01((s.y(c) + 0.5 * kMrFieldOfViewMm) / kMrFieldOfViewMm));
  }
  Rng rng(streamSeed(seed_, "mr-noise", static_cast<std::uint64_t>(slice)));
  const std::vector<float>& v = s.values();
  for (int r = 0; r < truth_.rows; ++r) {
    for (int c = 0; c < n; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * n + c;
      const float re = v[i] * shade[c] + noiseSigma_ * rng.fastNormal();
      const float im = noiseSigma_ * rng.fastNormal();
      const float q = std::min(4095.0f, std::sqrt(re * re + im * im) * kMrFullScale + 0.5f);
      out[i] = static_cast<std::uint16_t>(q);
    }
  }
}

std::array<double, 3> mrSlicePosition(const MrTruth& t, int slice) {
  return {((t.slices + 1) * 0.5 - slice) * t.sliceSpacingMm, -(t.columns - 1) * 0.5 * t.pixelSpacingMm,
          (t.rows - 1) * 0.5 * t.pixelSpacingMm};
}

double mrSliceThicknessMm(const MrTruth& t) { return 0.9 * t.sliceSpacingMm; }

namespace {

MrTruth makeMrTruth(const PhantomOptions& o) {
  MrTruth t;
  t.seriesInstanceUid = deterministicUid(o.seed, "mr-series");
  t.columns = t.rows = o.mrSize;
  t.slices = o.mrSlices;
  t.pixelSpacingMm = kMrFieldOfViewMm / o.mrSize;
  // 4 mm like a clinical sagittal T2; larger stacks (benchmarks) stay within ~64 mm
  // so every slice still cuts through the spine.
  t.sliceSpacingMm = 4.0 * std::min(1.0, 16.0 / std::max(1, o.mrSlices));

  const MrStructures a = makeMrStructures(o.seed);
  const MrElement& disc = a.elements[a.hizElement];
  t.hizLevel = disc.name;
  t.hizSlice = (t.slices + 1) / 2;
  t.hizRadiusMm = a.hizRadius;
  const Frame f = frameOf(disc);
  const double u = hizLocalU(disc, a.hizRadius);
  const double x = mrSlicePosition(t, t.hizSlice)[0];
  t.hizPositionMm = {x, f.worldY(u, 0), f.worldZ(u, 0)};
  const std::array<double, 3> origin = mrSlicePosition(t, t.hizSlice);
  t.hizPixel = {(t.hizPositionMm[1] - origin[1]) / t.pixelSpacingMm,
                (origin[2] - t.hizPositionMm[2]) / t.pixelSpacingMm};
  return t;
}

}  // namespace
}  // namespace phantom_detail

// ------------------------------------------------------------------------ public API

std::vector<std::uint8_t> phantomLabelMap(const XaTruth& t, int frame) {
  using namespace phantom_detail;
  const int w = std::max(0, t.columns), h = std::max(0, t.rows);
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(w) * h, 0);
  if (w == 0 || h == 0 || frame < 1 || frame > t.frames) return labels;
  const Vec2 m = motionAt(t, frame);

  const double scale = fillScale(t, frame);
  if (scale > 0) {
    const Vec2 tip = toVec(t.needleTip);
    const Vec2 c = tip + scale * (toVec(t.discCenter) - tip) + m;
    // At tiny matrix sizes the first blob could fall between pixel centres; keep it
    // at least one pixel so "contrast from fillStartFrame" always holds.
    const double rx = std::max(0.75, scale * t.nucleusRadiusX), ry = std::max(0.75, scale * t.nucleusRadiusY);
    forBox(w, h, c.x - rx, c.y - ry, c.x + rx, c.y + ry, [&](int x, int y) {
      const double u = (x - c.x) / rx, v = (y - c.y) / ry;
      if (u * u + v * v <= 1.0) labels[static_cast<std::size_t>(y) * w + x] = 1;
    });
  }

  const Vec2 disc = toVec(t.discCenter) + m;
  for (const TearTruth& tear : t.tears) {
    const double length = leakLength(t, tear, frame);
    if (length < 0) continue;
    TearSegments seg = tearSegments(t, tear, length);
    seg.fissureStart = seg.fissureStart + m;
    seg.exit = seg.exit + m;
    seg.leakEnd = seg.leakEnd + m;
    const double r = seg.radius;
    const double x0 = std::min({seg.fissureStart.x, seg.exit.x, seg.leakEnd.x}) - r;
    const double x1 = std::max({seg.fissureStart.x, seg.exit.x, seg.leakEnd.x}) + r;
    const double y0 = std::min({seg.fissureStart.y, seg.exit.y, seg.leakEnd.y}) - r;
    const double y1 = std::max({seg.fissureStart.y, seg.exit.y, seg.leakEnd.y}) + r;
    forBox(w, h, x0, y0, x1, y1, [&](int x, int y) {
      const Vec2 p{double(x), double(y)};
      if (segmentDistance(p, seg.fissureStart, seg.exit) > r && segmentDistance(p, seg.exit, seg.leakEnd) > r) return;
      const double u = (p.x - disc.x) / t.discRadiusX, v = (p.y - disc.y) / t.discRadiusY;
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

// ------------------------------------------------------------------------------ JSON

namespace {

using nlohmann::json;

json pair(const std::array<double, 2>& a) { return json::array({a[0], a[1]}); }

}  // namespace

std::string toJson(const PhantomTruth& truth) {
  const XaTruth& xa = truth.xa;
  json tears = json::array();
  for (const TearTruth& t : xa.tears) {
    tears.push_back({{"exitPoint", pair(t.exitPoint)},
                     {"directionDeg", t.directionDeg},
                     {"clock", t.clock},
                     {"onsetFrame", t.onsetFrame},
                     {"widthPx", t.widthPx},
                     {"maxLengthPx", t.maxLengthPx}});
  }
  json motion = json::array();
  for (const auto& m : xa.motion) motion.push_back(pair(m));
  const MrTruth& mr = truth.mr;
  const json doc = {{"seed", truth.seed},
                    {"studyInstanceUid", truth.studyInstanceUid},
                    {"xa",
                     {{"seriesInstanceUid", xa.seriesInstanceUid},
                      {"sopInstanceUid", xa.sopInstanceUid},
                      {"columns", xa.columns},
                      {"rows", xa.rows},
                      {"frames", xa.frames},
                      {"frameTimeMs", xa.frameTimeMs},
                      {"imagerPixelSpacingMm", xa.imagerPixelSpacingMm},
                      {"magnification", xa.magnification},
                      {"discCenter", pair(xa.discCenter)},
                      {"discRadiusX", xa.discRadiusX},
                      {"discRadiusY", xa.discRadiusY},
                      {"nucleusRadiusX", xa.nucleusRadiusX},
                      {"nucleusRadiusY", xa.nucleusRadiusY},
                      {"needleTip", pair(xa.needleTip)},
                      {"needleEntry", pair(xa.needleEntry)},
                      {"fillStartFrame", xa.fillStartFrame},
                      {"leakOnsetFrame", xa.leakOnsetFrame},
                      {"motion", motion},
                      {"tears", tears}}},
                    {"mr",
                     {{"seriesInstanceUid", mr.seriesInstanceUid},
                      {"columns", mr.columns},
                      {"rows", mr.rows},
                      {"slices", mr.slices},
                      {"pixelSpacingMm", mr.pixelSpacingMm},
                      {"sliceSpacingMm", mr.sliceSpacingMm},
                      {"hizLevel", mr.hizLevel},
                      {"hizSlice", mr.hizSlice},
                      {"hizPixel", pair(mr.hizPixel)},
                      {"hizPositionMm", json::array({mr.hizPositionMm[0], mr.hizPositionMm[1], mr.hizPositionMm[2]})},
                      {"hizRadiusMm", mr.hizRadiusMm}}}};
  return doc.dump(2) + "\n";
}

namespace {

template <typename T, std::size_t N>
std::array<T, N> fixedArray(const json& j) {
  if (!j.is_array() || j.size() != N) {
    throw json::type_error::create(302, "expected an array of " + std::to_string(N) + " numbers", &j);
  }
  std::array<T, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = j.at(i).get<T>();
  return out;
}

PhantomTruth truthFromJson(const json& doc) {
  PhantomTruth truth;
  truth.seed = doc.at("seed").get<std::uint32_t>();
  truth.studyInstanceUid = doc.at("studyInstanceUid").get<std::string>();

  const json& x = doc.at("xa");
  XaTruth& xa = truth.xa;
  xa.seriesInstanceUid = x.at("seriesInstanceUid").get<std::string>();
  xa.sopInstanceUid = x.at("sopInstanceUid").get<std::string>();
  xa.columns = x.at("columns").get<int>();
  xa.rows = x.at("rows").get<int>();
  xa.frames = x.at("frames").get<int>();
  xa.frameTimeMs = x.at("frameTimeMs").get<double>();
  xa.imagerPixelSpacingMm = x.at("imagerPixelSpacingMm").get<double>();
  xa.magnification = x.at("magnification").get<double>();
  xa.discCenter = fixedArray<double, 2>(x.at("discCenter"));
  xa.discRadiusX = x.at("discRadiusX").get<double>();
  xa.discRadiusY = x.at("discRadiusY").get<double>();
  xa.nucleusRadiusX = x.at("nucleusRadiusX").get<double>();
  xa.nucleusRadiusY = x.at("nucleusRadiusY").get<double>();
  xa.needleTip = fixedArray<double, 2>(x.at("needleTip"));
  xa.needleEntry = fixedArray<double, 2>(x.at("needleEntry"));
  xa.fillStartFrame = x.at("fillStartFrame").get<int>();
  xa.leakOnsetFrame = x.at("leakOnsetFrame").get<int>();
  for (const json& m : x.at("motion")) xa.motion.push_back(fixedArray<double, 2>(m));
  for (const json& j : x.at("tears")) {
    TearTruth t;
    t.exitPoint = fixedArray<double, 2>(j.at("exitPoint"));
    t.directionDeg = j.at("directionDeg").get<double>();
    t.clock = j.at("clock").get<int>();
    t.onsetFrame = j.at("onsetFrame").get<int>();
    t.widthPx = j.at("widthPx").get<double>();
    t.maxLengthPx = j.at("maxLengthPx").get<double>();
    xa.tears.push_back(t);
  }

  const json& m = doc.at("mr");
  MrTruth& mr = truth.mr;
  mr.seriesInstanceUid = m.at("seriesInstanceUid").get<std::string>();
  mr.columns = m.at("columns").get<int>();
  mr.rows = m.at("rows").get<int>();
  mr.slices = m.at("slices").get<int>();
  mr.pixelSpacingMm = m.at("pixelSpacingMm").get<double>();
  mr.sliceSpacingMm = m.at("sliceSpacingMm").get<double>();
  mr.hizLevel = m.at("hizLevel").get<std::string>();
  mr.hizSlice = m.at("hizSlice").get<int>();
  mr.hizPixel = fixedArray<double, 2>(m.at("hizPixel"));
  mr.hizPositionMm = fixedArray<double, 3>(m.at("hizPositionMm"));
  mr.hizRadiusMm = m.at("hizRadiusMm").get<double>();
  return truth;
}

}  // namespace

Result<PhantomTruth> readPhantomTruth(const std::string& jsonPath) {
  std::ifstream in(jsonPath, std::ios::binary);
  if (!in) return Error{"cannot open phantom truth " + jsonPath};
  try {
    const json doc = json::parse(in);
    return truthFromJson(doc);
  } catch (const json::exception& e) {
    return Error{"invalid phantom truth " + jsonPath + ": " + e.what()};
  }
}

}  // namespace annulo
