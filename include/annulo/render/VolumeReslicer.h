#pragma once
// Cuts a volume series along any plane with VTK's vtkImageReslice, over the
// series' own pixel buffer (a vtkImageData whose scalars point at Series::pixels,
// no copy). Any orientation and anisotropic spacing: the reslice axes map plane
// millimetres to voxel indices through the series' geometry (direction cosines,
// spacing, slice positions), so the cut is where the patient coordinates say.
// Rules of use: the Series must outlive the reslicer and keep its buffer (it is not
// copied); one reslicer per thread (vtkImageReslice threads inside itself).

#include <memory>
#include <vector>

#include "annulo/annotation/DiscPlane.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo {

enum class ResliceInterpolation { Nearest, Linear, Cubic };
enum class SlabMode { Mean, Max };

struct ResliceOptions {
  PlaneGrid grid;
  ResliceInterpolation interpolation = ResliceInterpolation::Linear;
  double slabMm = 0;  // 0 = a single plane; else MIP/mean over this thickness along the normal
  SlabMode slab = SlabMode::Mean;
  double background = 0;  // value outside the volume (modality units)
};

struct ResliceImage {
  int width = 0, height = 0;
  std::vector<float> values;  // modality values, row-major, x along the plane's left axis
  float at(int x, int y) const { return values[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
};

class VolumeReslicer {
 public:
  // Fails for colour series, fewer than 2 slices or an empty buffer.
  static Result<std::unique_ptr<VolumeReslicer>> create(const Series& series);
  ~VolumeReslicer();
  VolumeReslicer(const VolumeReslicer&) = delete;
  VolumeReslicer& operator=(const VolumeReslicer&) = delete;

  ResliceImage reslice(const DiscPlane& plane, const ResliceOptions& options) const;
  // Cuts a label map (columns*rows*slices bytes, same layout as the series), nearest neighbour.
  std::vector<std::uint8_t> resliceLabels(const std::vector<std::uint8_t>& labels, const DiscPlane& plane,
                                          const PlaneGrid& grid) const;

  // Voxel index (column, row, slice; continuous) of a patient point.
  Vec3 patientToIndex(const Vec3& p) const;
  // Millimetres between neighbouring samples along the unit vector u: the step that
  // moves one voxel in index space (1 / |index change per mm|). Along a volume axis
  // it is that axis' spacing; obliquely it lies between the spacings.
  double samplingStepMm(const Vec3& u) const;
  // The buffer VTK reads (for the zero-copy check).
  const void* vtkScalarPointer() const;

 private:
  struct Impl;
  explicit VolumeReslicer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace annulo
