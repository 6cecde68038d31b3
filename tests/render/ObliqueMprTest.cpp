// Oblique MPR geometry without a window: an axial stack of anisotropic voxels
// (0.5 x 0.8 mm pixels, 2.5 mm slices), the native view laid out as the viewer does
// (ViewTransform, square millimetres on screen), a drag of a reformat's handle by N
// screen pixels, and the slab cut against an independent max/mean of sampled planes.

#include <gtest/gtest.h>

#include <cmath>

#include "annulo/render/ObliqueMpr.h"
#include "annulo/render/ViewTransform.h"

namespace annulo {
namespace {

constexpr double kPi = 3.14159265358979323846;

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 unit(const Vec3& a) {
  const double n = std::sqrt(dot(a, a));
  return {a[0] / n, a[1] / n, a[2] / n};
}
double angleDeg(const Vec3& a, const Vec3& b) {
  return std::acos(std::min(1.0, std::fabs(dot(unit(a), unit(b))))) * 180 / kPi;
}

// Axial: columns run to the patient's left (+x), rows posterior (+y), slices superior (+z).
struct Stack {
  int columns = 60, rows = 50, slices = 16;
  Vec3 origin{-15, -20, -18};
  Vec3 spacing{0.5, 0.8, 2.5};

  Vec3 patient(double c, double r, double k) const {
    return {origin[0] + c * spacing[0], origin[1] + r * spacing[1], origin[2] + k * spacing[2]};
  }
  Vec3 index(const Vec3& p) const {
    return {(p[0] - origin[0]) / spacing[0], (p[1] - origin[1]) / spacing[1], (p[2] - origin[2]) / spacing[2]};
  }
  template <typename Fn>
  Series build(Fn value) const {
    Series s;
    s.series.instanceUid = "1.2.3.5";
    s.columns = columns;
    s.rows = rows;
    s.bitsAllocated = 16;
    s.bitsStored = 12;
    s.sampleType = SampleType::UInt16;
    s.spacing = spacing;
    s.direction = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    s.hasPatientGeometry = true;
    s.origin = origin;
    s.slices.resize(std::size_t(slices));
    for (int k = 0; k < slices; ++k) s.slices[std::size_t(k)].position = patient(0, 0, k);
    s.pixels = PixelBuffer(std::size_t(slices) * s.sliceBytes());
    auto* p = reinterpret_cast<std::uint16_t*>(s.pixels.data());
    for (int k = 0; k < slices; ++k)
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c) p[(std::size_t(k) * rows + r) * columns + c] = std::uint16_t(value(c, r, k));
    return s;
  }
};

// Trilinear sampling written here (index space), for comparison with VTK's; none outside.
template <typename Fn>
std::optional<double> trilinear(const Stack& st, Fn f, const Vec3& p) {
  const Vec3 i = st.index(p);
  if (i[0] < 0 || i[1] < 0 || i[2] < 0 || i[0] > st.columns - 1.001 || i[1] > st.rows - 1.001 ||
      i[2] > st.slices - 1.001)
    return std::nullopt;
  const int c = int(i[0]), r = int(i[1]), k = int(i[2]);
  const double fc = i[0] - c, fr = i[1] - r, fk = i[2] - k;
  double v = 0;
  for (int dk = 0; dk < 2; ++dk)
    for (int dr = 0; dr < 2; ++dr)
      for (int dc = 0; dc < 2; ++dc)
        v += f(c + dc, r + dr, k + dk) * (dc ? fc : 1 - fc) * (dr ? fr : 1 - fr) * (dk ? fk : 1 - fk);
  return v;
}

int noise(int c, int r, int k) { return (c * 37 + r * 101 + k * 211 + (c * r * k) % 17 * 13) % 1000; }
double ramp(double c, double r, double k) { return 100 + 3 * c + 5 * r + 11 * k; }

TEST(ObliqueMpr, OrthogonalReformatsHaveOnePixelPerVoxelOnTheVoxelCentres) {
  const Stack st;
  const Series s = st.build(noise);
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  const int col = 23, row = 31, slice = 6;
  const auto planes = orthogonalReformats(s, st.patient(col, row, slice));
  const FittedPlane f = fitToVolume(s, **r, planes[0]);  // fixed column: x = row, y = slice from the top
  ASSERT_EQ(f.grid.width, st.rows);
  ASSERT_EQ(f.grid.height, st.slices);
  EXPECT_DOUBLE_EQ(f.grid.pixelMm, 0.8);
  EXPECT_DOUBLE_EQ(f.grid.yMm(), 2.5);
  const ResliceImage img = (*r)->reslice(f.plane, {f.grid});
  for (int k = 0; k < st.slices; ++k)
    for (int i = 0; i < st.rows; ++i)
      ASSERT_NEAR(img.at(i, st.slices - 1 - k), noise(col, i, k), 1e-3) << "row " << i << " slice " << k;
}

// The viewer's native view: the image fitted in 800x600 with square millimetres.
struct NativeView {
  const Stack& st;
  int slice;
  ViewGeometry g{800, 600, double(st.columns), double(st.rows), st.spacing[1] / st.spacing[0]};
  Vec2 screen(const Vec3& p) const {
    const Vec3 i = st.index(p);
    return imageToScreen(ViewState{}, g, {i[0], i[1]});
  }
  Vec3 patient(Vec2 screenPixel) const {
    const Vec2 i = screenToImage(ViewState{}, g, screenPixel);
    return st.patient(i[0], i[1], slice);
  }
};

TEST(ObliqueMpr, DraggingAHandleByNPixelsTurnsThePlaneByTheScreenAngle) {
  const Stack st;
  const Series s = st.build([](int c, int r, int k) { return int(ramp(c, r, k)); });
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  const int col = 31, row = 22, slice = 7;
  const Vec3 pivot = st.patient(col, row, slice);
  const NativeView view{st, slice};
  const auto planes = orthogonalReformats(s, pivot);
  const Vec3 axis = stackAxis(s);  // the native view's normal
  // Reformat 0's line on the native view runs down the rows (screen vertical).
  const Vec3 line = cutDirection(DiscPlane{"", pivot, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, planes[0].normal);
  EXPECT_LT(angleDeg(line, {0, 1, 0}), 1e-9);
  // Grab the handle 150 screen pixels above the crosshair, move it N pixels to the right.
  const Vec2 c = view.screen(pivot);
  for (double n : {12.0, 40.0, 90.0}) {
    const Vec2 from{c[0], c[1] - 150}, to{c[0] + n, c[1] - 150};
    const double deg = dragAngleDeg(pivot, axis, view.patient(from), view.patient(to));
    const double want = std::atan2(n, 150) * 180 / kPi;  // on screen; the view keeps millimetres square
    EXPECT_NEAR(std::fabs(deg), want, 0.5) << n << " px";
    const DiscPlane turned = turnedAbout(planes[0], axis, pivot, deg);
    EXPECT_NEAR(angleDeg(turned.normal, planes[0].normal), want, 0.5) << n << " px";
    EXPECT_NEAR(dot(turned.normal, axis), 0, 1e-9) << "turned about the view's normal: still holds it";
    // The turned line runs through the mouse: the released point lies on the plane.
    EXPECT_NEAR(distanceFromPlane(turned, view.patient(to)), 0, 1e-6) << n << " px";
    EXPECT_NEAR(distanceFromPlane(turned, pivot), 0, 1e-9) << "the crosshair stays on the plane";
    // Under the crosshair of the cut: the voxel at the crosshair.
    const FittedPlane f = fitToVolume(s, **r, turned);
    const Vec2 at = patientToPlanePixel(f.plane, f.grid, pivot);
    ASSERT_GE(at[0], 0);
    ASSERT_LT(at[0], f.grid.width - 1);
    ASSERT_GE(at[1], 0);
    ASSERT_LT(at[1], f.grid.height - 1);
    const ResliceImage img = (*r)->reslice(f.plane, {f.grid});
    const int x = int(std::lround(at[0])), y = int(std::lround(at[1]));
    const Vec3 i = st.index(planePixelToPatient(f.plane, f.grid, x, y));
    EXPECT_NEAR(img.at(x, y), ramp(i[0], i[1], i[2]), 0.05) << "pixel " << x << "," << y;
    // The nearest pixel is within half a pixel of the crosshair: the crosshair's own voxel.
    const double gradient = std::hypot(3 / 0.5, 5 / 0.8, 11 / 2.5);  // ramp change per mm
    EXPECT_NEAR(img.at(x, y), ramp(col, row, slice), 0.5 * (f.grid.pixelMm + f.grid.yMm()) * gradient + 1e-3);
  }
  // Dragging back the other way turns the other way.
  EXPECT_LT(dragAngleDeg(pivot, axis, view.patient({c[0], c[1] - 150}), view.patient({c[0] + 40, c[1] - 150})) *
                dragAngleDeg(pivot, axis, view.patient({c[0], c[1] - 150}), view.patient({c[0] - 40, c[1] - 150})),
            0);
}

TEST(ObliqueMpr, SlabMaxAndMeanEqualTheMaxAndMeanOverTheSampledPlanes) {
  const Stack st;
  const Series s = st.build(noise);
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  const Vec3 pivot = st.patient(29.3, 24.6, 7.4);
  DiscPlane plane = turnedAbout(orthogonalReformats(s, pivot)[1], {0, 0, 1}, pivot, 25);
  plane = turnedAbout(plane, plane.left, pivot, 15);
  const PlaneGrid grid{40, 30, 0.4, 0.6};
  for (SlabMode mode : {SlabMode::Max, SlabMode::Mean}) {
    ResliceOptions o;
    o.grid = grid;
    o.slabMm = 5;  // five planes 1 mm apart, centred on the plane
    o.slab = mode;
    const ResliceImage img = (*r)->reslice(plane, o);
    int compared = 0;
    for (int y = 0; y < grid.height; ++y)
      for (int x = 0; x < grid.width; ++x) {
        const Vec3 p = planePixelToPatient(plane, grid, x, y);
        double mx = -1e9, sum = 0;
        bool inside = true;
        for (int k = -2; k <= 2 && inside; ++k) {
          const Vec3 q{p[0] + k * plane.normal[0], p[1] + k * plane.normal[1], p[2] + k * plane.normal[2]};
          const auto v = trilinear(st, noise, q);
          inside = v.has_value();
          if (inside) mx = std::max(mx, *v), sum += *v;
        }
        if (!inside) continue;
        ASSERT_NEAR(img.at(x, y), mode == SlabMode::Max ? mx : sum / 5, 0.05) << "pixel " << x << "," << y;
        ++compared;
      }
    EXPECT_GT(compared, 600);
  }
}

}  // namespace
}  // namespace annulo
