#pragma once
// The numeric parameters of each filter, described once: the CLI parses its flags from
// this table and the viewer draws its sliders from it, so both accept the same ranges
// and applyFilter rejects the same values whichever way they came.
//
// Not in the table, because they are not numbers on a scale: subtraction's motion
// correction (--no-motion), the projection's mode (--mode) and frame range (--frames);
// the CLI and the viewer handle those themselves, applyFilter checks them.

#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/processing/Filters.h"

namespace annulo {

struct FilterParameter {
  FilterOp op = FilterOp::Median;  // the filter it belongs to (a name may recur, e.g. radius)
  std::string name;                // CLI flag without the dashes: "radius", "time-step"
  std::string label;               // for the viewer: "radius"
  std::string unit;                // "px", "mm", "stored units", "" (a plain number)
  std::string help;                // what it does, one or two sentences (tooltip, usage)
  double min = 0, max = 1, defaultValue = 0;
  bool integer = false;
  bool logarithmic = false;      // a slider over decades (wide ranges), otherwise linear
  bool zeroIsAutomatic = false;  // 0 = the filter chooses (help says how)
  double (*get)(const FilterOptions&) = nullptr;
  void (*set)(FilterOptions&, double) = nullptr;
};

// Parameters of `op`, in the order the viewer shows them; empty for none (projection).
const std::vector<FilterParameter>& filterParameters(FilterOp op);
// The parameter called `name` of `op`, or nullptr.
const FilterParameter* findFilterParameter(FilterOp op, const std::string& name);

// FilterOptions for `op` with every table parameter at its default.
FilterOptions defaultFilterOptions(FilterOp op);

// Sets one parameter; a value outside [min, max], not finite, or not whole for an
// integer parameter is an error naming the filter, the parameter and its range.
Status setFilterParameter(FilterOptions& options, const FilterParameter& parameter, double value);
// Every table parameter of options.op within its range (the check applyFilter makes).
Status checkFilterParameters(const FilterOptions& options);

// "median, radius 2 px" / "subtract, mask frame 1, motion correction": the filter and its
// parameters as set (0 = automatic shown as "auto"), one line for a status while it runs.
// The result's DerivedImage::derivationDescription names the values actually used.
std::string describeFilterParameters(const FilterOptions& options);

}  // namespace annulo
