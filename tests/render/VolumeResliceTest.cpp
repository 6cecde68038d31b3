// Disc-plane geometry and VTK reslicing over a series built in code: a sagittal
// stack (0.5 x 0.5 mm pixels, 4 mm slices) holding a bright disc tilted 30 degrees.

#include <gtest/gtest.h>

#include <cmath>

#include "annulo/annotation/DiscPlane.h"
#include "annulo/render/VolumeReslicer.h"

namespace annulo {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTiltDeg = 30;
constexpr double kRadius = 20, kHalfHeight = 5;

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }

// Sagittal: columns run posterior (+y), rows run inferior (-z), slices step to the left (+x).
struct Phantom {
  int columns = 160, rows = 160, slices = 21;
  Vec3 origin{-40, -40, 40};
  Vec3 spacing{0.5, 0.5, 4};
  Vec3 centre{0, 0, 0};
  // The disc's true axes: the normal turned 30 degrees from superior towards anterior.
  Vec3 normal{0, -std::sin(kTiltDeg* kPi / 180), std::cos(kTiltDeg* kPi / 180)};
  Vec3 back{0, std::cos(kTiltDeg* kPi / 180), std::sin(kTiltDeg* kPi / 180)};

  Vec3 patient(double c, double r, double s) const {
    return {origin[0] + s * spacing[2], origin[1] + c * spacing[0], origin[2] - r * spacing[1]};
  }
  Vec3 index(const Vec3& p) const {
    return {(p[1] - origin[1]) / spacing[0], -(p[2] - origin[2]) / spacing[1], (p[0] - origin[0]) / spacing[2]};
  }
  bool inDisc(const Vec3& p) const {
    const Vec3 d = sub(p, centre);
    const double h = dot(d, normal);
    const double r2 = dot(d, d) - h * h;
    return std::fabs(h) <= kHalfHeight && r2 <= kRadius * kRadius;
  }

  template <typename Fn>
  Series build(Fn value) const {
    Series s;
    s.series.instanceUid = "1.2.3.4";
    s.columns = columns;
    s.rows = rows;
    s.bitsAllocated = 16;
    s.bitsStored = 12;
    s.sampleType = SampleType::UInt16;
    s.spacing = spacing;
    s.direction = {{{0, 1, 0}, {0, 0, -1}, {1, 0, 0}}};
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
  Series disc() const {
    return build([this](int c, int r, int k) { return inDisc(patient(c, r, k)) ? 1000 : 100; });
  }
  // Where a click on the mid-sagittal lands: the nearest pixel centre.
  Vec3 clicked(const Vec3& p) const {
    const Vec3 i = index(p);
    return patient(std::round(i[0]), std::round(i[1]), std::round(i[2]));
  }
  Vec3 anterior() const {
    return {centre[0] - kRadius * back[0], centre[1] - kRadius * back[1], centre[2] - kRadius * back[2]};
  }
  Vec3 posterior() const {
    return {centre[0] + kRadius * back[0], centre[1] + kRadius * back[1], centre[2] + kRadius * back[2]};
  }
};

double angleDeg(const Vec3& a, const Vec3& b) {
  return std::acos(std::min(1.0, std::fabs(dot(a, b)) / std::sqrt(dot(a, a) * dot(b, b)))) * 180 / kPi;
}

struct Blob {
  double area = 0, cx = 0, cy = 0, minY = 1e9, maxY = -1e9, minX = 1e9, maxX = -1e9;
};
Blob brightBlob(const ResliceImage& img, double pixelMm, float threshold) {
  Blob b;
  double n = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      if (img.at(x, y) > threshold) {
        n += 1;
        b.cx += x;
        b.cy += y;
        b.minY = std::min(b.minY, double(y));
        b.maxY = std::max(b.maxY, double(y));
        b.minX = std::min(b.minX, double(x));
        b.maxX = std::max(b.maxX, double(x));
      }
  if (n > 0) {
    b.cx /= n;
    b.cy /= n;
  }
  b.area = n * pixelMm * pixelMm;
  return b;
}

TEST(DiscPlane, TwoClicksOnTheSagittalGiveTheTiltedNormalWithinOneDegree) {
  const Phantom ph;
  auto plane = discPlaneFromMargins("L4-L5", ph.clicked(ph.anterior()), ph.clicked(ph.posterior()), {-1, 0, 0});
  ASSERT_TRUE(plane.ok()) << plane.error().message;
  EXPECT_LT(angleDeg(plane->normal, ph.normal), 1.0);
  EXPECT_NEAR(tiltDeg(*plane), kTiltDeg, 1.0);
  EXPECT_GT(dot(plane->normal, {0, 0, 1}), 0) << "normal points superior";
  EXPECT_GT(plane->left[0], 0.99) << "left axis is the patient's left";
  EXPECT_GT(dot(plane->back, ph.back), 0.99) << "back axis is posterior";
  EXPECT_NEAR(plane->radiusMm, kRadius, 0.5);
  // The margins in either order give the same plane.
  auto swapped = discPlaneFromMargins("L4-L5", ph.clicked(ph.posterior()), ph.clicked(ph.anterior()), {1, 0, 0});
  ASSERT_TRUE(swapped.ok());
  EXPECT_LT(angleDeg(swapped->normal, ph.normal), 1.0);
  EXPECT_FALSE(discPlaneFromMargins("L4-L5", ph.centre, ph.centre, {1, 0, 0}).ok());
  EXPECT_FALSE(discPlaneFromMargins("L4-L5", {0, 0, 0}, {10, 0, 0}, {1, 0, 0}).ok());
}

TEST(DiscPlane, ClockFaceIsSeenFromTheFeetWithTwelveAnterior) {
  const Phantom ph;
  auto plane = discPlaneFromMargins("L4-L5", ph.anterior(), ph.posterior(), {1, 0, 0});
  ASSERT_TRUE(plane.ok());
  EXPECT_EQ(clockOnPlane(*plane, ph.anterior()), 12);
  EXPECT_EQ(clockOnPlane(*plane, ph.posterior()), 6);
  EXPECT_EQ(clockOnPlane(*plane, {15, 0, 0}), 3) << "3 o'clock is the patient's left (+x in LPS)";
  EXPECT_EQ(clockOnPlane(*plane, {-15, 0, 0}), 9);
  for (int h = 1; h <= 12; ++h) EXPECT_EQ(clockOnPlane(*plane, clockPoint(*plane, h, 0.8)), h);
  EXPECT_EQ(zoneGuideOnPlane(*plane, clockPoint(*plane, 6)), SpinalZone::Central);
  EXPECT_EQ(zoneGuideOnPlane(*plane, clockPoint(*plane, 4)), SpinalZone::ExtraforaminalLeft);
  EXPECT_EQ(zoneGuideOnPlane(*plane, clockPoint(*plane, 12)), std::nullopt);
}

TEST(VolumeReslicer, ReadsTheSeriesBufferWithoutACopy) {
  const Phantom ph;
  const Series s = ph.disc();
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->vtkScalarPointer(), static_cast<const void*>(s.pixels.data()));
  Series colour = ph.disc();
  colour.samplesPerPixel = 3;
  EXPECT_FALSE(VolumeReslicer::create(colour).ok());
}

TEST(VolumeReslicer, DiscPlaneShowsTheTiltedDiscAsAFullCircleAtTheCentre) {
  const Phantom ph;
  const Series s = ph.disc();
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  auto plane = discPlaneFromMargins("L4-L5", ph.clicked(ph.anterior()), ph.clicked(ph.posterior()), {1, 0, 0});
  ASSERT_TRUE(plane.ok());
  ResliceOptions o;
  o.grid = {200, 200, 0.25};
  const ResliceImage img = (*r)->reslice(*plane, o);
  const Blob b = brightBlob(img, o.grid.pixelMm, 550);
  const double circle = kPi * kRadius * kRadius;
  EXPECT_NEAR(b.area, circle, 0.08 * circle);
  EXPECT_NEAR(b.cx, (o.grid.width - 1) / 2.0, 2.0);  // 0.5 mm
  EXPECT_NEAR(b.cy, (o.grid.height - 1) / 2.0, 2.0);
  EXPECT_NEAR((b.maxY - b.minY) * o.grid.pixelMm, 2 * kRadius, 1.0);  // anterior-posterior, 0.5 mm pixels
  EXPECT_NEAR((b.maxX - b.minX) * o.grid.pixelMm, 2 * kRadius, 4.5);  // left-right, 4 mm slices

  // The orthogonal axial through the same centre cuts the tilted disc as a band
  // (its depth is the disc's height / sin 30 = 20 mm, not 40): the tilt matters.
  const ResliceImage axial = (*r)->reslice(orthogonal(*plane), o);
  const Blob a = brightBlob(axial, o.grid.pixelMm, 550);
  EXPECT_LT((a.maxY - a.minY) * o.grid.pixelMm, 2 * kHalfHeight / std::sin(kTiltDeg * kPi / 180) + 1.5);
  EXPECT_LT(a.area, 0.7 * circle);
}

TEST(VolumeReslicer, SixOClockOnTheObliqueViewMapsBackToThePosteriorMargin) {
  const Phantom ph;
  const Series s = ph.disc();
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  auto plane = discPlaneFromMargins("L4-L5", ph.clicked(ph.anterior()), ph.clicked(ph.posterior()), {1, 0, 0});
  ASSERT_TRUE(plane.ok());
  const PlaneGrid grid{200, 200, 0.25};
  // The reader clicks straight below the centre, at the disc's edge.
  const double x = (grid.width - 1) / 2.0, y = (grid.height - 1) / 2.0 + kRadius / grid.pixelMm;
  const Vec3 p = planePixelToPatient(*plane, grid, x, y);
  EXPECT_EQ(clockOnPlane(*plane, p), 6);
  const Vec3 got = (*r)->patientToIndex(p), want = ph.index(ph.posterior());
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(got[std::size_t(i)], want[std::size_t(i)], 0.5) << "index axis " << i;
  const Vec2 back = patientToPlanePixel(*plane, grid, p);
  EXPECT_NEAR(back[0], x, 1e-9);
  EXPECT_NEAR(back[1], y, 1e-9);
  EXPECT_NEAR(distanceFromPlane(*plane, p), 0, 1e-9);
}

TEST(VolumeReslicer, MatchesTrilinearSamplingWrittenHereWithAnisotropicSpacing) {
  Phantom ph;
  ph.columns = 24;
  ph.rows = 20;
  ph.slices = 6;
  ph.origin = {-10, -6, 5};
  auto f = [](int c, int r, int k) { return (c * 37 + r * 101 + k * 211 + (c * r * k) % 17 * 13) % 1000; };
  const Series s = ph.build(f);
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  DiscPlane plane = rotated(DiscPlane{}, 25, 12);
  plane.centre = ph.patient(11.3, 9.6, 2.4);
  ResliceOptions o;
  o.grid = {40, 40, 0.3};
  const ResliceImage img = (*r)->reslice(plane, o);
  int compared = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const Vec3 i = ph.index(planePixelToPatient(plane, o.grid, x, y));
      if (i[0] < 0 || i[1] < 0 || i[2] < 0 || i[0] > ph.columns - 1.001 || i[1] > ph.rows - 1.001 ||
          i[2] > ph.slices - 1.001)
        continue;
      const int c = int(i[0]), rr = int(i[1]), k = int(i[2]);
      const double fc = i[0] - c, fr = i[1] - rr, fk = i[2] - k;
      double want = 0;
      for (int dk = 0; dk < 2; ++dk)
        for (int dr = 0; dr < 2; ++dr)
          for (int dc = 0; dc < 2; ++dc)
            want += f(c + dc, rr + dr, k + dk) * (dc ? fc : 1 - fc) * (dr ? fr : 1 - fr) * (dk ? fk : 1 - fk);
      ASSERT_NEAR(img.at(x, y), want, 0.05) << "pixel " << x << "," << y;
      ++compared;
    }
  EXPECT_GT(compared, 400);
}

TEST(VolumeReslicer, LabelsAreCutNearestNeighbourAndSlabMaxBrightens) {
  const Phantom ph;
  const Series s = ph.disc();
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  std::vector<std::uint8_t> labels(std::size_t(ph.columns) * ph.rows * ph.slices);
  for (int k = 0; k < ph.slices; ++k)
    for (int y = 0; y < ph.rows; ++y)
      for (int x = 0; x < ph.columns; ++x)
        labels[(std::size_t(k) * ph.rows + y) * ph.columns + x] = ph.inDisc(ph.patient(x, y, k)) ? 3 : 0;
  auto plane = discPlaneFromMargins("L4-L5", ph.anterior(), ph.posterior(), {1, 0, 0});
  ASSERT_TRUE(plane.ok());
  const PlaneGrid grid{200, 200, 0.25};
  const auto cut = (*r)->resliceLabels(labels, *plane, grid);
  std::size_t inside = 0;
  for (auto v : cut) {
    ASSERT_TRUE(v == 0 || v == 3) << "nearest neighbour keeps label values";
    inside += v == 3;
  }
  EXPECT_NEAR(double(inside) * 0.0625, kPi * kRadius * kRadius, 0.1 * kPi * kRadius * kRadius);

  // A plane 7 mm above the disc's mid-height misses it; a 20 mm MIP slab there reaches it.
  DiscPlane above = *plane;
  for (int i = 0; i < 3; ++i) above.centre[std::size_t(i)] += 7 * plane->normal[std::size_t(i)];
  ResliceOptions o;
  o.grid = grid;
  EXPECT_LT(brightBlob((*r)->reslice(above, o), 0.25, 550).area, 1.0);
  o.slabMm = 20;
  o.slab = SlabMode::Max;
  EXPECT_GT(brightBlob((*r)->reslice(above, o), 0.25, 550).area, 0.8 * kPi * kRadius * kRadius);
}

}  // namespace
}  // namespace annulo

namespace annulo {
namespace {

TEST(VolumeReslicer, CubicReproducesALinearRampAwayFromTheEdges) {
  Phantom ph;
  ph.columns = 24;
  ph.rows = 20;
  ph.slices = 8;
  ph.origin = {-10, -6, 5};
  auto f = [](int c, int r, int k) { return 100 + 7 * c + 11 * r + 37 * k; };
  const Series s = ph.build(f);
  auto r = VolumeReslicer::create(s);
  ASSERT_TRUE(r.ok());
  DiscPlane plane = rotated(DiscPlane{}, 25, 12);
  plane.centre = ph.patient(11.3, 9.6, 3.4);
  ResliceOptions o;
  o.grid = {40, 40, 0.3};
  o.interpolation = ResliceInterpolation::Cubic;
  const ResliceImage img = (*r)->reslice(plane, o);
  int compared = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const Vec3 i = ph.index(planePixelToPatient(plane, o.grid, x, y));
      if (i[0] < 1 || i[1] < 1 || i[2] < 1 || i[0] > ph.columns - 2 || i[1] > ph.rows - 2 || i[2] > ph.slices - 2)
        continue;
      ASSERT_NEAR(img.at(x, y), 100 + 7 * i[0] + 11 * i[1] + 37 * i[2], 0.05) << "pixel " << x << "," << y;
      ++compared;
    }
  EXPECT_GT(compared, 300);
}

}  // namespace
}  // namespace annulo
