#pragma once
// A load that also computes each series' modality statistics, slice by slice on
// the loader's own workers right after they wrote those slices (the bytes are
// still in cache), so `annulo-cli stats` pays almost nothing beyond its load
// instead of a second pass over every sample (issue 20: 240 MiB cine).

#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/SeriesLoader.h"

namespace annulo {

// Extremes and exact sum of one slice's stored values (before the modality LUT).
struct StoredSliceStats {
  double min = 0, max = 0, sum = 0;
};
StoredSliceStats storedSliceStats(const Series& series, std::size_t slice);
// The series' modality statistics from every slice's stored statistics (one per
// slice, in display order): what computeModalityStats returns, without reading
// the pixels again.
ModalityStats combineSliceStats(const Series& series, const std::vector<StoredSliceStats>& perSlice);

struct LoadWithStats {
  LoadResult load;
  std::vector<ModalityStats> stats;  // one per load.series, same order
  // Series whose statistics came from a second pass (a file dropped late
  // moved slices, so the per-slice figures no longer matched): for tests.
  std::size_t recomputed = 0;
};

// As loadSeries (the caller's callbacks are still called). Pixels not read
// (options.readPixels false) give zero statistics.
Result<LoadWithStats> loadSeriesWithStats(const std::string& path, LoadOptions options = {});

}  // namespace annulo
