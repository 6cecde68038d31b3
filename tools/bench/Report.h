#pragma once
// Aggregates the runs into the printed table, the target check and results.json.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "Measurement.h"

namespace annulo::bench {

struct LoaderResult {
  std::string id;
  std::string label;
  std::string variant;  // output pixel type where the loader has several ("float", "int16")
  std::vector<Measurement> runs;
  std::string error;    // the loader failed outright
  std::string skipped;  // not measured, and why

  bool measured() const { return error.empty() && skipped.empty() && !runs.empty(); }
  double medianMs() const;
  double medianCpuMs() const;
  double medianProcessMs() const;
  double medianProcessCpuMs() const;
  double medianFirstFrameMs() const;
  long medianMinorFaults() const;
  long peakRssKiB() const;      // the highest of the runs: the memory a user must have
  long baselineRssKiB() const;  // the lowest of the runs
};

struct DataSetResult {
  std::string name;
  std::string description;
  std::uint64_t pixelBytes = 0;  // stored pixel bytes of the data set
  std::vector<LoaderResult> loaders;

  const LoaderResult* find(const std::string& id) const;
};

enum class Verdict { Pass, Fail, Skip };

struct TargetCheck {
  std::string dataSet;
  std::string target;
  std::string value;
  Verdict verdict = Verdict::Skip;
};

std::vector<TargetCheck> checkTargets(const std::vector<DataSetResult>& results);
void printTables(std::ostream& out, const std::vector<DataSetResult>& results);
void printTargets(std::ostream& out, const std::vector<TargetCheck>& checks);
nlohmann::json reportJson(const std::vector<DataSetResult>& results, const std::vector<TargetCheck>& checks);

}  // namespace annulo::bench
