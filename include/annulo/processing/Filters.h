#pragma once
// Image filters over a loaded series, frame by frame (slice by slice), through ITK on
// zero-copy views of the series buffer (ItkView.h). Outputs keep the source's stored
// type and Modality LUT, so a filtered series measures like the original.
//
// Per-frame costs on a noisy 1024^2 frame here (docs/guide/LOADING.md): median r=1
// ~65 ms on 2 threads, curvature diffusion 5 iterations ~340 ms: fine for an export,
// too slow for per-frame segmentation (which does its own ROI-limited work).

#include <atomic>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/DerivedImage.h"
#include "annulo/processing/Subtraction.h"

namespace annulo {

enum class FilterOp { Median, Diffusion, Bilateral, Clahe, Unsharp, Subtract, Projection };

struct FilterOptions {
  FilterOp op = FilterOp::Median;
  int radius = 1;                  // median: neighbourhood radius; CLAHE: window radius (0 = 1/8 of the width)
  int iterations = 5;              // diffusion
  double conductance = 3.0;        // diffusion: lower keeps more edges
  double timeStep = 0.0625;        // diffusion: stable below 0.125 in 2D with unit spacing
  double domainSigmaMm = 0;        // bilateral: spatial sigma; 0 = 1.5 pixels (ITK's kernel grows as 2.5 sigma)
  double rangeSigma = 0;           // bilateral: intensity sigma in stored units; 0 = 3x the estimated noise
  double alpha = 0.3, beta = 0.3;  // CLAHE: 0,0 = classic histogram equalisation; 1,0 = unsharp-like
  double sigmaMm = 1.0;            // unsharp: blur sigma
  double amount = 0.7;             // unsharp: how much of the detail to add back
  double threshold = 0;            // unsharp: ignore details smaller than this
  int maskFrame = 1;               // subtract: 1-based pre-contrast frame
  bool motionCorrection = true;    // subtract
  ProjectionMode projection = ProjectionMode::Auto;  // Auto: the one that keeps contrast (min for dark contrast)
  int firstFrame = 0, lastFrame = 0;                 // projection: 1-based range, 0 = all
  unsigned threads = 0;
  // Optional, for a progress bar polled from another thread: the fraction done (0..1),
  // raised after each frame, never lowered; exactly 1 when applyFilter succeeds.
  std::atomic<float>* progress = nullptr;
  // Checked before each frame: when set, applyFilter returns the error
  // "<filter> filter cancelled" (e.g. "median filter cancelled").
  const std::atomic<bool>* cancel = nullptr;
};

const char* filterOpName(FilterOp op);  // also the CLI's --op name
const std::vector<FilterOp>& allFilterOps();
Result<FilterOp> parseFilterOp(const std::string& name);

// Errors: colour series, one frame where frames are needed (subtract, projection),
// out-of-range parameters (the ranges of FilterParameters.h), cancellation, ITK
// exceptions (converted, with the filter named).
Result<DerivedImage> applyFilter(const Series& series, const FilterOptions& options);

}  // namespace annulo
