#pragma once
// The in-process loaders under test. Each runs in its own fresh process (the
// hidden --run mode), so its peak RSS is its own and not the other loaders'.

#include <cstdint>
#include <string>
#include <vector>

#include "BenchData.h"

namespace annulo::bench {

// Time and resource use of the load itself: process start, library loading and
// the checksum afterwards are outside start()..stop().
class Probe {
 public:
  void start();
  void stop();

  double elapsedMs = 0;
  long baselineRssKiB = 0;  // peak RSS before the load: libraries, dictionaries
  long peakRssKiB = 0;      // peak RSS up to the end of the load (VmHWM)
  long ruMaxRssKiB = 0;     // getrusage's view of the same, for comparison
  long minorFaults = 0;     // during the load
  long majorFaults = 0;
  double cpuMs = 0;  // user + system, all threads, during the load

 private:
  double startSeconds_ = 0;
  long startMinor_ = 0, startMajor_ = 0;
  double startCpuMs_ = 0;
};

struct LoadOutcome {
  std::uint64_t samples = 0;  // values the loader produced
  double sum = 0;             // of the values as the loader hands them out
  std::string pixelType;      // of the loader's output
  double firstFrameMs = -1;   // Annulo: from the start of the load to the first decoded frame
};

// Loader ids run in-process: "annulo" (one thread per core), "annulo-t1",
// "dcmtk" (malloc'd buffer), "dcmtk-huge" (the same 2 MiB-aligned
// MADV_HUGEPAGE buffer as Annulo), "itk-float", "itk-native". On compressed
// data sets the DCMTK peers decode (codecs registered, chooseRepresentation to
// explicit little endian, copy into the buffer).
// Throws std::runtime_error naming the file and the cause when a load fails.
LoadOutcome runLoader(const std::string& id, const DataSet& set, Probe& probe);
bool isInProcessLoader(const std::string& id);

LoadOutcome loadWithAnnulo(const DataSet& set, Probe& probe, unsigned threads);
LoadOutcome loadWithDcmtk(const DataSet& set, Probe& probe, bool hugePages);
LoadOutcome loadWithItk(const std::string& pixelType, const DataSet& set, Probe& probe);

// Sum of integer samples as stored (bitsAllocated 8/16/32, signed or not).
double sumSamples(const std::uint8_t* data, std::uint64_t bytes, int bitsAllocated, bool isSigned);

}  // namespace annulo::bench
