#pragma once
// One timed load, as a child process reports it on stdout: a single line
// "ANNULO-BENCH {json}", so library chatter on the same stream does no harm.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace annulo::bench {

struct Measurement {
  double ms = 0;
  double cpuMs = 0;         // user + system of all threads during the load
  long peakRssKiB = 0;      // whole process, up to the end of the load
  long baselineRssKiB = 0;  // before the load started
  long ruMaxRssKiB = 0;     // getrusage ru_maxrss at the end of the load
  long minorFaults = 0;
  long majorFaults = 0;
  std::uint64_t samples = 0;
  double sum = 0;
  std::string pixelType;
  double firstFrameMs = -1;  // Annulo: load start to the first decoded frame
  // The whole child process (start-up, load, summing every sample, teardown),
  // measured by the parent: what a user of a command-line tool waits for.
  double processMs = 0;
  double processCpuMs = 0;
  long processRssKiB = 0;
};

inline constexpr const char* kResultPrefix = "ANNULO-BENCH ";

nlohmann::json toJson(const Measurement& m);
// The last result line in a child's output, if any.
std::optional<Measurement> parseResultLine(const std::string& output);

}  // namespace annulo::bench
