#include "annulo/render/VolumeReslicer.h"

#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkImageReslice.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkSmartPointer.h>
#include <vtkType.h>
#include <vtkUnsignedCharArray.h>

#include <cmath>
#include <cstring>

namespace annulo {
namespace {

int vtkTypeOf(SampleType t) {
  switch (t) {
    case SampleType::UInt8:
      return VTK_UNSIGNED_CHAR;
    case SampleType::Int8:
      return VTK_SIGNED_CHAR;
    case SampleType::UInt16:
      return VTK_UNSIGNED_SHORT;
    case SampleType::Int16:
      return VTK_SHORT;
    case SampleType::UInt32:
      return VTK_UNSIGNED_INT;
    case SampleType::Int32:
      return VTK_INT;
  }
  return VTK_UNSIGNED_SHORT;
}

bool invert3(const double m[3][3], double out[3][3]) {
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  if (!(std::fabs(det) > 1e-12)) return false;
  const double d = 1 / det;
  out[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) * d;
  out[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) * d;
  out[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) * d;
  out[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) * d;
  out[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) * d;
  out[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) * d;
  out[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) * d;
  out[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) * d;
  out[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) * d;
  return true;
}

}  // namespace

struct VolumeReslicer::Impl {
  const Series* series = nullptr;
  vtkSmartPointer<vtkImageData> image;  // index space: spacing 1, origin 0, scalars = Series::pixels
  Vec3 origin{};                        // patient position of voxel (0, 0, 0)
  double toIndex[3][3]{};               // patient offset -> (column, row, slice)
  double slope = 1, intercept = 0;

  Vec3 indexOf(const Vec3& p) const {
    const double d[3] = {p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]};
    Vec3 out{};
    for (int r = 0; r < 3; ++r) out[r] = toIndex[r][0] * d[0] + toIndex[r][1] * d[1] + toIndex[r][2] * d[2];
    return out;
  }
  Vec3 direction(const Vec3& v) const {
    Vec3 out{};
    for (int r = 0; r < 3; ++r) out[r] = toIndex[r][0] * v[0] + toIndex[r][1] * v[1] + toIndex[r][2] * v[2];
    return out;
  }

  // Output pixel (x, y, z in plane mm, origin at the grid's corner pixel) -> input index.
  void configure(vtkImageReslice* r, const DiscPlane& plane, const PlaneGrid& grid, double slabMm) const {
    const Vec3 u = direction(plane.left), v = direction(plane.back), n = direction(plane.normal);
    const Vec3 c = indexOf(plane.centre);
    vtkNew<vtkMatrix4x4> axes;
    for (int row = 0; row < 3; ++row) {
      axes->SetElement(row, 0, u[std::size_t(row)]);
      axes->SetElement(row, 1, v[std::size_t(row)]);
      axes->SetElement(row, 2, n[std::size_t(row)]);
      axes->SetElement(row, 3, c[std::size_t(row)]);
    }
    r->SetResliceAxes(axes);
    r->SetOutputDimensionality(2);
    r->SetOutputSpacing(grid.pixelMm, grid.yMm(), 1.0);
    r->SetOutputOrigin(-(grid.width - 1) / 2.0 * grid.pixelMm, -(grid.height - 1) / 2.0 * grid.yMm(), 0);
    r->SetOutputExtent(0, grid.width - 1, 0, grid.height - 1, 0, 0);
    if (slabMm > 0) {
      // Slab samples one plane per output-spacing step (1 mm) across the thickness.
      const int planes = std::max(1, int(std::lround(slabMm)));
      r->SetSlabNumberOfSlices(planes);
      r->SetSlabSliceSpacingFraction(1.0);
    }
  }
};

VolumeReslicer::VolumeReslicer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VolumeReslicer::~VolumeReslicer() = default;

Result<std::unique_ptr<VolumeReslicer>> VolumeReslicer::create(const Series& s) {
  if (s.isColor()) return Error{"reslice: series " + s.series.instanceUid + " is colour; only grey volumes are cut"};
  if (s.sliceCount() < 2) return Error{"reslice: series " + s.series.instanceUid + " has fewer than 2 slices"};
  if (s.pixels.size() < s.sliceBytes() * s.sliceCount())
    return Error{"reslice: series " + s.series.instanceUid + " has no pixel data loaded"};
  auto impl = std::make_unique<Impl>();
  impl->series = &s;
  impl->slope = s.slices[0].rescaleSlope;
  impl->intercept = s.slices[0].rescaleIntercept;
  const std::size_t n = s.sliceCount();
  impl->origin = s.hasPatientGeometry ? s.slices[0].position : s.origin;
  Vec3 k{};
  if (s.hasPatientGeometry) {
    const Vec3 &a = s.slices[0].position, &b = s.slices[n - 1].position;
    for (int i = 0; i < 3; ++i) k[std::size_t(i)] = (b[std::size_t(i)] - a[std::size_t(i)]) / double(n - 1);
  } else {
    for (int i = 0; i < 3; ++i) k[std::size_t(i)] = s.direction[2][std::size_t(i)] * s.spacing[2];
  }
  double m[3][3];
  for (int r = 0; r < 3; ++r) {
    m[r][0] = s.direction[0][std::size_t(r)] * s.spacing[0];
    m[r][1] = s.direction[1][std::size_t(r)] * s.spacing[1];
    m[r][2] = k[std::size_t(r)];
  }
  if (!invert3(m, impl->toIndex))
    return Error{"reslice: series " + s.series.instanceUid + " has degenerate geometry (slices do not span a volume)"};

  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(s.columns, s.rows, int(n));
  image->SetSpacing(1, 1, 1);
  image->SetOrigin(0, 0, 0);
  vtkSmartPointer<vtkDataArray> scalars;
  scalars.TakeReference(vtkDataArray::CreateDataArray(vtkTypeOf(s.sampleType)));
  scalars->SetNumberOfComponents(1);
  // save = 1: VTK reads our buffer and never frees it (no copy).
  scalars->SetVoidArray(const_cast<std::uint8_t*>(s.pixels.data()), vtkIdType(s.sliceSamples() * n), 1);
  image->GetPointData()->SetScalars(scalars);
  impl->image = image;
  return std::unique_ptr<VolumeReslicer>(new VolumeReslicer(std::move(impl)));
}

ResliceImage VolumeReslicer::reslice(const DiscPlane& plane, const ResliceOptions& o) const {
  vtkNew<vtkImageReslice> r;
  r->SetInputData(impl_->image);
  impl_->configure(r, plane, o.grid, o.slabMm);
  switch (o.interpolation) {
    case ResliceInterpolation::Nearest:
      r->SetInterpolationModeToNearestNeighbor();
      break;
    case ResliceInterpolation::Linear:
      r->SetInterpolationModeToLinear();
      break;
    case ResliceInterpolation::Cubic:
      r->SetInterpolationModeToCubic();
      break;
  }
  if (o.slabMm > 0) {
    if (o.slab == SlabMode::Max)
      r->SetSlabModeToMax();
    else
      r->SetSlabModeToMean();
  }
  r->SetOutputScalarType(VTK_FLOAT);
  const double slope = impl_->slope != 0 ? impl_->slope : 1;
  r->SetBackgroundLevel((o.background - impl_->intercept) / slope);
  r->Update();
  ResliceImage out;
  out.width = o.grid.width;
  out.height = o.grid.height;
  out.values.resize(std::size_t(out.width) * std::size_t(out.height));
  const auto* src = static_cast<const float*>(r->GetOutput()->GetScalarPointer());
  for (std::size_t i = 0; i < out.values.size(); ++i) out.values[i] = float(src[i] * impl_->slope + impl_->intercept);
  return out;
}

std::vector<std::uint8_t> VolumeReslicer::resliceLabels(const std::vector<std::uint8_t>& labels, const DiscPlane& plane,
                                                        const PlaneGrid& grid) const {
  const Series& s = *impl_->series;
  std::vector<std::uint8_t> out(std::size_t(grid.width) * std::size_t(grid.height), 0);
  const std::size_t voxels = std::size_t(s.columns) * std::size_t(s.rows) * s.sliceCount();
  if (labels.size() != voxels) return out;
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(s.columns, s.rows, int(s.sliceCount()));
  vtkNew<vtkUnsignedCharArray> a;
  a->SetVoidArray(const_cast<std::uint8_t*>(labels.data()), vtkIdType(voxels), 1);
  image->GetPointData()->SetScalars(a);
  vtkNew<vtkImageReslice> r;
  r->SetInputData(image);
  impl_->configure(r, plane, grid, 0);
  r->SetInterpolationModeToNearestNeighbor();
  r->SetBackgroundLevel(0);
  r->Update();
  std::memcpy(out.data(), r->GetOutput()->GetScalarPointer(), out.size());
  return out;
}

Vec3 VolumeReslicer::patientToIndex(const Vec3& p) const { return impl_->indexOf(p); }

double VolumeReslicer::samplingStepMm(const Vec3& u) const {
  const Vec3 d = impl_->direction(u);
  const double n = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  return n > 0 ? 1 / n : 1;
}

const void* VolumeReslicer::vtkScalarPointer() const { return impl_->image->GetScalarPointer(); }

}  // namespace annulo
