#include "Measurement.h"

#include <sstream>

namespace annulo::bench {

nlohmann::json toJson(const Measurement& m) {
  return {{"ms", m.ms},
          {"cpuMs", m.cpuMs},
          {"peakRssKiB", m.peakRssKiB},
          {"baselineRssKiB", m.baselineRssKiB},
          {"ruMaxRssKiB", m.ruMaxRssKiB},
          {"minorFaults", m.minorFaults},
          {"majorFaults", m.majorFaults},
          {"samples", m.samples},
          {"sum", m.sum},
          {"pixelType", m.pixelType},
          {"firstFrameMs", m.firstFrameMs},
          {"processMs", m.processMs},
          {"processCpuMs", m.processCpuMs},
          {"processRssKiB", m.processRssKiB}};
}

std::optional<Measurement> parseResultLine(const std::string& output) {
  std::optional<std::string> last;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(kResultPrefix, 0) == 0) last = line.substr(std::char_traits<char>::length(kResultPrefix));
  if (!last) return std::nullopt;
  const auto j = nlohmann::json::parse(*last, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Measurement m;
  m.ms = j.value("ms", 0.0);
  m.cpuMs = j.value("cpuMs", 0.0);
  m.peakRssKiB = j.value("peakRssKiB", 0L);
  m.baselineRssKiB = j.value("baselineRssKiB", 0L);
  m.ruMaxRssKiB = j.value("ruMaxRssKiB", 0L);
  m.minorFaults = j.value("minorFaults", 0L);
  m.majorFaults = j.value("majorFaults", 0L);
  m.samples = j.value("samples", std::uint64_t{0});
  m.sum = j.value("sum", 0.0);
  m.pixelType = j.value("pixelType", std::string());
  m.firstFrameMs = j.value("firstFrameMs", -1.0);
  m.processMs = j.value("processMs", 0.0);
  m.processCpuMs = j.value("processCpuMs", 0.0);
  m.processRssKiB = j.value("processRssKiB", 0L);
  return m;
}

}  // namespace annulo::bench
