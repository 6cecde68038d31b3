#include "processing/ContrastComponent.h"

#include <algorithm>

namespace annulo::processing_detail {

void binomial3(const float* in, float* out, float* tmp, int w, int h) {
  for (int y = 0; y < h; ++y) {
    const float* r = in + std::size_t(y) * std::size_t(w);
    float* t = tmp + std::size_t(y) * std::size_t(w);
    if (w == 1) {
      t[0] = r[0];
      continue;
    }
    t[0] = 0.75f * r[0] + 0.25f * r[1];
    for (int x = 1; x + 1 < w; ++x) t[x] = 0.25f * (r[x - 1] + r[x + 1]) + 0.5f * r[x];
    t[w - 1] = 0.75f * r[w - 1] + 0.25f * r[w - 2];
  }
  for (int y = 0; y < h; ++y) {
    const float* up = tmp + std::size_t(std::max(0, y - 1)) * std::size_t(w);
    const float* mid = tmp + std::size_t(y) * std::size_t(w);
    const float* down = tmp + std::size_t(std::min(h - 1, y + 1)) * std::size_t(w);
    float* o = out + std::size_t(y) * std::size_t(w);
    for (int x = 0; x < w; ++x) o[x] = 0.25f * (up[x] + down[x]) + 0.5f * mid[x];
  }
}

std::size_t growComponent(const float* value, int w, int h, float threshold, const std::vector<int>& seeds,
                          std::uint8_t* comp, std::vector<int>& queue) {
  std::fill(comp, comp + std::size_t(w) * std::size_t(h), std::uint8_t(0));
  queue.clear();
  for (int s : seeds) {
    if (value[s] > threshold && !comp[s]) {
      comp[s] = 1;
      queue.push_back(s);
    }
  }
  int minX = w, minY = h, maxX = -1, maxY = -1;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const int i = queue[head];
    const int x = i % w, y = i / w;
    minX = std::min(minX, x);
    maxX = std::max(maxX, x);
    minY = std::min(minY, y);
    maxY = std::max(maxY, y);
    auto visit = [&](int j) {
      if (!comp[j] && value[j] > threshold) {
        comp[j] = 1;
        queue.push_back(j);
      }
    };
    if (x > 0) visit(i - 1);
    if (x + 1 < w) visit(i + 1);
    if (y > 0) visit(i - w);
    if (y + 1 < h) visit(i + w);
  }
  std::size_t count = queue.size();
  if (count == 0) return 0;
  // Hole filling inside the bounding box grown by one pixel: 2 marks "outside".
  const int bx0 = std::max(0, minX - 1), by0 = std::max(0, minY - 1);
  const int bx1 = std::min(w - 1, maxX + 1), by1 = std::min(h - 1, maxY + 1);
  queue.clear();
  auto seedOutside = [&](int x, int y) {
    const int j = y * w + x;
    if (comp[j] == 0) {
      comp[j] = 2;
      queue.push_back(j);
    }
  };
  for (int x = bx0; x <= bx1; ++x) {
    seedOutside(x, by0);
    seedOutside(x, by1);
  }
  for (int y = by0; y <= by1; ++y) {
    seedOutside(bx0, y);
    seedOutside(bx1, y);
  }
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const int i = queue[head];
    const int x = i % w, y = i / w;
    auto visit = [&](int j) {
      if (comp[j] == 0) {
        comp[j] = 2;
        queue.push_back(j);
      }
    };
    if (x > bx0) visit(i - 1);
    if (x < bx1) visit(i + 1);
    if (y > by0) visit(i - w);
    if (y < by1) visit(i + w);
  }
  for (int y = by0; y <= by1; ++y) {
    for (int x = bx0; x <= bx1; ++x) {
      std::uint8_t& c = comp[y * w + x];
      if (c == 2) {
        c = 0;
      } else if (c == 0) {
        c = 1;
        ++count;
      }
    }
  }
  return count;
}

}  // namespace annulo::processing_detail
