#include "annulo/processing/MotionCorrection.h"

#include <vnl/algo/vnl_fft_2d.h>
#include <vnl/vnl_matrix.h>

#include <algorithm>
#include <cmath>
#include <complex>

namespace annulo {

namespace {

PixelBox intersect(const PixelBox& a, const PixelBox& b) {
  return {std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
}

// Largest n' <= n of the form 2^a 3^b 5^c: the sizes vnl's FFT accepts.
int fftSize(int n) {
  for (int m = n; m > 1; --m) {
    int r = m;
    for (int p : {2, 3, 5})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
  return 1;
}

// Vertex of the parabola through (-1, a), (0, b), (1, c): sub-pixel peak offset.
double parabolicOffset(double a, double b, double c) {
  const double denom = a - 2 * b + c;
  if (std::abs(denom) < 1e-12) return 0;
  return std::max(-0.5, std::min(0.5, 0.5 * (a - c) / denom));
}

}  // namespace

ShiftEstimate phaseCorrelate(const FloatImage& reference, const FloatImage& moving, double cx, double cy, int size) {
  const PixelBox common = intersect(reference.box(), moving.box());
  const int n = fftSize(std::min({size, common.width(), common.height()}));
  ShiftEstimate out;
  if (n < 16) return out;
  const int wx0 = std::max(common.x0, std::min(common.x1 - n, int(std::lround(cx - 0.5 * n))));
  const int wy0 = std::max(common.y0, std::min(common.y1 - n, int(std::lround(cy - 0.5 * n))));

  std::vector<double> hann(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) hann[std::size_t(i)] = 0.5 - 0.5 * std::cos(2 * kPi * (i + 0.5) / n);
  auto load = [&](const FloatImage& img, vnl_matrix<std::complex<double>>& m) {
    double mean = 0;
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) mean += img.at(wx0 + x, wy0 + y);
    mean /= double(n) * n;
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        m(unsigned(y), unsigned(x)) = (img.at(wx0 + x, wy0 + y) - mean) * hann[std::size_t(x)] * hann[std::size_t(y)];
  };
  const auto side = static_cast<unsigned>(n);
  vnl_matrix<std::complex<double>> a(side, side), b(side, side);
  load(reference, a);
  load(moving, b);
  vnl_fft_2d<double> fft(n, n);
  fft.fwd_transform(a);
  fft.fwd_transform(b);
  for (unsigned y = 0; y < unsigned(n); ++y) {
    for (unsigned x = 0; x < unsigned(n); ++x) {
      const std::complex<double> cross = b(y, x) * std::conj(a(y, x));
      const double mag = std::abs(cross);
      b(y, x) = mag > 1e-20 ? cross / mag : std::complex<double>(0, 0);
    }
  }
  fft.bwd_transform(b);
  unsigned px = 0, py = 0;
  double best = -1e300;
  for (unsigned y = 0; y < unsigned(n); ++y) {
    for (unsigned x = 0; x < unsigned(n); ++x) {
      if (b(y, x).real() > best) {
        best = b(y, x).real();
        px = x;
        py = y;
      }
    }
  }
  auto value = [&](int y, int x) { return b(unsigned((y + n) % n), unsigned((x + n) % n)).real(); };
  const double ox = parabolicOffset(value(int(py), int(px) - 1), best, value(int(py), int(px) + 1));
  const double oy = parabolicOffset(value(int(py) - 1, int(px)), best, value(int(py) + 1, int(px)));
  const double sx = (int(px) > n / 2 ? int(px) - n : int(px)) + ox;
  const double sy = (int(py) > n / 2 ? int(py) - n : int(py)) + oy;
  out.shift = {sx, sy};
  out.confidence = best / (double(n) * n);  // the inverse transform is unnormalised
  return out;
}

TranslationRefiner::TranslationRefiner(FloatImage reference, const PixelBox& box, std::size_t maxPoints)
    : reference_(std::move(reference)) {
  gradX_ = FloatImage(reference_.box());
  gradY_ = FloatImage(reference_.box());
  const int w = reference_.width, h = reference_.height;
  const float* r = reference_.values.data();
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int xl = std::max(0, x - 1), xr = std::min(w - 1, x + 1);
      const int yu = std::max(0, y - 1), yd = std::min(h - 1, y + 1);
      const std::size_t i = std::size_t(y) * std::size_t(w) + std::size_t(x);
      gradX_.values[i] = (r[std::size_t(y) * w + xr] - r[std::size_t(y) * w + xl]) / float(std::max(1, xr - xl));
      gradY_.values[i] = (r[std::size_t(yd) * w + x] - r[std::size_t(yu) * w + x]) / float(std::max(1, yd - yu));
    }
  }
  // Candidate points: inside both the box and the reference, two pixels from its edge.
  const PixelBox inner{std::max(box.x0, reference_.x0 + 2), std::max(box.y0, reference_.y0 + 2),
                       std::min(box.x1, reference_.x0 + w - 2), std::min(box.y1, reference_.y0 + h - 2)};
  if (inner.empty() || maxPoints == 0) return;
  std::vector<float> magnitude;
  magnitude.reserve(inner.area());
  for (int y = inner.y0; y < inner.y1; ++y)
    for (int x = inner.x0; x < inner.x1; ++x) {
      const float gx = gradX_.at(x, y), gy = gradY_.at(x, y);
      magnitude.push_back(gx * gx + gy * gy);
    }
  std::vector<float> sorted(magnitude);
  auto cut = sorted.begin() + std::ptrdiff_t(0.7 * double(sorted.size()));
  std::nth_element(sorted.begin(), cut, sorted.end());
  const float threshold = *cut;
  std::size_t strong = 0;
  for (float m : magnitude) strong += m >= threshold && m > 0;
  const double stride = std::max(1.0, double(strong) / double(maxPoints));
  double next = 0;
  std::size_t seen = 0, i = 0;
  for (int y = inner.y0; y < inner.y1; ++y)
    for (int x = inner.x0; x < inner.x1; ++x, ++i) {
      if (!(magnitude[i] >= threshold && magnitude[i] > 0)) continue;
      if (double(seen++) >= next) {
        points_.push_back({x, y});
        next += stride;
      }
    }
}

ShiftEstimate TranslationRefiner::refine(const FloatImage& moving, Shift2 start, int iterations) const {
  ShiftEstimate out;
  out.shift = start;
  if (points_.size() < 16) return out;
  const std::size_t n = points_.size();
  std::vector<float> residuals(n), gx(n), gy(n), absRes(n);
  std::vector<std::uint8_t> valid(n);
  const PixelBox mbox = moving.box();
  for (int it = 0; it < iterations; ++it) {
    // One shift for all points: the bilinear weights are shared.
    const double sx = -out.shift.dx, sy = -out.shift.dy;
    const int ix = int(std::floor(sx)), iy = int(std::floor(sy));
    const float wx = float(sx - ix), wy = float(sy - iy);
    auto bilinear = [&](const FloatImage& img, int x, int y) {
      const float* p = &img.values[std::size_t(y - img.y0) * std::size_t(img.width) + std::size_t(x - img.x0)];
      const float top = p[0] + wx * (p[1] - p[0]);
      const float bottom = p[img.width] + wx * (p[img.width + 1] - p[img.width]);
      return top + wy * (bottom - top);
    };
    std::size_t used = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const int x = points_[k][0], y = points_[k][1];
      const int rx = x + ix, ry = y + iy;
      valid[k] = mbox.contains(x, y) && rx >= reference_.x0 && ry >= reference_.y0 &&
                 rx + 1 < reference_.x0 + reference_.width && ry + 1 < reference_.y0 + reference_.height;
      if (!valid[k]) continue;
      residuals[k] = moving.at(x, y) - bilinear(reference_, rx, ry);
      gx[k] = bilinear(gradX_, rx, ry);
      gy[k] = bilinear(gradY_, rx, ry);
      absRes[used++] = std::abs(residuals[k]);
    }
    if (used < 16) return out;
    // Robust scale from the median absolute residual; Tukey's biweight beyond 4.685 sigma.
    auto mid = absRes.begin() + std::ptrdiff_t(used / 2);
    std::nth_element(absRes.begin(), mid, absRes.begin() + std::ptrdiff_t(used));
    const double sigma = std::max(1e-4, 1.4826 * double(*mid));
    const double c = 4.685 * sigma;
    double hxx = 0, hxy = 0, hyy = 0, bx = 0, by = 0;
    std::size_t inliers = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (!valid[k]) continue;
      const double r = residuals[k];
      if (std::abs(r) >= c) continue;
      const double u = r / c;
      const double w = (1 - u * u) * (1 - u * u);
      ++inliers;
      hxx += w * gx[k] * gx[k];
      hxy += w * gx[k] * gy[k];
      hyy += w * gy[k] * gy[k];
      bx += w * gx[k] * r;
      by += w * gy[k] * r;
    }
    const double det = hxx * hyy - hxy * hxy;
    out.confidence = double(inliers) / double(used);
    if (det <= 1e-12 * std::max(1.0, hxx * hyy)) return out;  // no texture: keep the estimate
    // H * delta = -b (residual r = moving - reference(p - shift) ~ -grad . delta).
    double ddx = -(hyy * bx - hxy * by) / det;
    double ddy = -(hxx * by - hxy * bx) / det;
    // A Gauss-Newton step beyond a pixel means the linearisation is off: damp it.
    const double len = std::hypot(ddx, ddy);
    if (len > 1.0) {
      ddx /= len;
      ddy /= len;
    }
    out.shift.dx += ddx;
    out.shift.dy += ddy;
    if (len < 0.003) break;
  }
  return out;
}

}  // namespace annulo
