// annulo --bench: frame rates of the real UI under the real GL (Xvfb + Mesa in CI).

#include <GL/glew.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "Application.h"
#include "ViewDrawing.h"

namespace annulo::app {

namespace {
double residentMiB() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}
}  // namespace

// Frames per second of `frames` full UI redraws, each after `step(i)`.
template <typename Step>
double Application::measure(int frames, Step step) {
  const double start = nowMs();
  for (int i = 0; i < frames; ++i) {
    step(i);
    renderFrame();
  }
  glFinish();
  return frames * 1000.0 / (nowMs() - start);
}

namespace {

LabelMap emptyMap(const Series& s) {
  LabelMap map{s.columns, s.rows, int(s.sliceCount()), {}};
  map.labels.assign(std::size_t(s.columns) * std::size_t(s.rows) * s.sliceCount(), 0);
  return map;
}

}  // namespace

// CPU time (all threads) the interactive loop uses while nobody touches it.
double Application::idleCpuPercent(double seconds) {
  auto cpuMs = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
  };
  for (int i = 0; i < 5; ++i) loopOnce();  // the settle frames after the last step
  const double wall0 = nowMs(), cpu0 = cpuMs();
  while (nowMs() - wall0 < seconds * 1000.0) loopOnce();
  return 100.0 * (cpuMs() - cpu0) / (nowMs() - wall0);
}

int Application::runBenchmark(const std::string& mode) {
  const Series* s = state_.series();
  if (!s) {
    std::cerr << "annulo --bench: nothing loaded\n";
    return 1;
  }
  const int n = int(s->sliceCount());
  std::printf("viewer benchmark: %s %dx%dx%d, window %dx%d, GL %s\n", s->series.modality.c_str(), s->columns, s->rows,
              n, options_.width, options_.height, reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
  std::printf("  launch to first image: %.0f ms\n", firstImageMs_);
  if (mode == "cine") {
    if (state_.labels().empty()) {
      // Synthetic overlay where the image is darkest, so the label pass is exercised.
      LabelMap map = emptyMap(*s);
      for (std::size_t i = 0; i < map.labels.size(); i += 7) map.labels[i] = std::uint8_t(1 + (i / 7) % 2);
      (void)state_.study->setLabels(*s, map);
    }
    measure(20, [&](int i) { state_.frame = i % n; });
    const double rssBefore = residentMiB();
    const double fps = measure(std::max(240, n * 2), [&](int i) { state_.frame = i % n; });
    for (int loop = 0; loop < 5; ++loop) measure(n, [&](int i) { state_.frame = i; });
    const double rssAfter = residentMiB();
    const double still = measure(120, [&](int) {});
    std::printf("  cine playback with leak overlay: %.1f fps (new frame uploaded every redraw)\n", fps);
    std::printf("  redraw without a new frame: %.1f fps (UI + GL pass alone)\n", still);
    std::printf("  RSS %.1f MiB before, %.1f MiB after %d more loops\n", rssBefore, rssAfter, 5);
  } else if (mode == "wl") {
    const double fps = measure(200, [&](int i) { state_.window = dragWindow(state_.window, (i % 20) - 10, 3, 4096); });
    std::printf("  window/level drag: %.1f fps\n", fps);
  } else if (mode == "volume") {
    state_.layout = Layout::View3D;
    measure(3, [](int) {});
    const double fps = measure(30, [&](int) { volume_->rotate(3, 0); });
    const double still = measure(5, [](int) {});
    std::printf("  volume rendering (%s) at %.0fx%.0f: %.1f fps while rotating, %.1f fps at full quality\n",
                volume_->cpuRayCast() ? "CPU ray cast" : "GPU", double(viewW_), double(viewH_), fps, still);
    // The same with label surfaces: a ball (intradiscal) and a smaller ball beside it (leak).
    if (state_.labels().empty()) {
      LabelMap map = emptyMap(*s);
      const double r = 0.15 * std::min({s->columns, s->rows, n});
      for (int z = 0; z < n; ++z)
        for (int y = 0; y < s->rows; ++y)
          for (int x = 0; x < s->columns; ++x) {
            auto inside = [&](double cx, double rr) {
              const double dx = x - cx, dy = y - s->rows / 2.0, dz = z - n / 2.0;
              return dx * dx + dy * dy + dz * dz <= rr * rr;
            };
            std::uint8_t& l =
                map.labels[(std::size_t(z) * std::size_t(s->rows) + std::size_t(y)) * std::size_t(s->columns) +
                           std::size_t(x)];
            if (inside(s->columns / 2.0, r))
              l = 1;
            else if (inside(s->columns / 2.0 + 1.6 * r, 0.6 * r))
              l = 2;
          }
      (void)state_.study->setLabels(*s, map);
    }
    measure(1, [](int) {});
    const double build = volume_->lastSurfaceBuildMs();
    std::size_t triangles = 0;
    for (const auto& i : volume_->labelSurfaces()) triangles += i.triangles;
    for (LabelDisplay d : {LabelDisplay::Surface, LabelDisplay::Overlay}) {
      labelDisplay_ = d;
      measure(3, [](int) {});
      const double withLabels = measure(30, [&](int) { volume_->rotate(3, 0); });
      std::printf("  with label surfaces as %s (%zu triangles, built in %.0f ms): %.1f fps while rotating\n",
                  labelDisplayName(d), triangles, build, withLabels);
    }
  } else if (mode == "disc") {
    // Dragging the disc plane: every redraw turns it by 0.5 degree, so every frame
    // reslices (VolumeReslicer) and uploads the oblique image, as a right-drag does.
    state_.layout = Layout::DiscPlane;
    const double px = std::min(s->spacing[0], s->spacing[1]);
    const std::string v = state_.draft.level + " " + std::to_string(s->columns * 0.35) + "," +
                          std::to_string(s->rows * 0.5) + " " + std::to_string(s->columns * 0.65) + "," +
                          std::to_string(s->rows * 0.5 - 10 / px);
    if (Status placed = discView_->place(state_, v); !placed) {
      std::printf("  disc plane: %s\n", placed.message().c_str());
      return 1;
    }
    measure(3, [](int) {});
    const double fps =
        measure(60, [&](int i) { (void)discView_->rotate(state_, i % 20 < 10 ? 0.5 : -0.5, 0.2, false); });
    const double still = measure(30, [](int) {});
    std::printf("  disc plane drag on %dx%dx%zu: %.1f fps (reslice + upload + UI each redraw), %.1f fps still\n",
                s->columns, s->rows, s->sliceCount(), fps, still);
  } else if (mode == "mpr") {
    // Dragging a reformat's handle: every redraw turns reformat 0 by 0.5 degree about the
    // slice normal, so every frame reslices (VolumeReslicer) and uploads it, as a drag does.
    state_.layout = Layout::Mpr;
    measure(3, [](int) {});
    const Vec3 c = crosshairMm(*s);
    const std::array<DiscPlane, 2> base = orthogonalReformats(*s, c);
    auto turn = [&](int i) {
      std::array<DiscPlane, 2> p = base;
      p[0] = turnedAbout(base[0], nativePlane(*s).normal, c, 20 + 0.5 * (i % 40));
      state_.mprPlanes = p;
    };
    mprInteractive_ = true;
    const double fps = measure(60, turn);
    const int dragW = mprCuts_[0].grid.width, dragH = mprCuts_[0].grid.height;
    const double dragMs = mprCuts_[0].ms;
    state_.mprSlabMm = 10;
    const double slab = measure(30, turn);
    state_.mprSlabMm = 0;
    mprInteractive_ = false;
    const double full = measure(10, turn);
    const double still = measure(30, [](int) {});
    std::printf(
        "  MPR drag on %dx%dx%zu: %.1f fps (reslice %dx%d in %.1f ms + upload + UI), %.1f fps with a 10 mm "
        "MIP slab; full-size cut %dx%d in %.1f ms: %.1f fps; %.1f fps still\n",
        s->columns, s->rows, s->sliceCount(), fps, dragW, dragH, dragMs, slab, mprCuts_[0].grid.width,
        mprCuts_[0].grid.height, mprCuts_[0].ms, full, still);
  } else if (mode == "idle") {
    const double percent = idleCpuPercent(10.0);
    std::printf("  idle (10 s, no input, the interactive loop): %.2f %% of one core\n", percent);
  } else if (mode.rfind("soak", 0) == 0) {
    // soak:MINUTES loops the cine with the overlay and prints RSS every minute:
    // a texture or buffer leak per frame shows as a rising line.
    const double minutes = mode.size() > 5 ? std::atof(mode.c_str() + 5) : 10.0;
    LabelMap map = emptyMap(*s);
    std::fill(map.labels.begin(), map.labels.end(), std::uint8_t(1));
    (void)state_.study->setLabels(*s, map);
    const double start = nowMs();
    long frames = 0;
    for (int minute = 1; minute <= int(minutes); ++minute) {
      while (nowMs() - start < minute * 60000.0) {
        state_.frame = int(frames++ % n);
        renderFrame();
      }
      std::printf("  soak minute %d: %ld frames, RSS %.1f MiB\n", minute, frames, residentMiB());
      std::fflush(stdout);
    }
  } else {
    std::cerr << "annulo --bench: cine, wl, volume, idle or soak:MINUTES\n";
    return 2;
  }
  return 0;
}

}  // namespace annulo::app
