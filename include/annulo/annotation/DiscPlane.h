#pragma once
// The plane a disc is read in: through the disc's mid-height, parallel to its
// endplates, with the clock face of docs/codes.md ("Clock face on the disc plane").
//
// Frame (patient LPS, mm):
//   centre  - the disc's centre on the plane;
//   left    - in-plane unit vector towards the patient's left (image right, 3 o'clock);
//   back    - in-plane unit vector towards posterior (image down, 6 o'clock);
//   normal  - left x back, towards superior (the view looks along it, from the feet,
//             as a radiological axial image is read).
// The plane is laid with two clicks on any view that contains the disc's
// anterior-posterior line (a sagittal, usually): the anterior and posterior margins
// at mid-height. The plane contains that line and the clicked view's normal.
// Plain data and math: no VTK (render/VolumeReslicer.h cuts a series along it).

#include <optional>
#include <string>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/base/Result.h"
#include "annulo/base/Vec.h"

namespace annulo {

struct DiscPlane {
  std::string level;  // "L4-L5"
  Vec3 centre{};
  Vec3 left{1, 0, 0};
  Vec3 back{0, 1, 0};
  Vec3 normal{0, 0, 1};
  double radiusMm = 25;  // half the disc's anterior-posterior depth (the clock face's radius)
};
bool operator==(const DiscPlane& a, const DiscPlane& b);
inline bool operator!=(const DiscPlane& a, const DiscPlane& b) { return !(a == b); }

// The plane through the anterior and posterior margin points `anterior`, `posterior`
// (LPS), containing `viewNormal` (the normal of the image they were clicked on).
// Fails when the points coincide or the line runs along viewNormal.
Result<DiscPlane> discPlaneFromMargins(const std::string& level, const Vec3& anterior, const Vec3& posterior,
                                       const Vec3& viewNormal);

// The plane turned by `aboutLeftDeg` about its left axis (tilts anterior up/down, as
// a drag of its line on a sagittal does) and `aboutBackDeg` about its back axis (rolls
// left/right, as on a coronal), about its centre.
DiscPlane rotated(const DiscPlane& plane, double aboutLeftDeg, double aboutBackDeg);

// The same centre, axes along the patient axes (the orthogonal axial): reset.
DiscPlane orthogonal(const DiscPlane& plane);

// Angle between the plane's normal and the patient's superior axis, degrees.
double tiltDeg(const DiscPlane& plane);

// A pixel grid on the plane: width x height pixels of pixelMm, centred on the centre
// (pixel (width-1)/2, (height-1)/2), x along left, y along back. pixelMmY > 0 gives
// rectangular pixels (an MPR reformat keeps the slice spacing down its rows).
struct PlaneGrid {
  int width = 256;
  int height = 256;
  double pixelMm = 0.5;
  double pixelMmY = 0;  // 0: square pixels of pixelMm
  double yMm() const { return pixelMmY > 0 ? pixelMmY : pixelMm; }
};
Vec3 planePixelToPatient(const DiscPlane& plane, const PlaneGrid& grid, double x, double y);
Vec2 patientToPlanePixel(const DiscPlane& plane, const PlaneGrid& grid, const Vec3& p);
double distanceFromPlane(const DiscPlane& plane, const Vec3& p);

// The clock hour (1-12) of a point on (or projected onto) the plane: 12 anterior,
// 3 patient's left, 6 posterior, 9 patient's right. None at the centre itself.
std::optional<int> clockOnPlane(const DiscPlane& plane, const Vec3& p);
// A point at `hour` on the plane, `fraction` of the radius out from the centre.
Vec3 clockPoint(const DiscPlane& plane, int hour, double fraction = 1.0);

// The zone guide of a point in the posterior half: by its distance left/right of the
// midline as a fraction of the radius (central < 0.25, subarticular < 0.5, foraminal
// < 0.8, extraforaminal beyond). These are guides drawn on the plane, not a
// segmentation of the pedicles; the reader decides. None for the anterior half.
std::optional<SpinalZone> zoneGuideOnPlane(const DiscPlane& plane, const Vec3& p);

}  // namespace annulo
