#pragma once
// One provocation level written as text, as scripts (`provocation ...` step) and
// annulo-cli provocation --add give it:
//   "level=L4-L5 opening-psi=12 pain-psi=34 peak-psi=60 volume-ml=1.8 total-ml=3.0
//    pain=8 concordance=concordant side=left frames=3,4,5"
// keys: level side approach opening-psi pain-psi peak-psi (or -kpa, stored in psi)
//       volume-ml total-ml contrast pain concordance location nucleogram frames series observer
// Unknown keys and values list what is accepted.

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/ProvocationRecord.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo {

struct ProvocationSpec {
  ProvocationLevel level;
  std::vector<int> frames;  // 1-based frames of the injection's XA series
  std::string seriesUid;    // that series; empty: the first XA series
};

// Checks the text alone: keys, values and a level (validateProvocation too).
Result<ProvocationSpec> parseProvocationSpec(const std::string& text);
// The injection's frames become image references of the chosen series.
Status resolveProvocationSpec(ProvocationSpec& spec, const std::vector<Series>& series);

// One manometry row: "level=L4-L5 time=10 volume-ml=0.5 psi=20 pain=2" (or kpa=).
struct ManometryRowSpec {
  std::string level;
  ManometryRow row;
};
Result<ManometryRowSpec> parseManometryRowSpec(const std::string& text);

// The reader's classification over the computed one:
// "level=L4-L5 classification=negative reason=\"...\" [by=NAME]", or "level=L4-L5 clear".
struct ProvocationOverrideSpec {
  std::string level;
  std::optional<ProvocationOverride> override_;  // empty: clear the override
};
// `by` and `at` sign the override unless the text names another reader (by=).
Result<ProvocationOverrideSpec> parseProvocationOverrideSpec(const std::string& text, const std::string& by,
                                                             const std::string& at);
// "level=L4-L5" among key=value pairs: the one level a --log/--row/--override names.
Result<std::string> levelOfPairs(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace annulo
