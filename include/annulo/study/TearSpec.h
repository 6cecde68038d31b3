#pragma once
// A tear written as text, as scripts and annulo-cli give it:
//   "level=L4-L5 type=radial grade=3 clock=6 zone=central frame=30 point=256,300"
// keys: level type grade clock zone leak pain comment observer frame series
//       point=x,y polyline=x1,y1;x2,y2;... polygon=... point3d=x,y,z polyline3d=...
//       area=MM2 onset-ms=MS onset-frame=N exit-deg=DEG target=x,y entry=x,y
// Values in quotes may hold spaces. Unknown keys and values list what is accepted.

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo {

struct TearSpec {
  TearAnnotation tear;
  int frame = 1;                                       // 1-based frame or slice of the series the geometry lies on
  bool frameGiven = false;                             // a 3D tear keeps the image it was marked on only when told
  std::string seriesUid;                               // needed when the source holds several series
  std::optional<std::array<double, 2>> target, entry;  // catheter plan, image pixels
};

// "key=value key2=\"a b\"" as ordered pairs (double quotes allow spaces in a value):
// the one splitter for every record given as one argument (tears, provocation levels).
Result<std::vector<std::pair<std::string, std::string>>> splitKeyValues(const std::string& text);
std::string joinTokens(const std::vector<std::string>& tokens);  // "a, b, c"

// Checks the text alone: keys, values, a level and a geometry.
Result<TearSpec> parseTearSpec(const std::string& text);
// Ties the geometry to its image (SOP instance, frame) or frame of reference and
// checks it lies on it; the catheter length and calibrations from the series.
Status resolveTearSpec(TearSpec& spec, const std::vector<Series>& series);
// Changes the findings of a tear already marked ("grade=4 comment=\"...\""): level,
// type, grade, clock, zone, leak, pain, comment, observer. Its geometry stays (it is
// tied to an image); every key is checked before the tear is touched.
Status applyTearEdit(TearAnnotation& tear, const std::string& text);

}  // namespace annulo
