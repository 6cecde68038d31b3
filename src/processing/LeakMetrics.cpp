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

using Item = std::pair<float, int>;
using MinHeap = std::priority_queue<Item, std::vector<Item>, std::greater<Item>>;

// The 8-neighbours of pixel i inside a w x h box: fn(j, step length).
template <typename Fn>
void forNeighbours(int i, int w, int h, Fn&& fn) {
  const int x = i % w, y = i / w;
  for (int k = 0; k < 8; ++k) {
    const int nx = x + kDx[k], ny = y + kDy[k];
    if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
    fn(ny * w + nx, kStep[k]);
  }
}

// Dijkstra inside component `id` from `seeds` (distance 0), not beyond `limit` (a step
// to exactly `limit` is taken only when `inclusive`). visit(i, g) is called once per
// settled pixel, nearest first, and returns true to stop. `scratch` is all +inf on
// entry and is restored; the settled pixels are returned in `settled`.
template <typename Visit>
void boundedDijkstra(const std::vector<int>& seeds, int id, double limit, bool inclusive,
                     const std::vector<int>& component, int w, int h, std::vector<float>& scratch,
                     std::vector<int>& settled, Visit&& visit) {
  MinHeap front;
  settled.clear();
  for (int s : seeds) front.push({0.0f, s});
  while (!front.empty()) {
    const float g = front.top().first;
    const int i = front.top().second;
    front.pop();
    if (g >= scratch[std::size_t(i)]) continue;
    scratch[std::size_t(i)] = g;
    settled.push_back(i);
    if (visit(i, g)) break;
    forNeighbours(i, w, h, [&](int j, float step) {
      const float ng = g + step;
      const bool within = inclusive ? ng <= limit : ng < limit;
      if (component[std::size_t(j)] == id && within && ng < scratch[std::size_t(j)]) front.push({ng, j});
    });
  }
}

void restore(std::vector<float>& scratch, const std::vector<int>& settled) {
  for (int i : settled) scratch[std::size_t(i)] = std::numeric_limits<float>::max();
}

// Geodesic distance (inside component `id`) from `from` to the nearest covered pixel,
// searched up to `limit`; returns `limit` when none is that close.
double geodesicReach(int from, int id, double limit, const std::vector<int>& component,
                     const std::vector<std::uint8_t>& covered, int w, int h, std::vector<float>& scratch) {
  double found = limit;
  std::vector<int> settled;
  boundedDijkstra({from}, id, limit, false, component, w, h, scratch, settled, [&](int i, float g) {
    if (!covered[std::size_t(i)]) return false;
    found = g;
    return true;
  });
  restore(scratch, settled);
  return found;
}

// The 8-connected component of `leak` containing `start`, labelled `id` in `component`.
std::vector<int> labelComponent(const std::uint8_t* leak, std::size_t start, int id, int w, int h,
                                std::vector<int>& component) {
  std::vector<int> pixels{int(start)};
  component[start] = id;
  for (std::size_t head = 0; head < pixels.size(); ++head) {
    forNeighbours(pixels[head], w, h, [&](int j, float) {
      if (leak[j] && component[std::size_t(j)] < 0) {
        component[std::size_t(j)] = id;
        pixels.push_back(j);
      }
    });
  }
  return pixels;
}

// Boundary pixels: on or next to (4-neighbours) the inside of the disc. A component that
// never touches the disc (possible in a union over moving frames) starts nearest the centre.
std::vector<int> boundaryPixels(const std::vector<int>& pixels, const std::uint8_t* disc, const PixelBox& box,
                                Point2 discCentre) {
  const int w = box.width(), h = box.height();
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
    double bestD = std::numeric_limits<float>::max();
    for (int i : pixels) {
      const double dx = box.x0 + i % w - discCentre[0], dy = box.y0 + i / w - discCentre[1];
      if (dx * dx + dy * dy < bestD) bestD = dx * dx + dy * dy, best = i;
    }
    boundary.push_back(best);
  }
  return boundary;
}

// Geodesic distance from the boundary inside the component (Dijkstra, 8-neighbours),
// with each pixel's parent on its shortest way back.
void geodesicFromBoundary(const std::vector<int>& boundary, int id, const std::vector<int>& component, int w, int h,
                          std::vector<float>& geo, std::vector<int>& parent) {
  MinHeap heap;
  for (int b : boundary) {
    geo[std::size_t(b)] = 0;
    heap.push({0.0f, b});
  }
  while (!heap.empty()) {
    const float g = heap.top().first;
    const int i = heap.top().second;
    heap.pop();
    if (g > geo[std::size_t(i)]) continue;
    forNeighbours(i, w, h, [&](int j, float step) {
      if (component[std::size_t(j)] != id) return;
      const float ng = g + step;
      if (ng < geo[std::size_t(j)]) {
        geo[std::size_t(j)] = ng;
        parent[std::size_t(j)] = i;
        heap.push({ng, j});
      }
    });
  }
}

// The path of an accepted trace: exit = mean of the boundary pixels within `limit` of
// where the trace ends, direction exit -> tip.
LeakPath makePath(const std::vector<int>& trace, int tip, const std::vector<int>& boundary, float limit,
                  const PixelBox& box, Point2 discCentre, double lengthPx) {
  const int w = box.width();
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
  path.lengthPx = lengthPx;
  return path;
}

// Per-box working state of the path search, shared by the components.
struct PathSearch {
  PathSearch(const std::uint8_t* leakMask, const std::uint8_t* discMask, const PixelBox& b, Point2 centre,
             const LeakPathOptions& o)
      : leak(leakMask), disc(discMask), box(b), w(b.width()), h(b.height()), discCentre(centre), options(o) {
    const std::size_t n = std::size_t(w) * std::size_t(h);
    inscribed = insideDistance(leak, w, h);
    component.assign(n, -1);
    geo.assign(n, std::numeric_limits<float>::max());
    parent.assign(n, -1);
    covered.assign(n, 0);
    owner.assign(n, -1);
    bounded.assign(n, std::numeric_limits<float>::max());
  }

  void searchComponent(int id, const std::vector<int>& pixels, std::vector<LeakPath>& paths);

  const std::uint8_t* leak;
  const std::uint8_t* disc;
  PixelBox box;
  int w, h;
  Point2 discCentre;
  const LeakPathOptions& options;
  std::vector<float> inscribed, geo, bounded;  // bounded: scratch of the bounded Dijkstra, reset after each use
  std::vector<int> component, parent, owner;
  std::vector<std::uint8_t> covered;
};

// Paths of one component: repeatedly take the farthest pixel not yet explained, trace it
// back to the boundary, and keep it as a path when the part not shared with longer paths
// is long.
void PathSearch::searchComponent(int id, const std::vector<int>& pixels, std::vector<LeakPath>& paths) {
  const std::vector<int> boundary = boundaryPixels(pixels, disc, box, discCentre);
  geodesicFromBoundary(boundary, id, component, w, h, geo, parent);
  std::vector<int> order(pixels);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return geo[std::size_t(a)] > geo[std::size_t(b)]; });
  double minBranch = options.minBranchPx;
  bool mainPath = true;  // the component's longest path
  std::vector<int> settled;
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
    boundedDijkstra(trace, id, limit, true, component, w, h, bounded, settled, [](int, float) { return false; });
    for (int i : settled) {
      if (!covered[std::size_t(i)]) {
        covered[std::size_t(i)] = 1;
        owner[std::size_t(i)] = pathIndex >= 0 ? pathIndex : owner[std::size_t(trace.back())];
      }
    }
    restore(bounded, settled);
    if (accept) paths.push_back(makePath(trace, tip, boundary, limit, box, discCentre, geo[std::size_t(tip)]));
  }
  // Remaining pixels (none normally) belong to the path of their trace end.
  for (int i : pixels)
    if (owner[std::size_t(i)] >= 0 && owner[std::size_t(i)] < int(paths.size()))
      paths[std::size_t(owner[std::size_t(i)])].pixels++;
}

}  // namespace

std::vector<LeakPath> findLeakPaths(const std::uint8_t* leak, const std::uint8_t* disc, const PixelBox& box,
                                    Point2 discCentre, const LeakPathOptions& options) {
  std::vector<LeakPath> paths;
  if (box.width() <= 0 || box.height() <= 0) return paths;
  PathSearch search(leak, disc, box, discCentre, options);
  const std::size_t n = std::size_t(box.width()) * std::size_t(box.height());
  int componentCount = 0;
  for (std::size_t start = 0; start < n; ++start) {
    if (!leak[start] || search.component[start] >= 0) continue;
    const int id = componentCount++;
    const std::vector<int> pixels = labelComponent(leak, start, id, box.width(), box.height(), search.component);
    if (pixels.size() < options.minPixels) continue;
    search.searchComponent(id, pixels, paths);
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
