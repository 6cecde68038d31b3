#pragma once
// One annular tear (annular fissure, Lumbar Disc Nomenclature 2.0) as a reader
// marks it: coded findings, geometry on an image, optional leak figures and an
// optional catheter plan. Plain data; AnnotationModel owns the collection.

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace annulo {

enum class TearType { Radial, Concentric, Transverse, Complex };
enum class SpinalZone {
  Central,
  SubarticularLeft,
  SubarticularRight,
  ForaminalLeft,
  ForaminalRight,
  ExtraforaminalLeft,
  ExtraforaminalRight
};
// NotAssessed: nobody said (the default); None is the finding "no contrast leak".
// An SR leaves an unassessed pattern out rather than recording a negative.
enum class LeakPattern { None, Epidural, Foraminal, FarLateral, Endplate, NotAssessed };
enum class PainResponse { NotTested, Concordant, Discordant, None };

enum class GeometryKind {
  Point,       // 2D, image pixels
  Polyline,    // 2D
  Polygon,     // 2D, closed (first point not repeated)
  Point3D,     // patient LPS, mm
  Polyline3D,  // patient LPS, mm
};

struct ImageReference {
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
  std::string studyInstanceUid;
  int frameNumber = 0;  // 1-based (DICOM Referenced Frame Number); 0 = single-frame image
};

// 2D points are (column, row) in pixels with (0,0) the centre of the top-left
// pixel; SCOORD's origin is that pixel's top-left corner, so export adds 0.5
// (PS3.3 C.18.6.1.1) and import subtracts it.
struct TearGeometry {
  GeometryKind kind = GeometryKind::Point;
  std::vector<std::array<double, 3>> points;  // z unused for 2D
  ImageReference image;                       // for 2D geometry
  std::string frameOfReferenceUid;            // for 3D geometry
  bool is3D() const { return kind == GeometryKind::Point3D || kind == GeometryKind::Polyline3D; }
};

// Figures from a linked leak segmentation (segmentation issue).
struct LeakFigures {
  std::optional<double> areaMm2;
  std::optional<double> onsetMs;
  std::optional<int> onsetFrame;           // 1-based
  std::optional<double> exitDirectionDeg;  // 0 = up on the image, clockwise
  std::string calibration;                 // "detector" or "magnification-corrected"
  std::string segmentationSopInstanceUid;  // the DICOM SEG holding the mask, if exported
};

struct CatheterPlan {
  std::array<double, 2> target{};  // image pixels on the tear's image
  std::array<double, 2> entry{};   // skin entry / trajectory start, image pixels
  double lengthMm = 0;             // entry -> target with the image calibration
  std::string calibration;
};

struct TearAnnotation {
  std::string id;           // short, stable within a session (e.g. "T3")
  std::string trackingUid;  // DICOM Tracking Unique Identifier, stable across exports
  std::string level;        // "L4-L5", "C5-C6", "T12-L1", "L5-S1"
  TearType type = TearType::Radial;
  int grade = 0;             // modified Dallas 0-5
  std::optional<int> clock;  // 1-12, axial view
  std::optional<SpinalZone> zone;
  LeakPattern leak = LeakPattern::NotAssessed;
  PainResponse pain = PainResponse::NotTested;
  std::string comment;
  std::string observer;
  std::string observedAt;  // ISO 8601 date-time
  // Who created the tear and who last changed it, and when (ISO 8601 UTC): the
  // reader names of the writers, so a session merged from several writers says
  // where each tear came from. Empty in files written before they existed.
  std::string createdBy, createdAt;
  std::string modifiedBy, modifiedAt;
  TearGeometry geometry;
  std::optional<LeakFigures> leakFigures;
  std::optional<CatheterPlan> catheter;
};

bool operator==(const TearGeometry& a, const TearGeometry& b);
bool operator==(const TearAnnotation& a, const TearAnnotation& b);

}  // namespace annulo
