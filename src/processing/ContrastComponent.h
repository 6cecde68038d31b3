#pragma once
// Private helper: the two image steps that turn an opacity difference into the
// contrast mass reached from the needle tip (used per frame by the leak segmenter).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace annulo::processing_detail {

// 3x3 binomial ([1 2 1]^T [1 2 1] / 16) with replicated borders; noise sigma drops
// to 0.375x while a step edge stays centred, so a half-level threshold keeps edges.
// tmp: w x h scratch.
void binomial3(const float* in, float* out, float* tmp, int w, int h);

// Marks the 4-connected component of {value > threshold} reached from the seed pixels,
// then fills its holes (background not reachable from the component's bounding box
// edge): contrast is a solid mass; a noise pinhole in it is not "no contrast".
// comp: w x h output (1 = component); queue: reusable scratch. Returns the pixel count.
std::size_t growComponent(const float* value, int w, int h, float threshold, const std::vector<int>& seeds,
                          std::uint8_t* comp, std::vector<int>& queue);

}  // namespace annulo::processing_detail
