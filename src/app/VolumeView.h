#pragma once
// 3D volume rendering of an MR/CT series with VTK, drawn into an offscreen
// framebuffer of the shared GLFW context and shown as an ImGui image
// (recipe: shared/guide/RENDERING.md). Under a software renderer (llvmpipe)
// VTK's CPU ray caster is 7-8x faster than its GPU one, so the mode is chosen
// from the GL renderer string.

#include <vtkNew.h>
#include <vtkSmartPointer.h>

#include <string>

#include "annulo/dicom/Series.h"

class vtkGenericOpenGLRenderWindow;
class vtkRenderer;
class vtkImageImport;
class vtkSmartVolumeMapper;
class vtkVolume;
class vtkVolumeProperty;

namespace annulo::app {

enum class VolumePreset { MrT2, CtBone, Fluoro };
const char* presetName(VolumePreset p);

class VolumeView {
 public:
  VolumeView();
  ~VolumeView();
  VolumeView(const VolumeView&) = delete;
  VolumeView& operator=(const VolumeView&) = delete;

  // The series' own buffer is rendered without a copy; it must outlive the view.
  void setSeries(const Series& series);
  void setPreset(VolumePreset preset, double center, double width);
  // Renders at w x h and returns the GL texture to show (0 when nothing to show).
  unsigned render(int w, int h);
  void rotate(double dxDegrees, double dyDegrees);
  void zoom(double factor);
  bool cpuRayCast() const { return cpu_; }
  const Series* series() const { return series_; }

 private:
  vtkNew<vtkGenericOpenGLRenderWindow> window_;
  vtkNew<vtkRenderer> renderer_;
  vtkNew<vtkImageImport> import_;
  vtkNew<vtkSmartVolumeMapper> mapper_;
  vtkNew<vtkVolumeProperty> property_;
  vtkNew<vtkVolume> volume_;
  const Series* series_ = nullptr;
  bool initialised_ = false;
  bool cpu_ = true;
  bool interacting_ = false;
};

}  // namespace annulo::app
