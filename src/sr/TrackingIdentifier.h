#pragma once
// Private: the Tracking Identifier text (112039, DCM) of a tear's measurement
// group. Written in the form Cornerstone3D's SR adapters (OHIF v3) use to pick
// the tool that edits a group, "<toolkit>@<version>:<ToolType>:<label>"
// (@cornerstonejs/adapters BaseAdapter3D.isValidCornerstoneTrackingIdentifier
// tests the "Cornerstone3DTools@^0.1.0:<ToolType>" prefix), with our own label
// (the tear id) as the last part. Any other text is read as a plain label.

#include <string>

#include "annulo/annotation/TearAnnotation.h"

namespace annulo::sr {

inline constexpr const char* kCornerstoneToolkit = "Cornerstone3DTools@^0.1.0";

// The Cornerstone3D tool that edits this geometry: Probe (2D/3D point),
// Length (two-point polyline), PlanarFreehandROI (longer polylines, open or
// closed, 2D or 3D).
std::string cornerstoneToolType(const TearGeometry& geometry);

// "Cornerstone3DTools@^0.1.0:Probe:T1"
std::string trackingIdentifierText(const TearGeometry& geometry, const std::string& label);

struct ParsedTrackingIdentifier {
  std::string toolkit;   // "Cornerstone3DTools@^0.1.0", "cornerstoneTools@^4.0.0", ... or empty
  std::string toolType;  // "Probe", "ArrowAnnotate", ... or empty
  std::string label;     // our tear id, or the whole text when it is a plain label
};

// Accepts our form, the plain label of older Annulo reports ("T1") and other
// toolkits' forms ("cornerstoneTools@^4.0.0:Length", "Cornerstone3DTools@^0.1.0:
// ArrowAnnotate" without a label: the label is then empty).
ParsedTrackingIdentifier parseTrackingIdentifier(const std::string& text);

}  // namespace annulo::sr
