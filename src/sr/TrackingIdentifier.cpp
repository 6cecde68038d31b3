#include "sr/TrackingIdentifier.h"

namespace annulo::sr {

std::string cornerstoneToolType(const TearGeometry& g) {
  switch (g.kind) {
    case GeometryKind::Point:
    case GeometryKind::Point3D:
      return "Probe";
    case GeometryKind::Polyline:
    case GeometryKind::Polyline3D:
      // The Length adapter takes exactly two handles; a longer open line is an
      // open PlanarFreehandROI contour.
      return g.points.size() == 2 ? "Length" : "PlanarFreehandROI";
    case GeometryKind::Polygon:
      return "PlanarFreehandROI";
  }
  return "PlanarFreehandROI";
}

std::string trackingIdentifierText(const TearGeometry& geometry, const std::string& label) {
  return std::string(kCornerstoneToolkit) + ":" + cornerstoneToolType(geometry) + ":" + label;
}

ParsedTrackingIdentifier parseTrackingIdentifier(const std::string& text) {
  ParsedTrackingIdentifier out;
  const std::size_t first = text.find(':');
  // "<toolkit>@<version>:..." : a toolkit names itself with a version before the first ':'.
  if (first == std::string::npos || text.substr(0, first).find('@') == std::string::npos) {
    out.label = text;
    return out;
  }
  out.toolkit = text.substr(0, first);
  const std::size_t second = text.find(':', first + 1);
  out.toolType = text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  if (second != std::string::npos) out.label = text.substr(second + 1);
  return out;
}

}  // namespace annulo::sr
