#include "annulo/processing/DiscOutline.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace annulo {

namespace {

// Two passes of the 3x3 binomial: about a Gaussian of sigma 1 pixel, enough to
// take the edge of single-pixel noise without moving a margin.
FloatImage smoothTwice(const FloatImage& in) {
  FloatImage a = in, b = in;
  const int w = in.width, h = in.height;
  for (int pass = 0; pass < 2; ++pass) {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float* r = &a.values[std::size_t(y) * w];
        b.values[std::size_t(y) * w + x] = 0.25f * (r[std::max(0, x - 1)] + r[std::min(w - 1, x + 1)]) + 0.5f * r[x];
      }
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        a.values[std::size_t(y) * w + x] = 0.25f * (b.values[std::size_t(std::max(0, y - 1)) * w + x] +
                                                    b.values[std::size_t(std::min(h - 1, y + 1)) * w + x]) +
                                           0.5f * b.values[std::size_t(y) * w + x];
  }
  return a;
}

// Grey-level opening (erosion then dilation) with a (2r+1)^2 square, separably:
// removes dense structures thinner than the square and keeps everything wider.
// Ours, not ITK's GrayscaleMorphologicalOpeningImageFilter (flat box): measured on the
// busy 2-core machine, one thread, ITK took 58 ms vs 3.9 ms here on a 380x270 ROI (r 2),
// 70 vs 7.8 (r 4), 177 vs 31 on 760x540 (a 1024^2 cine's ROI), i.e. 5-15x slower, and
// its border handling differs (outputs not identical on noise).
FloatImage opening(const FloatImage& in, int r) {
  const int w = in.width, h = in.height;
  auto pass = [&](const std::vector<float>& src, std::vector<float>& dst, bool horizontal, bool takeMin) {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        float v = src[std::size_t(y) * w + x];
        for (int k = -r; k <= r; ++k) {
          const int xx = horizontal ? std::min(w - 1, std::max(0, x + k)) : x;
          const int yy = horizontal ? y : std::min(h - 1, std::max(0, y + k));
          const float u = src[std::size_t(yy) * w + xx];
          v = takeMin ? std::min(v, u) : std::max(v, u);
        }
        dst[std::size_t(y) * w + x] = v;
      }
  };
  FloatImage out = in;
  std::vector<float> tmp(in.values.size());
  pass(in.values, tmp, true, true);
  pass(tmp, out.values, false, true);
  pass(out.values, tmp, true, false);
  pass(tmp, out.values, false, false);
  return out;
}

double parabolicOffset(double a, double b, double c) {
  const double denom = a - 2 * b + c;
  if (std::abs(denom) < 1e-12) return 0;
  return std::max(-0.5, std::min(0.5, 0.5 * (a - c) / denom));
}

double medianOf(std::vector<double> v) {
  auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

}  // namespace

Status validateOutline(const std::vector<Point2>& polygon) {
  if (polygon.size() < 3)
    return makeError("disc outline is empty: it needs at least 3 vertices, has " + std::to_string(polygon.size()));
  for (const Point2& p : polygon)
    if (!std::isfinite(p[0]) || !std::isfinite(p[1])) return makeError("disc outline has a non-finite vertex");
  if (std::abs(polygonArea(polygon)) < 1.0)
    return makeError("disc outline is empty: its vertices enclose no area (under 1 pixel^2)");
  return {};
}

namespace {

// The needle's core is far denser than its surroundings; its blurred rim is not, but
// is still a strong edge: the core grown by the opening's radius is replaced by the opening.
FloatImage removeNeedle(const FloatImage& background, double needleExcess, double needleWidthPx) {
  FloatImage cleaned = background;
  const int r = std::max(1, int(std::ceil(0.5 * needleWidthPx)));
  const FloatImage open = opening(background, r);
  const int w = background.width, h = background.height;
  std::vector<std::uint8_t> core(background.values.size(), 0), grown(core.size(), 0), tmp(core.size(), 0);
  for (std::size_t i = 0; i < core.size(); ++i) core[i] = background.values[i] - open.values[i] > needleExcess;
  // Square dilation by r, separably (rows then columns).
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t v = 0;
      for (int k = std::max(0, x - r); k <= std::min(w - 1, x + r) && !v; ++k) v = core[std::size_t(y) * w + k];
      tmp[std::size_t(y) * w + x] = v;
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t v = 0;
      for (int k = std::max(0, y - r); k <= std::min(h - 1, y + r) && !v; ++k) v = tmp[std::size_t(k) * w + x];
      grown[std::size_t(y) * w + x] = v;
    }
  for (std::size_t i = 0; i < cleaned.values.size(); ++i)
    if (grown[i]) cleaned.values[i] = std::min(cleaned.values[i], open.values[i]);
  return cleaned;
}

// Radial profiles from the origin and their derivative (central difference over +-1
// pixel), the derivative divided by the local noise so one threshold fits everywhere.
struct RayProfiles {
  int rays = 0;
  double step = 0.5;  // pixels between samples
  std::vector<std::vector<float>> profile, deriv;
  std::vector<std::size_t> start;  // first sample searched: outside the contrast core
  std::vector<float> all;          // |derivative| beyond rMin, over every ray
};

RayProfiles sampleRays(const DiscBackground& input, const FloatImage& sm, Point2 origin, int rays, double rMin,
                       double rMax) {
  const FloatImage& background = input.opacity;
  const FloatImage* standardError =
      input.standardError.values.size() == background.values.size() ? &input.standardError : nullptr;
  const bool haveCore = input.core.size() == background.values.size();
  auto inCore = [&](double x, double y) {
    const int ix = int(std::lround(x)) - background.x0, iy = int(std::lround(y)) - background.y0;
    return haveCore && ix >= 0 && iy >= 0 && ix < background.width && iy < background.height &&
           input.core[std::size_t(iy) * background.width + ix];
  };
  const PixelBox box = background.box();
  // Noise of the derivative below, per unit of pixel noise: the two binomial passes
  // and the +-1 pixel central difference pass white noise with gain sqrt(0.0224).
  constexpr double kDerivativeGain = 0.15;
  auto localNoise = [&](double x, double y) {
    return standardError ? kDerivativeGain * std::max(1e-6, double(standardError->sample(x, y))) : 1.0;
  };
  RayProfiles out;
  out.rays = rays;
  const double step = out.step;
  out.profile.resize(std::size_t(rays));
  out.deriv.resize(std::size_t(rays));
  out.start.assign(std::size_t(rays), 0);
  for (int i = 0; i < rays; ++i) {
    const double a = 2 * kPi * i / rays;
    const double ux = std::sin(a), uy = -std::cos(a);
    auto& p = out.profile[std::size_t(i)];
    bool leftCore = false;
    for (double r = 0; r <= rMax; r += step) {
      const double x = origin[0] + r * ux, y = origin[1] + r * uy;
      if (x < box.x0 + 1 || y < box.y0 + 1 || x > box.x1 - 2 || y > box.y1 - 2) break;
      if (!leftCore && !inCore(x, y)) {
        leftCore = true;
        out.start[std::size_t(i)] = p.size();
      }
      p.push_back(sm.sample(x, y));
    }
    auto& d = out.deriv[std::size_t(i)];
    d.assign(p.size(), 0.0f);
    for (std::size_t k = 2; k + 2 < p.size(); ++k) {
      const double r = double(k) * step;
      d[k] = float((p[k + 2] - p[k - 2]) / (4 * step) / localNoise(origin[0] + r * ux, origin[1] + r * uy));
      if (k * step >= rMin) out.all.push_back(std::abs(d[k]));
    }
  }
  return out;
}

struct Candidate {
  double r, z;  // radius (pixels) and strength in noise units
};

// Candidate margins per ray: local maxima of the noise-scaled derivative above a low
// threshold, nearest first, dense ridges (the needle) stepped over. `found` counts the
// rays with a candidate of at least tau.
std::vector<std::vector<Candidate>> findCandidates(const RayProfiles& pr, double noise, double tau, double rMin,
                                                   double ridgeMax, int& found) {
  constexpr double kLow = 3.5;  // candidates; a margin found "directly" needs tau (6 sigma)
  constexpr std::size_t kMaxCandidates = 4;
  const int rays = pr.rays;
  const double step = pr.step;
  auto candidates = std::vector<std::vector<Candidate>>(std::size_t(rays));
  found = 0;
  const std::size_t kMin = std::size_t(std::ceil(rMin / step));
  const std::size_t ridgeSteps = std::size_t(std::ceil(ridgeMax / step));
  const std::size_t settle = std::size_t(std::ceil(1.5 / step));  // levels compared 1.5 px off the edges
  for (int i = 0; i < rays; ++i) {
    const auto& p = pr.profile[std::size_t(i)];
    const auto& d = pr.deriv[std::size_t(i)];
    auto& list = candidates[std::size_t(i)];
    for (std::size_t k = std::max<std::size_t>({kMin, pr.start[std::size_t(i)], 3});
         k + 3 < d.size() && list.size() < kMaxCandidates; ++k) {
      const double m = std::abs(d[k]);
      if (m < kLow * noise || m < std::abs(d[k - 1]) || m < std::abs(d[k + 1])) continue;
      if (d[k] > 0) {
        // A dense ridge that comes back down to the same level (the needle shaft) is
        // not a margin: step over it.
        const double before = p[k >= settle ? k - settle : 0];
        std::size_t j = k + 1;
        double top = p[k];
        bool ridge = false;
        for (; j < d.size() && j <= k + ridgeSteps; ++j) {
          top = std::max(top, double(p[j]));
          if (d[j] < -0.5 * d[k]) {
            while (j + 1 < d.size() && d[j + 1] < d[j]) ++j;  // to the steepest descent
            const double after = p[std::min(p.size() - 1, j + settle)];
            ridge = std::abs(after - before) < 0.35 * (top - before);
            break;
          }
        }
        if (ridge) {
          k = j + settle;
          continue;
        }
      }
      const double off = parabolicOffset(std::abs(d[k - 1]), m, std::abs(d[k + 1]));
      list.push_back({(double(k) + off) * step, m / noise});
    }
    for (const Candidate& c : list)
      if (c.z * noise >= tau) {
        ++found;
        break;
      }
  }
  return candidates;
}

// One candidate per ray by dynamic programming around the circle: each choice costs
// -strength (saturating) plus a penalty for not being the nearest edge, and neighbouring
// rays pay for radius jumps beyond what a disc outline does between them. A margin
// weakened under a leak (fewer contrast-free frames there) is then still preferred to
// a strong but discontinuous edge further out (posterior elements). NaN = no candidate.
class ContinuityChoice {
 public:
  explicit ContinuityChoice(const std::vector<std::vector<Candidate>>& candidates)
      : c_(candidates), rays_(int(candidates.size())), perRay_(360.0 / rays_) {}

  std::vector<double> radii() const {
    std::vector<int> order;  // rays with candidates, in angular order
    for (int i = 0; i < rays_; ++i)
      if (!c_[std::size_t(i)].empty()) order.push_back(i);
    std::vector<double> radius(std::size_t(rays_), std::numeric_limits<double>::quiet_NaN());
    if (order.size() < 3) return radius;
    // Start at the ray with the strongest nearest edge, try each of its candidates.
    std::size_t s0 = 0;
    for (std::size_t q = 0; q < order.size(); ++q)
      if (c_[std::size_t(order[q])].front().z > c_[std::size_t(order[s0])].front().z) s0 = q;
    double bestTotal = std::numeric_limits<double>::max();
    std::vector<int> bestChoice;
    for (std::size_t c0 = 0; c0 < c_[std::size_t(order[s0])].size(); ++c0) loop(order, s0, c0, bestTotal, bestChoice);
    for (std::size_t q = 0; q < order.size() && !bestChoice.empty(); ++q) {
      const int ray = order[(s0 + q) % order.size()];
      radius[std::size_t(ray)] = c_[std::size_t(ray)][std::size_t(bestChoice[q])].r;
    }
    return radius;
  }

 private:
  static constexpr double kNone = std::numeric_limits<double>::max();
  // Skipping nearer edges costs in proportion to their strength: stepping over a noise
  // bump is cheap, over a clear margin expensive (the margin is the first clear edge).
  static double strength(const Candidate& c) { return std::min(c.z, 8.0) / 8.0; }
  static double unary(const std::vector<Candidate>& list, std::size_t j) {
    double skipped = 0;
    for (std::size_t i = 0; i < j; ++i) skipped += strength(list[i]);
    return -strength(list[j]) + skipped;
  }
  double pair(double r1, double r2, int gap) const {
    const double mean = 0.5 * (r1 + r2);
    const double slack = gap * perRay_ * (0.05 * mean + 0.5);
    return std::max(0.0, std::abs(r1 - r2) - slack) / std::max(1.0, 0.1 * mean);
  }

  // The cheapest closed chain starting (and ending) at candidate c0 of ray order[s0].
  void loop(const std::vector<int>& order, std::size_t s0, std::size_t c0, double& bestTotal,
            std::vector<int>& bestChoice) const {
    const std::size_t n = order.size();
    const auto& first = c_[std::size_t(order[s0])];
    std::vector<std::vector<double>> cost(n);
    std::vector<std::vector<int>> from(n);
    cost[0] = std::vector<double>(first.size(), kNone);
    from[0] = std::vector<int>(first.size(), -1);
    cost[0][c0] = unary(first, c0);
    for (std::size_t q = 1; q < n; ++q) {
      const int prevRay = order[(s0 + q - 1) % n], ray = order[(s0 + q) % n];
      const int gap = (ray - prevRay + rays_) % rays_;
      const auto& prev = c_[std::size_t(prevRay)];
      const auto& cur = c_[std::size_t(ray)];
      cost[q].assign(cur.size(), kNone);
      from[q].assign(cur.size(), -1);
      for (std::size_t b = 0; b < cur.size(); ++b)
        for (std::size_t a = 0; a < prev.size(); ++a) {
          if (cost[q - 1][a] == kNone) continue;
          const double c = cost[q - 1][a] + unary(cur, b) + pair(prev[a].r, cur[b].r, gap);
          if (c < cost[q][b]) cost[q][b] = c, from[q][b] = int(a);
        }
    }
    // Close the loop back to the start ray's chosen candidate.
    const int lastRay = order[(s0 + n - 1) % n];
    const int gap = (order[s0] - lastRay + rays_) % rays_;
    const auto& last = c_[std::size_t(lastRay)];
    for (std::size_t b = 0; b < last.size(); ++b) {
      if (cost[n - 1][b] == kNone) continue;
      const double total = cost[n - 1][b] + pair(last[b].r, first[c0].r, gap == 0 ? rays_ : gap);
      if (total < bestTotal) {
        bestTotal = total;
        bestChoice.assign(n, 0);
        int pick = int(b);
        for (std::size_t q = n - 1; q > 0; --q) {
          bestChoice[q] = pick;
          pick = from[q][std::size_t(pick)];
        }
        bestChoice[0] = int(c0);
      }
    }
  }

  const std::vector<std::vector<Candidate>>& c_;
  int rays_;
  double perRay_;
};

// Rays without an edge filled from their nearest valid neighbours (circularly); then a
// median over +-7 degrees rejects narrow outliers (needle, a missed weak edge) and a
// short mean removes the median's steps.
std::vector<double> smoothRadii(const std::vector<double>& radius) {
  const int rays = int(radius.size());
  std::vector<double> filled(radius);
  for (int i = 0; i < rays; ++i) {
    if (!std::isnan(filled[std::size_t(i)])) continue;
    int a = i, b = i;
    int da = 0, db = 0;
    while (std::isnan(radius[std::size_t((a + rays) % rays)])) --a, ++da;
    while (std::isnan(radius[std::size_t(b % rays)])) ++b, ++db;
    const double ra = radius[std::size_t((a + rays) % rays)], rb = radius[std::size_t(b % rays)];
    filled[std::size_t(i)] = (ra * db + rb * da) / double(da + db);
  }
  const int half = std::max(2, int(std::lround(7.0 * rays / 360.0)));
  auto med = std::vector<double>(std::size_t(rays));
  auto smooth = std::vector<double>(std::size_t(rays));
  std::vector<double> window;
  for (int i = 0; i < rays; ++i) {
    window.clear();
    for (int j = -half; j <= half; ++j) window.push_back(filled[std::size_t((i + j + rays) % rays)]);
    med[std::size_t(i)] = medianOf(window);
  }
  const int meanHalf = std::max(1, int(std::lround(2.0 * rays / 360.0)));
  for (int i = 0; i < rays; ++i) {
    double sum = 0;
    for (int j = -meanHalf; j <= meanHalf; ++j) sum += med[std::size_t((i + j + rays) % rays)];
    smooth[std::size_t(i)] = sum / (2 * meanHalf + 1);
  }
  return smooth;
}

}  // namespace

Result<DiscOutlineEstimate> estimateDiscOutline(const DiscBackground& input, Point2 origin,
                                                const DiscOutlineOptions& o) {
  const FloatImage& background = input.opacity;
  const bool haveNoiseMap = input.standardError.values.size() == background.values.size();
  if (background.width < 8 || background.height < 8) return makeError("background region too small");
  if (!background.box().contains(int(std::lround(origin[0])), int(std::lround(origin[1]))))
    return makeError("injection point outside the analysed region");
  const int rays = std::max(36, o.rays);
  const double px = o.pixelMm > 0 ? o.pixelMm : 1.0;
  const double rMin = std::max(2.0, o.minRadiusMm / px);
  const FloatImage cleaned =
      o.needleExcess > 0 ? removeNeedle(background, o.needleExcess, o.needleWidthMm / px) : background;
  const RayProfiles profiles = sampleRays(input, smoothTwice(cleaned), origin, rays, rMin, o.maxRadiusMm / px);
  if (profiles.all.size() < 100) return makeError("too little image around the injection point");
  // With a noise map the derivative is already in noise units; without one, most
  // samples are flat tissue, so the median |d| stands for the noise.
  std::vector<double> allD(profiles.all.begin(), profiles.all.end());
  double noise = haveNoiseMap ? 1.0 : 1.4826 * medianOf(allD);
  if (!haveNoiseMap) {
    // A noise-free (synthetic) image has no spread to measure: fall back to a tiny
    // fraction of the strongest edge so that thresholds stay meaningful.
    noise = std::max(noise, 1e-3 * *std::max_element(allD.begin(), allD.end()));
  }
  const double tau = std::max(6.0 * noise, 1e-6);
  int found = 0;
  const auto candidates = findCandidates(profiles, noise, tau, rMin, o.ridgeMaxMm / px, found);
  const std::vector<double> radius = ContinuityChoice(candidates).radii();
  DiscOutlineEstimate out;
  out.edgeFraction = double(found) / rays;
  if (found < rays / 3)
    return makeError("no disc margin found around the injection point (edges on " + std::to_string(found) + " of " +
                     std::to_string(rays) + " directions)");
  const std::vector<double> smooth = smoothRadii(radius);
  for (int i = 0; i < rays; ++i) {
    const double a = 2 * kPi * i / rays;
    out.polygon.push_back(
        {origin[0] + smooth[std::size_t(i)] * std::sin(a), origin[1] - smooth[std::size_t(i)] * std::cos(a)});
  }
  out.method = "estimated: nearest clear attenuation edge (endplates, annulus margins) on " + std::to_string(rays) +
               " rays from the injection point over the contrast-free background, chosen for continuity around "
               "the disc and median-smoothed over angle";
  return out;
}

}  // namespace annulo
