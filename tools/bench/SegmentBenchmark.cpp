// annulo-bench-segment: per-frame contrast-leak segmentation speed on a 1024^2 cine,
// against a plain ITK ConfidenceConnectedImageFilter pipeline on the same frames, in
// the same run. Not a test: run it by hand.
//
// usage: annulo-bench-segment [--size N=1024] [--frames N=120] [--seed N=1] [--bits 8|16]
//                             [--threads N=0 (all cores)] [--repeat N=3] [--dir DIR (reuse/keep the phantom)] [--json]
//
// Every method runs once untimed (warm: allocations, page faults, caches) and
// then --repeat times; the median is printed. Annulo works on the region of
// interest it derives from the injection point; the ITK pipelines run on full
// frames and, in one extra row, on exactly Annulo's region, so both are shown.
//
// Figures: our whole-cine wall time and ms/frame (total / frames) with the stage
// breakdown; the same with one thread; ITK ConfidenceConnected per full frame on the
// raw frame, after an ITK median (the usual "denoise, then grow"), and on an ITK log
// subtraction; and the contrast-mask Dice of each at the last frame against the truth.

#include <itkCastImageFilter.h>
#include <itkConfidenceConnectedImageFilter.h>
#include <itkLogImageFilter.h>
#include <itkMedianImageFilter.h>
#include <itkMultiThreaderBase.h>
#include <itkRegionOfInterestImageFilter.h>
#include <itkSubtractImageFilter.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/processing/ItkView.h"
#include "annulo/processing/LeakSegmenter.h"

namespace {

using namespace annulo;
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Options {
  int size = 1024, frames = 120, bits = 8;
  std::uint32_t seed = 1;
  unsigned threads = 0;
  int repeat = 3;
  std::string dir;
  bool json = false;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::cerr << name << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--size")
      o.size = std::atoi(next("--size"));
    else if (a == "--frames")
      o.frames = std::atoi(next("--frames"));
    else if (a == "--seed")
      o.seed = std::uint32_t(std::atoi(next("--seed")));
    else if (a == "--bits")
      o.bits = std::atoi(next("--bits"));
    else if (a == "--threads")
      o.threads = unsigned(std::atoi(next("--threads")));
    else if (a == "--repeat")
      o.repeat = std::atoi(next("--repeat"));
    else if (a == "--dir")
      o.dir = next("--dir");
    else if (a == "--json")
      o.json = true;
    else
      return false;
  }
  return o.size >= 128 && o.frames >= 8 && (o.bits == 8 || o.bits == 16) && o.repeat >= 1;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Dice of "any contrast" (label != 0) masks.
double contrastDice(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  std::size_t na = 0, nb = 0, both = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    na += a[i] != 0;
    nb += b[i] != 0;
    both += a[i] != 0 && b[i] != 0;
  }
  return na + nb ? 2.0 * double(both) / double(na + nb) : 1.0;
}

struct ItkResult {
  double msPerFrame = 0;
  double dice = 0;
  std::size_t pixels = 0;  // region size at the last frame
};

enum class Baseline { Raw, Median, Subtracted, RawInRoi };

// Plain ITK pipelines on every full frame, ConfidenceConnected seeded at the needle tip
// (moved by the frame's true motion: ITK gets the best seed we can give it):
//  Raw:        cast to float -> ConfidenceConnected
//  Median:     cast -> Median r=1 -> ConfidenceConnected (the usual denoise-then-grow)
//  Subtracted: cast -> Log, minus Log of frame 1 -> ConfidenceConnected (ITK "DSA", no motion correction)
template <typename T>
ItkResult itkConfidenceConnected(const Series& s, const XaTruth& truth, Baseline kind, const PixelBox& roi) {
  using In = itk::Image<T, 2>;
  using F = itk::Image<float, 2>;
  using Mask = itk::Image<std::uint8_t, 2>;
  ItkResult out;
  std::vector<std::uint8_t> last;
  auto logOf = [](const typename In::Pointer& view) {
    auto cast = itk::CastImageFilter<In, F>::New();
    cast->SetInput(view);
    auto log = itk::LogImageFilter<F, F>::New();
    log->SetInput(cast->GetOutput());
    log->Update();
    return F::Pointer(log->GetOutput());
  };
  F::Pointer maskLog;
  const auto t0 = Clock::now();
  if (kind == Baseline::Subtracted) maskLog = logOf(*frameView<T>(s, 0));
  for (std::size_t f = 0; f < s.sliceCount(); ++f) {
    auto view = frameView<T>(s, f);
    if (!view) throw AnnuloError(view.message());
    auto grow = itk::ConfidenceConnectedImageFilter<F, Mask>::New();
    auto cast = itk::CastImageFilter<In, F>::New();
    cast->SetInput(*view);
    typename itk::MedianImageFilter<F, F>::Pointer med;
    typename itk::SubtractImageFilter<F, F, F>::Pointer sub;
    if (kind == Baseline::Median) {
      med = itk::MedianImageFilter<F, F>::New();
      med->SetRadius(1);
      med->SetInput(cast->GetOutput());
      grow->SetInput(med->GetOutput());
    } else if (kind == Baseline::Subtracted) {
      sub = itk::SubtractImageFilter<F, F, F>::New();
      sub->SetInput1(maskLog);
      sub->SetInput2(logOf(*view));
      grow->SetInput(sub->GetOutput());
    } else if (kind == Baseline::RawInRoi) {
      auto crop = itk::RegionOfInterestImageFilter<F, F>::New();
      F::RegionType r;
      r.SetIndex(0, roi.x0);
      r.SetIndex(1, roi.y0);
      r.SetSize(0, itk::SizeValueType(roi.width()));
      r.SetSize(1, itk::SizeValueType(roi.height()));
      crop->SetRegionOfInterest(r);
      crop->SetInput(cast->GetOutput());
      crop->Update();
      grow->SetInput(crop->GetOutput());
    } else {
      grow->SetInput(cast->GetOutput());
    }
    Mask::IndexType seed;
    seed[0] = itk::IndexValueType(std::lround(truth.needleTip[0] + truth.motion[f][0]));
    seed[1] = itk::IndexValueType(std::lround(truth.needleTip[1] + truth.motion[f][1]));
    if (kind == Baseline::RawInRoi) seed[0] -= roi.x0, seed[1] -= roi.y0;  // the crop's index starts at 0
    grow->SetSeed(seed);
    grow->SetMultiplier(2.5);
    grow->SetNumberOfIterations(3);
    grow->SetInitialNeighborhoodRadius(2);
    grow->SetReplaceValue(1);
    grow->Update();
    if (f + 1 == s.sliceCount()) {
      const std::uint8_t* p = grow->GetOutput()->GetBufferPointer();
      if (kind != Baseline::RawInRoi) {
        last.assign(p, p + s.sliceSamples());
      } else {
        last.assign(s.sliceSamples(), 0);
        for (int y = 0; y < roi.height(); ++y)
          std::copy(
              p + std::size_t(y) * std::size_t(roi.width()), p + std::size_t(y + 1) * std::size_t(roi.width()),
              last.begin() + std::ptrdiff_t(std::size_t(roi.y0 + y) * std::size_t(s.columns) + std::size_t(roi.x0)));
      }
    }
  }
  out.msPerFrame = msSince(t0) / double(s.sliceCount());
  out.dice = contrastDice(last, phantomLabelMap(truth, truth.frames));
  out.pixels = std::size_t(std::count(last.begin(), last.end(), std::uint8_t(1)));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::cerr << "usage: annulo-bench-segment [--size N] [--frames N] [--seed N] [--bits 8|16] [--threads N] "
                 "[--dir DIR] [--json]\n";
    return 2;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned threads = o.threads ? o.threads : cores;
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);

  PhantomOptions po;
  po.seed = o.seed;
  po.xaSize = o.size;
  po.xaFrames = o.frames;
  po.xaBitsAllocated = o.bits;
  po.writeMr = false;
  const bool keep = !o.dir.empty();
  const std::string dir =
      keep ? o.dir
           : (std::filesystem::temp_directory_path() / ("annulo-bench-segment-" + std::to_string(::getpid()))).string();
  PhantomTruth truth = phantomTruth(po);
  auto t0 = Clock::now();
  if (!keep || !std::filesystem::exists(std::filesystem::path(dir) / "xa")) {
    auto written = writePhantom(po, dir);
    if (!written) {
      std::cerr << "phantom: " << written.message() << "\n";
      return 1;
    }
    truth = *written;
  }
  const double makeMs = msSince(t0);
  t0 = Clock::now();
  auto loaded = loadSeries(dir + "/xa");
  const double loadMs = msSince(t0);
  if (!loaded || loaded->series.size() != 1) {
    std::cerr << "cannot load the phantom cine from " << dir << "\n";
    return 1;
  }
  const Series& s = loaded->series.front();

  LeakSegmentationOptions lo;
  lo.injectionPoint = truth.xa.needleTip;
  // One untimed run, then `repeat` timed ones: the same for every method.
  auto timedOurs = [&](unsigned n, std::vector<double>& totals) -> Result<LeakSegmentation> {
    lo.threads = n;
    auto r = segmentLeak(s, lo);
    for (int k = 0; r && k < o.repeat; ++k) {
      r = segmentLeak(s, lo);
      if (r) totals.push_back(r->timings.totalMs);
    }
    return r;
  };
  std::vector<double> oursMs, singleMs;
  auto ours = timedOurs(threads, oursMs);
  auto single = timedOurs(1, singleMs);
  if (!ours || !single) {
    std::cerr << "segmentation: " << (ours ? single.message() : ours.message()) << "\n";
    return 1;
  }
  const auto mine = ours->frameLabels(o.frames);
  const auto real = phantomLabelMap(truth.xa, o.frames);
  const double oursDice = contrastDice(mine, real);
  const double leakDice = diceCoefficient(mine.data(), real.data(), mine.size(), 2, 2);

  auto baseline = [&](Baseline kind) {
    auto once = [&] {
      return dispatchSampleType(
          s.sampleType, [&](auto tag) { return itkConfidenceConnected<decltype(tag)>(s, truth.xa, kind, ours->roi); });
    };
    ItkResult r = once();  // warm
    std::vector<double> ms;
    for (int k = 0; k < o.repeat; ++k) {
      r = once();
      ms.push_back(r.msPerFrame);
    }
    r.msPerFrame = median(ms);
    return r;
  };
  const ItkResult cc = baseline(Baseline::Raw);
  const ItkResult ccRoi = baseline(Baseline::RawInRoi);
  const ItkResult ccMedian = baseline(Baseline::Median);
  const ItkResult ccSubtracted = baseline(Baseline::Subtracted);
  const std::size_t truthPixels =
      std::size_t(std::count_if(real.begin(), real.end(), [](std::uint8_t v) { return v != 0; }));
  if (!keep) std::filesystem::remove_all(dir);

  const LeakTimings& t = ours->timings;  // stage breakdown of the last timed run
  const double oursTotal = median(oursMs), singleTotal = median(singleMs);
  const double perFrame = oursTotal / o.frames;
  if (o.json) {
    std::cout << nlohmann::json({{"size", o.size},
                                 {"frames", o.frames},
                                 {"bits", o.bits},
                                 {"threads", threads},
                                 {"repeat", o.repeat},
                                 {"ours_total_ms", oursTotal},
                                 {"ours_ms_per_frame", perFrame},
                                 {"ours_per_frame_stage_ms", t.framesMs / o.frames},
                                 {"ours_single_thread_total_ms", singleTotal},
                                 {"ours_contrast_dice", oursDice},
                                 {"ours_leak_dice", leakDice},
                                 {"roi", {ours->roi.width(), ours->roi.height()}},
                                 {"itk_confidence_connected_ms_per_frame", cc.msPerFrame},
                                 {"itk_confidence_connected_dice", cc.dice},
                                 {"itk_confidence_connected_roi_ms_per_frame", ccRoi.msPerFrame},
                                 {"itk_confidence_connected_roi_dice", ccRoi.dice},
                                 {"itk_median_confidence_connected_ms_per_frame", ccMedian.msPerFrame},
                                 {"itk_median_confidence_connected_dice", ccMedian.dice},
                                 {"itk_subtracted_confidence_connected_ms_per_frame", ccSubtracted.msPerFrame},
                                 {"itk_subtracted_confidence_connected_dice", ccSubtracted.dice},
                                 {"load_ms", loadMs}})
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << std::fixed << std::setprecision(1);
  std::cout << "cine " << o.size << "x" << o.size << "x" << o.frames << ", " << o.bits << "-bit, seed " << o.seed
            << "; " << threads << " thread(s) of " << cores << " core(s); every method: 1 warm-up + median of "
            << o.repeat << " timed runs\n";
  std::cout << "phantom written in " << makeMs / 1000 << " s, loaded in " << loadMs << " ms\n\n";
  std::cout << "annulo segmentLeak, whole cine:      " << std::setw(8) << oursTotal << " ms  (" << perFrame
            << " ms/frame; target <= 33 ms/frame, < 4000 ms per cine)\n";
  std::cout << "  reduce " << t.reduceMs << ", coarse " << t.coarseMs << ", mask " << t.maskMs << ", frames "
            << t.framesMs << " (" << t.framesMs / o.frames << "/frame), outline " << t.outlineMs << ", measure "
            << t.measureMs << " ms; ROI " << ours->roi.width() << "x" << ours->roi.height() << "\n";
  std::cout << "annulo segmentLeak, 1 thread:         " << std::setw(8) << singleTotal << " ms  ("
            << singleTotal / o.frames << " ms/frame)\n";
  const std::string full = std::to_string(o.size) + "x" + std::to_string(o.size) + " full frames";
  const std::string inRoi =
      std::to_string(ours->roi.width()) + "x" + std::to_string(ours->roi.height()) + " = Annulo's ROI";
  auto row = [&](const char* name, const ItkResult& r, const std::string& region) {
    std::cout << name << std::setw(8) << r.msPerFrame << " ms/frame  (" << r.msPerFrame * o.frames
              << " ms per cine) on " << region << ", last-frame region " << r.pixels << " px, contrast Dice "
              << std::setprecision(3) << r.dice << std::setprecision(1) << "\n";
  };
  std::cout << "  (Annulo processes its " << inRoi.substr(0, inRoi.find(' ')) << " ROI of each frame)\n";
  row("ITK ConfidenceConnected (raw frame):   ", cc, full);
  row("ITK ConfidenceConnected (same ROI):    ", ccRoi, inRoi);
  row("ITK Median r1 + ConfidenceConnected:   ", ccMedian, full);
  row("ITK log-subtract + ConfidenceConnected:", ccSubtracted, full);
  std::cout << std::setprecision(3) << "\nannulo at the last frame: contrast-mask Dice " << oursDice
            << ", leak (label 2) Dice " << leakDice << "; true contrast " << truthPixels << " px\n";
  return 0;
}
