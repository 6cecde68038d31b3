// annulo-bench-reslice: the disc-plane reformat's frame rate while the plane is
// dragged, on a 512 x 512 x 300 uint16 volume (0.5 x 0.5 x 1 mm, sagittal), through
// VolumeReslicer (vtkImageReslice over the series buffer, linear). Each frame turns
// the plane by 0.5 degree and cuts a 512 x 512 image of 0.4 mm pixels, as the viewer
// does while dragging. Prints one JSON line. Run by hand:
//   build/tools/bench/annulo-bench-reslice [frames] [cubic|linear|nearest]

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "annulo/render/VolumeReslicer.h"

using namespace annulo;

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::stoi(argv[1]) : 100;
  const std::string mode = argc > 2 ? argv[2] : "linear";
  Series s;
  s.series.instanceUid = "2.25.1";
  s.columns = 512;
  s.rows = 512;
  s.bitsAllocated = 16;
  s.bitsStored = 12;
  s.sampleType = SampleType::UInt16;
  s.spacing = {0.5, 0.5, 1};
  s.direction = {{{0, 1, 0}, {0, 0, -1}, {1, 0, 0}}};
  s.hasPatientGeometry = true;
  const int n = 300;
  s.slices.resize(n);
  for (int k = 0; k < n; ++k) s.slices[std::size_t(k)].position = {-150.0 + k, -128, 128};
  s.pixels = PixelBuffer(std::size_t(n) * s.sliceBytes());
  auto* p = reinterpret_cast<std::uint16_t*>(s.pixels.data());
  for (std::size_t i = 0; i < std::size_t(n) * 512 * 512; ++i) p[i] = std::uint16_t((i * 2654435761u) >> 20 & 4095);
  auto r = VolumeReslicer::create(s);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.error().message.c_str());
    return 1;
  }
  DiscPlane plane;
  plane.centre = {0, 0, 0};
  ResliceOptions o;
  o.grid = {512, 512, 0.4};
  o.interpolation = mode == "cubic"     ? ResliceInterpolation::Cubic
                    : mode == "nearest" ? ResliceInterpolation::Nearest
                                        : ResliceInterpolation::Linear;
  double sum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int f = 0; f < frames; ++f) {
    const ResliceImage img = (*r)->reslice(rotated(plane, 20 + 0.5 * f, 3), o);
    sum += img.at(256, 256);
  }
  const double s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"volume\":\"512x512x300 uint16\",\"output\":\"512x512\",\"interpolation\":\"%s\",\"frames\":%d,"
      "\"seconds\":%.3f,\"fps\":%.1f,\"checksum\":%.0f}\n",
      mode.c_str(), frames, s_, frames / s_, sum);
  return 0;
}
