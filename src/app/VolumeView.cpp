#include "VolumeView.h"

#include <GL/glew.h>
#include <vtkCamera.h>
#include <vtkColorTransferFunction.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageImport.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkPiecewiseFunction.h>
#include <vtkRenderer.h>
#include <vtkSmartVolumeMapper.h>
#include <vtkTextureObject.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include <cstring>

namespace annulo::app {

const char* presetName(VolumePreset p) {
  switch (p) {
    case VolumePreset::MrT2: return "MR T2 (fluid and nuclei bright)";
    case VolumePreset::CtBone: return "CT bone";
    case VolumePreset::Fluoro: return "Contrast (dark) in a cine stack";
  }
  return "?";
}

VolumeView::VolumeView() {
  volume_->SetMapper(mapper_);
  volume_->SetProperty(property_);
  renderer_->AddVolume(volume_);
  renderer_->SetBackground(0.02, 0.02, 0.03);
  renderer_->SetBackgroundAlpha(1.0);  // else ImGui's window shows through
  window_->AddRenderer(renderer_);
}

VolumeView::~VolumeView() = default;

void VolumeView::setSeries(const Series& s) {
  if (&s == series_) return;
  series_ = &s;
  import_->SetImportVoidPointer(const_cast<std::uint8_t*>(s.pixels.data()), 1);  // 1: VTK must not free it
  switch (s.sampleType) {
    case SampleType::UInt8: import_->SetDataScalarTypeToUnsignedChar(); break;
    case SampleType::Int8: import_->SetDataScalarType(VTK_SIGNED_CHAR); break;
    case SampleType::UInt16: import_->SetDataScalarTypeToUnsignedShort(); break;
    case SampleType::Int16: import_->SetDataScalarTypeToShort(); break;
    case SampleType::UInt32: import_->SetDataScalarType(VTK_UNSIGNED_INT); break;
    case SampleType::Int32: import_->SetDataScalarTypeToInt(); break;
  }
  import_->SetNumberOfScalarComponents(1);
  import_->SetWholeExtent(0, s.columns - 1, 0, s.rows - 1, 0, int(s.sliceCount()) - 1);
  import_->SetDataExtentToWholeExtent();
  import_->SetDataSpacing(s.spacing[0], s.spacing[1], s.spacing[2]);
  import_->SetDataOrigin(0, 0, 0);
  import_->Modified();
  mapper_->SetInputConnection(import_->GetOutputPort());
  mapper_->SetInteractiveUpdateRate(10.0);
  renderer_->ResetCamera();
  // DICOM row 0 is the top of the image; VTK's y axis points up.
  vtkCamera* cam = renderer_->GetActiveCamera();
  cam->SetViewUp(0, -1, 0);
  cam->Azimuth(30);
  cam->Elevation(15);
  renderer_->ResetCamera();
}

void VolumeView::setPreset(VolumePreset preset, double center, double width) {
  // Transfer functions work on stored values: undo the (first slice's) rescale.
  const double slope = series_ && !series_->slices.empty() ? series_->slices[0].rescaleSlope : 1.0;
  const double intercept = series_ && !series_->slices.empty() ? series_->slices[0].rescaleIntercept : 0.0;
  auto stored = [&](double v) { return (v - intercept) / slope; };
  const double lo = stored(center - width / 2), hi = stored(center + width / 2);
  vtkNew<vtkColorTransferFunction> colour;
  vtkNew<vtkPiecewiseFunction> opacity;
  switch (preset) {
    case VolumePreset::MrT2:
    case VolumePreset::CtBone:
      colour->AddRGBPoint(lo, 0, 0, 0);
      colour->AddRGBPoint(lo + (hi - lo) * 0.5, 0.85, 0.7, 0.55);
      colour->AddRGBPoint(hi, 1, 1, 0.95);
      opacity->AddPoint(lo, 0.0);
      opacity->AddPoint(lo + (hi - lo) * (preset == VolumePreset::CtBone ? 0.6 : 0.45), 0.0);
      opacity->AddPoint(hi, 0.8);
      break;
    case VolumePreset::Fluoro:
      colour->AddRGBPoint(lo, 1.0, 0.55, 0.0);
      colour->AddRGBPoint(hi, 0.2, 0.2, 0.2);
      opacity->AddPoint(lo, 0.9);
      opacity->AddPoint(lo + (hi - lo) * 0.35, 0.0);
      opacity->AddPoint(hi, 0.0);
      break;
  }
  property_->SetColor(colour);
  property_->SetScalarOpacity(opacity);
  property_->SetInterpolationTypeToLinear();
  property_->ShadeOn();
}

unsigned VolumeView::render(int w, int h) {
  if (!series_ || w <= 0 || h <= 0) return 0;
  if (!initialised_) {
    window_->SetMultiSamples(0);  // the Linux default of 8 more than halves the frame rate
    window_->SetFrameBlitModeToNoBlit();
    window_->SetIsCurrent(true);  // without it Render() is silently skipped
    window_->InitializeFromCurrentContext();
    const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    cpu_ = !renderer || std::strstr(renderer, "llvmpipe") || std::strstr(renderer, "softpipe");
    if (cpu_) mapper_->SetRequestedRenderModeToRayCast();
    else mapper_->SetRequestedRenderModeToGPU();
    initialised_ = true;
  }
  window_->SetSize(w, h);
  // While the camera moves the ray caster may coarsen its sampling to keep up;
  // the next still frame is rendered at full quality.
  window_->SetDesiredUpdateRate(interacting_ ? 15.0 : 0.0001);
  interacting_ = false;
  window_->Render();
  auto* fbo = window_->GetDisplayFramebuffer();
  if (!fbo) return 0;
  vtkTextureObject* tex = fbo->GetColorAttachmentAsTextureObject(0);
  return tex ? tex->GetHandle() : 0;
}

void VolumeView::rotate(double dx, double dy) {
  interacting_ = true;
  vtkCamera* cam = renderer_->GetActiveCamera();
  cam->Azimuth(-dx);
  cam->Elevation(dy);
  cam->OrthogonalizeViewUp();
}

void VolumeView::zoom(double factor) {
  interacting_ = true;
  renderer_->GetActiveCamera()->Dolly(factor);
}

}  // namespace annulo::app
