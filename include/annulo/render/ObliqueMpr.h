#pragma once
// The two reformats of the MPR layout as planes through the crosshair, turned by
// dragging their lines (as in Slicer, OHIF, Weasis): each reformat is a DiscPlane
// frame (left = image x, back = image y down, normal = left x back) cut by
// VolumeReslicer, so any orientation and anisotropic spacing are sampled where the
// patient coordinates say. Plain geometry: no window, no GL.

#include <array>

#include "annulo/annotation/DiscPlane.h"
#include "annulo/dicom/Series.h"
#include "annulo/render/VolumeReslicer.h"

namespace annulo {

// Unit vector from the first slice to the last (the stack's direction).
Vec3 stackAxis(const Series& s);

// The orthogonal reformats through `crosshair` (patient LPS): 0 holds the column
// (image x along the series' column direction, i.e. down the rows: the fixed-column
// cut), 1 the row (image x along the row direction). Image y runs from the last
// slice to the first (highest slice at the top, as reformats are read).
std::array<DiscPlane, 2> orthogonalReformats(const Series& s, const Vec3& crosshair);

// The plane turned by `deg` (right hand) about the unit `axis` through `pivot`.
DiscPlane turnedAbout(const DiscPlane& p, const Vec3& axis, const Vec3& pivot, double deg);

// The signed angle (degrees, right hand about `axis`) from from - pivot to to - pivot,
// both projected on the plane normal to `axis`: a drag of a plane's line about the
// crosshair. 0 when either point is on the axis.
double dragAngleDeg(const Vec3& pivot, const Vec3& axis, const Vec3& from, const Vec3& to);

// Unit direction of the line where a plane of normal `otherNormal` cuts `view`; zero
// when the planes are parallel.
Vec3 cutDirection(const DiscPlane& view, const Vec3& otherNormal);

// A reformat ready to cut: the plane's centre moved within the plane to the middle of
// the volume's extent on it, and a grid covering that extent. The pixel size along
// each axis is the volume's sampling step along it (VolumeReslicer::samplingStepMm),
// so an orthogonal reformat has one pixel per voxel, exactly on the voxel centres.
struct FittedPlane {
  DiscPlane plane;
  PlaneGrid grid;
};
FittedPlane fitToVolume(const Series& s, const VolumeReslicer& r, const DiscPlane& p, int maxPixels = 1024);

}  // namespace annulo
