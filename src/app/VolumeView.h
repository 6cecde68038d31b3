#pragma once
// 3D volume rendering of a series with VTK, drawn into an offscreen framebuffer
// of the shared GLFW context and shown as an ImGui image (recipe:
// docs/guide/RENDERING.md). Under a software renderer (llvmpipe) VTK's CPU ray
// caster is 7-8x faster than its GPU one, so the mode is chosen from the GL
// renderer string.
//
// A cine (no patient geometry) is shown as a space-time stack: x, y in mm and
// frames along z, so the leak's growth over time is a shape. The label map is
// drawn as surfaces: embedded in the volume (hidden by what lies in front) or as
// an overlay layer on top; tears, HIZ candidates and the injection point are
// always on top.

#include <vtkNew.h>
#include <vtkSmartPointer.h>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "annulo/dicom/Series.h"

class vtkActor;
class vtkGenericOpenGLRenderWindow;
class vtkRenderer;
class vtkImageImport;
class vtkImageShrink3D;
class vtkSmartVolumeMapper;
class vtkVolume;
class vtkVolumeProperty;

namespace annulo::app {

enum class VolumePreset { MrT2, CtBone, Fluoro };
const char* presetName(VolumePreset p);

enum class LabelDisplay { Surface, Overlay, Off };
const char* labelDisplayName(LabelDisplay d);

using Voxel = Vec3;  // (column, row, slice), voxel centres at integers

// A tear, an HIZ candidate or the injection point in the 3D scene.
struct Marker3D {
  std::vector<Voxel> voxels;  // one = a point
  bool closed = false;
  std::array<float, 3> colour{1, 1, 1};
  bool operator==(const Marker3D& o) const { return voxels == o.voxels && closed == o.closed && colour == o.colour; }
};

// What the label surfaces hold, for the panel, the sidecar and the benchmark.
struct LabelSurfaceInfo {
  int label = 0;
  std::size_t voxels = 0;
  std::size_t triangles = 0;
  Voxel anchor{};  // a voxel of the label nearest to its centroid: lies inside it
};

class VolumeView {
 public:
  VolumeView();
  ~VolumeView();
  VolumeView(const VolumeView&) = delete;
  VolumeView& operator=(const VolumeView&) = delete;

  // The series' own buffer is rendered without a copy; it must outlive the view.
  void setSeries(const Series& series);
  void setPreset(VolumePreset preset, double center, double width);
  // columns x rows x slices labels of the series (nullptr = none); surfaces are
  // rebuilt when the version changes.
  void setLabels(const std::uint8_t* labels, std::uint64_t version);
  void setLabelStyle(LabelDisplay display, float opacity, const float intradiscal[3], const float leak[3]);
  void setMarkers(const std::vector<Marker3D>& markers);
  // Renders at w x h and returns the GL texture to show (0 when nothing to show).
  unsigned render(int w, int h);
  // Where a voxel lands in the last rendered image: pixels from its top-left.
  std::optional<std::array<double, 2>> project(const Voxel& v) const;
  // World (mm, voxel index x sceneSpacing) to normalised device coordinates for the
  // last rendered view, row-major: lets a test project points without VTK.
  std::array<double, 16> worldToNdc() const;
  // The camera's rotation (world to view, row-major 3x3): x right, y up on screen.
  std::array<double, 9> viewRotation() const;
  const std::array<double, 3>& sceneSpacing() const { return spacing_; }
  void rotate(double dxDegrees, double dyDegrees);
  void zoom(double factor);
  bool cpuRayCast() const { return cpu_; }
  const Series* series() const { return series_; }
  bool timeStack() const { return timeStack_; }
  bool reduced() const { return reduced_; }  // rendered from a block average (VolumeReduction.h)
  const std::vector<LabelSurfaceInfo>& labelSurfaces() const { return surfaceInfo_; }
  double lastSurfaceBuildMs() const { return surfaceBuildMs_; }

 private:
  void chooseInput();
  void buildSurfaces();
  void placeSurfaces();
  vtkSmartPointer<vtkActor> markerActor(const Marker3D& m) const;

  vtkNew<vtkGenericOpenGLRenderWindow> window_;
  vtkNew<vtkRenderer> renderer_;
  vtkNew<vtkRenderer> overlay_;  // layer 1: drawn over the volume, same camera
  vtkNew<vtkImageImport> import_;
  vtkNew<vtkImageShrink3D> shrink_;  // only for volumes too large to ray cast interactively
  vtkNew<vtkSmartVolumeMapper> mapper_;
  vtkNew<vtkVolumeProperty> property_;
  vtkNew<vtkVolume> volume_;
  const Series* series_ = nullptr;
  std::array<double, 3> spacing_{1, 1, 1};  // scene units (mm) per voxel step
  bool timeStack_ = false;
  bool reduced_ = false;

  const std::uint8_t* labels_ = nullptr;
  std::uint64_t labelsVersion_ = 0;
  bool surfacesStale_ = false;
  std::vector<vtkSmartPointer<vtkActor>> surfaces_;  // one per label present
  std::vector<LabelSurfaceInfo> surfaceInfo_;
  double surfaceBuildMs_ = 0;
  LabelDisplay display_ = LabelDisplay::Surface;
  float opacity_ = 0.55f;
  std::array<float, 3> colours_[2] = {{0.2f, 0.6f, 1.0f}, {1.0f, 0.55f, 0.0f}};

  std::vector<Marker3D> markers_;
  std::vector<vtkSmartPointer<vtkActor>> markerActors_;

  int width_ = 0, height_ = 0;
  bool initialised_ = false;
  bool cameraFitPending_ = false;  // fitted at the next render, once the view size is known
  bool cpu_ = true;                // until the first render names the GL renderer: assume software
  bool interacting_ = false;
  // Each series keeps its own camera: switching back shows it as it was left, and a
  // series shown for the first time starts from the default view.
  struct CameraPose {
    double position[3], focal[3], up[3], angle;
  };
  std::map<const Series*, CameraPose> cameras_;
  void resetCamera();
  void fitCamera();
};

}  // namespace annulo::app
