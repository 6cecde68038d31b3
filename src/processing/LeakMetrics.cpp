#include "annulo/processing/LeakMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace annulo {

namespace {

constexpr float kDiagonal = 1.41421356f;

// Chamfer (1, sqrt 2) distance from every set pixel to the nearest unset pixel (or
// the box edge): the inscribed radius of the leak at that pixel.
std::vector<float> insideDistance(const std::uint8_t* mask, int w, int h) {
  const float inf = std::numeric_limits<float>::max() / 4;
  std::vector<float> d(std::size_t(w) * std::size_t(h));
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = mask[i] ? inf : 0.0f;
  auto at = [&](int x, int y) { return (x < 0 || y < 0 || x >= w || y >= h) ? 0.0f : d[std::size_t(y) * w + x]; };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float& v = d[std::size_t(y) * w + x];
      if (v == 0) continue;
      v = std::min({v, at(x - 1, y) + 1, at(x, y - 1) + 1, at(x - 1, y - 1) + kDiagonal, at(x + 1, y - 1) + kDiagonal});
    }
  for (int y = h - 1; y >= 0; --y)
    for (int x = w - 1; x >= 0; --x) {
      float& v = d[std::size_t(y) * w + x];
      if (v == 0) continue;
      v = std::min({v, at(x + 1, y) + 1, at(x, y + 1) + 1, at(x + 1, y + 1) + kDiagonal, at(x - 1, y + 1) + kDiagonal});
    }
  return d;
}

const int kDx[8] = {1, -1, 0, 0, 1, 1, -1, -1};
const int kDy[8] = {0, 0, 1, -1, 1, -1, 1, -1};
const float kStep[8] = {1, 1, 1, 1, kDiagonal, kDiagonal, kDiagonal, kDiagonal};

// Geodesic distance (8-neighbours, inside component `id`) from `from` to the nearest
// covered pixel, searched up to `limit`; returns `limit` when none is that close.
// `scratch` is all +inf on entry and is restored.
double geodesicReach(int from, int id, double limit, const std::vector<int>& component,
                     const std::vector<std::uint8_t>& covered, int w, int h, std::vector<float>& scratch) {
  using Item = std::pair<float, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> front;
  std::vector<int> touched;
  front.push({0.0f, from});
  double found = limit;
  while (!front.empty()) {
    const auto [g, i] = front.top();
    front.pop();
    if (g >= scratch[std::size_t(i)]) continue;
    scratch[std::size_t(i)] = g;
    touched.push_back(i);
    if (covered[std::size_t(i)]) {
      found = g;
      break;
    }
    const int x = i % w, y = i / w;
    for (int k = 0; k < 8; ++k) {
      const int nx = x + kDx[k], ny = y + kDy[k];
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const int j = ny * w + nx;
      const float ng = g + kStep[k];
      if (component[std::size_t(j)] == id && ng < limit && ng < scratch[std::size_t(j)]) front.push({ng, j});
    }
  }
  for (int i : touched) scratch[std::size_t(i)] = std::numeric_limits<float>::max();
  return found;
}

}  // namespace

std::vector<LeakPath> findLeakPaths(const std::uint8_t* leak, const std::uint8_t* disc, const PixelBox& box,
                                    Point2 discCentre, const LeakPathOptions& options) {
  std::vector<LeakPath> paths;
  const int w = box.width(), h = box.height();
  if (w <= 0 || h <= 0) return paths;
  const std::size_t n = std::size_t(w) * std::size_t(h);
  const std::vector<float> inscribed = insideDistance(leak, w, h);
  std::vector<int> component(n, -1);
  const float inf = std::numeric_limits<float>::max();
  std::vector<float> geo(n, inf);
  std::vector<int> parent(n, -1);
  std::vector<std::uint8_t> covered(n, 0);
  std::vector<int> owner(n, -1);
  std::vector<float> bounded(n, inf);  // scratch of the bounded Dijkstra; reset after each use
  int componentCount = 0;

  for (std::size_t start = 0; start < n; ++start) {
    if (!leak[start] || component[start] >= 0) continue;
    // The 8-connected component.
    std::vector<int> pixels{int(start)};
    component[start] = componentCount;
    for (std::size_t head = 0; head < pixels.size(); ++head) {
      const int x = pixels[head] % w, y = pixels[head] / w;
      for (int k = 0; k < 8; ++k) {
        const int nx = x + kDx[k], ny = y + kDy[k];
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const int j = ny * w + nx;
        if (leak[j] && component[j] < 0) {
          component[j] = componentCount;
          pixels.push_back(j);
        }
      }
    }
    const int id = componentCount++;
    if (pixels.size() < options.minPixels) continue;

    // Boundary pixels: on or next to the inside of the disc. A component that never
    // touches the disc (possible in a union over moving frames) starts nearest the centre.
    std::vector<int> boundary;
    for (int i : pixels) {
      const int x = i % w, y = i / w;
      bool touch = disc[i] != 0;
      for (int k = 0; k < 4 && !touch; ++k) {
        const int nx = x + kDx[k], ny = y + kDy[k];
        touch = nx >= 0 && ny >= 0 && nx < w && ny < h && disc[ny * w + nx];
      }
      if (touch) boundary.push_back(i);
    }
    if (boundary.empty()) {
      int best = pixels.front();
      double bestD = inf;
      for (int i : pixels) {
        const double dx = box.x0 + i % w - discCentre[0], dy = box.y0 + i / w - discCentre[1];
        if (dx * dx + dy * dy < bestD) bestD = dx * dx + dy * dy, best = i;
      }
      boundary.push_back(best);
    }

    // Geodesic distance from the boundary inside the leak (Dijkstra, 8-neighbours).
    using Item = std::pair<float, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    for (int b : boundary) {
      geo[std::size_t(b)] = 0;
      heap.push({0.0f, b});
    }
    while (!heap.empty()) {
      const auto [g, i] = heap.top();
      heap.pop();
      if (g > geo[std::size_t(i)]) continue;
      const int x = i % w, y = i / w;
      for (int k = 0; k < 8; ++k) {
        const int nx = x + kDx[k], ny = y + kDy[k];
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const int j = ny * w + nx;
        if (component[std::size_t(j)] != id) continue;
        const float ng = g + kStep[k];
        if (ng < geo[std::size_t(j)]) {
          geo[std::size_t(j)] = ng;
          parent[std::size_t(j)] = i;
          heap.push({ng, j});
        }
      }
    }

    // Paths: repeatedly take the farthest pixel not yet explained, trace it back to the
    // boundary, and keep it as a path when the part not shared with longer paths is long.
    std::vector<int> order(pixels);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return geo[std::size_t(a)] > geo[std::size_t(b)]; });
    double minBranch = options.minBranchPx;
    bool mainPath = true;  // the component's longest path
    for (int tip : order) {
      if (covered[std::size_t(tip)]) continue;
      std::vector<int> trace;
      for (int i = tip; i >= 0; i = parent[std::size_t(i)]) trace.push_back(i);
      double junction = 0;
      for (int i : trace)
        if (covered[std::size_t(i)]) {
          junction = geo[std::size_t(i)];
          break;
        }
      float radius = 1;
      for (int i : trace) radius = std::max(radius, inscribed[std::size_t(i)]);
      bool accept;
      if (mainPath) {
        if (options.minBranchPx <= 0) minBranch = std::max(4.0, 2.5 * radius);
        // A speck hugging the boundary is not a path: it must reach out by 2 pixels.
        accept = geo[std::size_t(tip)] >= 2.0;
        mainPath = false;
      } else {
        // A branch must run minBranch beyond the longer paths, measured both along its
        // own way back and as the shortest way to them: a bulge on the side of a path
        // near the boundary can reach the boundary without touching that path's corridor.
        accept = geo[std::size_t(tip)] - junction >= minBranch &&
                 geodesicReach(tip, id, minBranch, component, covered, w, h, bounded) >= minBranch;
      }
      const int pathIndex = accept ? int(paths.size()) : -1;

      // Cover everything within the local leak radius (+1) of the trace, geodesically.
      const float limit = radius + 1.0f;
      std::priority_queue<Item, std::vector<Item>, std::greater<Item>> front;
      std::vector<int> touched;
      for (int i : trace) front.push({0.0f, i});
      while (!front.empty()) {
        const auto [g, i] = front.top();
        front.pop();
        if (g >= bounded[std::size_t(i)]) continue;
        bounded[std::size_t(i)] = g;
        touched.push_back(i);
        const int x = i % w, y = i / w;
        for (int k = 0; k < 8; ++k) {
          const int nx = x + kDx[k], ny = y + kDy[k];
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const int j = ny * w + nx;
          const float ng = g + kStep[k];
          if (component[std::size_t(j)] == id && ng <= limit && ng < bounded[std::size_t(j)]) front.push({ng, j});
        }
      }
      for (int i : touched) {
        if (!covered[std::size_t(i)]) {
          covered[std::size_t(i)] = 1;
          owner[std::size_t(i)] = pathIndex >= 0 ? pathIndex : owner[std::size_t(trace.back())];
        }
        bounded[std::size_t(i)] = inf;
      }
      if (!accept) continue;

      LeakPath path;
      const int end = trace.back();  // on the boundary
      const double ex = end % w, ey = end / w;
      double sx = 0, sy = 0;
      int count = 0;
      for (int b : boundary) {
        const double dx = b % w - ex, dy = b / w - ey;
        if (dx * dx + dy * dy <= double(limit) * limit) sx += b % w, sy += b / w, ++count;
      }
      path.exitPoint = {box.x0 + sx / count, box.y0 + sy / count};
      path.tip = {double(box.x0 + tip % w), double(box.y0 + tip / w)};
      path.directionDeg = imageAngleDeg(path.tip[0] - path.exitPoint[0], path.tip[1] - path.exitPoint[1]);
      path.clock = clockHour(path.directionDeg);
      path.exitAngleDeg = imageAngleDeg(path.exitPoint[0] - discCentre[0], path.exitPoint[1] - discCentre[1]);
      path.exitClock = clockHour(path.exitAngleDeg);
      path.lengthPx = geo[std::size_t(tip)];
      paths.push_back(path);
    }
    // Remaining pixels (none normally) belong to the path of their trace end.
    for (int i : pixels)
      if (owner[std::size_t(i)] >= 0 && owner[std::size_t(i)] < int(paths.size()))
        paths[std::size_t(owner[std::size_t(i)])].pixels++;
  }
  std::sort(paths.begin(), paths.end(), [](const LeakPath& a, const LeakPath& b) { return a.lengthPx > b.lengthPx; });
  return paths;
}

std::optional<int> leakOnsetIndex(const std::vector<std::size_t>& leakPixels, std::size_t minPixels, int persistence) {
  const int n = int(leakPixels.size());
  for (int f = 0; f < n; ++f) {
    bool stays = leakPixels[std::size_t(f)] >= minPixels;
    for (int k = 1; k <= persistence && stays && f + k < n; ++k) stays = leakPixels[std::size_t(f + k)] >= minPixels;
    if (stays) return f;
  }
  return std::nullopt;
}

double diceCoefficient(const std::uint8_t* a, const std::uint8_t* b, std::size_t count, std::uint8_t labelA,
                       std::uint8_t labelB) {
  std::size_t na = 0, nb = 0, both = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const bool ia = a[i] == labelA, ib = b[i] == labelB;
    na += ia;
    nb += ib;
    both += ia && ib;
  }
  if (na + nb == 0) return 1.0;
  return 2.0 * double(both) / double(na + nb);
}

}  // namespace annulo
