#include "VolumeView.h"

#include <GL/glew.h>
#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkColorTransferFunction.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkImageImport.h>
#include <vtkImageShrink3D.h>
#include <vtkMatrix4x4.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSmartVolumeMapper.h>
#include <vtkSphereSource.h>
#include <vtkTextureObject.h>
#include <vtkTubeFilter.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "annulo/render/LabelSurface.h"
#include "annulo/render/VolumeReduction.h"

namespace annulo::app {

const char* presetName(VolumePreset p) {
  switch (p) {
    case VolumePreset::MrT2:
      return "MR T2 (fluid and nuclei bright)";
    case VolumePreset::CtBone:
      return "CT bone";
    case VolumePreset::Fluoro:
      return "Contrast (dark) in a cine stack";
  }
  return "?";
}

const char* labelDisplayName(LabelDisplay d) {
  switch (d) {
    case LabelDisplay::Surface:
      return "surface (in the volume)";
    case LabelDisplay::Overlay:
      return "overlay (on top)";
    case LabelDisplay::Off:
      return "off";
  }
  return "?";
}

VolumeView::VolumeView() {
  volume_->SetMapper(mapper_);
  volume_->SetProperty(property_);
  renderer_->AddVolume(volume_);
  renderer_->SetBackground(0.02, 0.02, 0.03);
  renderer_->SetBackgroundAlpha(1.0);  // else ImGui's window shows through
  // The overlay layer shares the camera and keeps its own (cleared) depth buffer,
  // so what it holds is never hidden by the volume.
  window_->SetNumberOfLayers(2);
  overlay_->SetLayer(1);
  overlay_->SetActiveCamera(renderer_->GetActiveCamera());
  overlay_->InteractiveOff();
  window_->AddRenderer(renderer_);
  window_->AddRenderer(overlay_);
}

VolumeView::~VolumeView() = default;

// Above ~32 M voxels (a 1024^2 x 120 cine is 126 M) the CPU ray caster drops below
// 10 fps, and its input plus shading gradients (3 bytes a voxel) would be a second
// large copy of a long cine: it renders a block average instead (VolumeReduction.h:
// speed and memory budgets); labels and markers stay exact.
void VolumeView::chooseInput() {
  if (!series_) return;
  const VolumeReduction r = cpu_ ? volumeReductionFor(std::size_t(series_->columns), std::size_t(series_->rows),
                                                      series_->sliceCount(), bytesPerSample(series_->sampleType))
                                 : VolumeReduction{};
  reduced_ = r.reduced();
  if (reduced_) {
    shrink_->SetInputConnection(import_->GetOutputPort());
    shrink_->SetShrinkFactors(r.inPlane, r.inPlane, r.depth);
    shrink_->AveragingOn();
    mapper_->SetInputConnection(shrink_->GetOutputPort());
  } else {
    mapper_->SetInputConnection(import_->GetOutputPort());
    shrink_->RemoveAllInputConnections(0);  // its output (the last reduced copy) goes
    shrink_->GetOutput()->Initialize();
  }
}

void VolumeView::setSeries(const Series& s) {
  if (&s == series_) return;
  if (series_) {  // keep the camera of the series that goes
    vtkCamera* cam = renderer_->GetActiveCamera();
    CameraPose pose{};
    cam->GetPosition(pose.position);
    cam->GetFocalPoint(pose.focal);
    cam->GetViewUp(pose.up);
    pose.angle = cam->GetViewAngle();
    cameras_[series_] = pose;
  }
  series_ = &s;
  // A cine's frames are instants, not slices: its stack is made about half as
  // deep as it is wide, whatever the frame count, so growth over time reads as shape.
  timeStack_ = !s.hasPatientGeometry && s.multiFrame;
  spacing_ = {s.spacing[0], s.spacing[1], s.spacing[2]};
  if (timeStack_ && s.sliceCount() > 1)
    spacing_[2] = 0.6 * std::max(s.columns * s.spacing[0], s.rows * s.spacing[1]) / double(s.sliceCount() - 1);
  import_->SetImportVoidPointer(const_cast<std::uint8_t*>(s.pixels.data()), 1);  // 1: VTK must not free it
  switch (s.sampleType) {
    case SampleType::UInt8:
      import_->SetDataScalarTypeToUnsignedChar();
      break;
    case SampleType::Int8:
      import_->SetDataScalarType(VTK_SIGNED_CHAR);
      break;
    case SampleType::UInt16:
      import_->SetDataScalarTypeToUnsignedShort();
      break;
    case SampleType::Int16:
      import_->SetDataScalarTypeToShort();
      break;
    case SampleType::UInt32:
      import_->SetDataScalarType(VTK_UNSIGNED_INT);
      break;
    case SampleType::Int32:
      import_->SetDataScalarTypeToInt();
      break;
  }
  import_->SetNumberOfScalarComponents(1);
  import_->SetWholeExtent(0, s.columns - 1, 0, s.rows - 1, 0, int(s.sliceCount()) - 1);
  import_->SetDataExtentToWholeExtent();
  import_->SetDataSpacing(spacing_[0], spacing_[1], spacing_[2]);
  import_->SetDataOrigin(0, 0, 0);
  import_->Modified();
  chooseInput();
  mapper_->SetInteractiveUpdateRate(10.0);
  labels_ = nullptr;
  surfacesStale_ = true;
  markers_.clear();
  for (auto& a : markerActors_) overlay_->RemoveActor(a);
  markerActors_.clear();
  auto saved = cameras_.find(&s);
  if (saved == cameras_.end()) {
    resetCamera();
    return;
  }
  vtkCamera* cam = renderer_->GetActiveCamera();
  cam->SetPosition(saved->second.position);
  cam->SetFocalPoint(saved->second.focal);
  cam->SetViewUp(saved->second.up);
  cam->SetViewAngle(saved->second.angle);
}

// The fit depends on the view's aspect (ResetCamera fits the bounding sphere into the
// narrower field of view), so it waits for render(), which knows the size.
void VolumeView::resetCamera() { cameraFitPending_ = true; }

void VolumeView::fitCamera() {
  renderer_->ResetCamera();
  // DICOM row 0 is the top of the image; VTK's y axis points up.
  vtkCamera* cam = renderer_->GetActiveCamera();
  cam->SetViewUp(0, -1, 0);
  cam->Azimuth(30);
  cam->Elevation(15);
  renderer_->ResetCamera();
  // ResetCamera fits the bounding sphere: the box's corners need less margin, but in a
  // view narrower than tall the sphere is fitted to the width, with no margin to spare.
  const double aspect = height_ > 0 ? double(width_) / height_ : 1.0;
  cam->Dolly(1.0 + 0.35 * std::clamp(aspect * aspect, 0.0, 1.0));
}

std::array<double, 9> VolumeView::viewRotation() const {
  std::array<double, 9> out{};
  vtkMatrix4x4* m = renderer_->GetActiveCamera()->GetViewTransformMatrix();
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) out[std::size_t(r * 3 + c)] = m->GetElement(r, c);
  return out;
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
      // Contrast in neutral ivory: the label surfaces carry the colours.
      colour->AddRGBPoint(lo, 0.95, 0.92, 0.85);
      colour->AddRGBPoint(hi, 0.3, 0.3, 0.3);
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

void VolumeView::setLabels(const std::uint8_t* labels, std::uint64_t version) {
  if (labels == labels_ && version == labelsVersion_ && !surfacesStale_) return;
  labels_ = labels;
  labelsVersion_ = version;
  surfacesStale_ = true;
}

void VolumeView::setLabelStyle(LabelDisplay display, float opacity, const float intradiscal[3], const float leak[3]) {
  const std::array<float, 3> a{intradiscal[0], intradiscal[1], intradiscal[2]}, b{leak[0], leak[1], leak[2]};
  if (display == display_ && opacity == opacity_ && a == colours_[0] && b == colours_[1]) return;
  display_ = display;
  opacity_ = opacity;
  colours_[0] = a;
  colours_[1] = b;
  placeSurfaces();
}

void VolumeView::buildSurfaces() {
  surfacesStale_ = false;
  for (auto& a : surfaces_) {
    renderer_->RemoveActor(a);
    overlay_->RemoveActor(a);
  }
  surfaces_.clear();
  surfaceInfo_.clear();
  if (!series_ || !labels_) return;
  const auto t0 = std::chrono::steady_clock::now();
  const LabelGrid grid{labels_, series_->columns, series_->rows, int(series_->sliceCount()), spacing_};
  for (std::uint8_t label : {std::uint8_t(1), std::uint8_t(2)}) {
    LabelSurfaceInfo info;
    info.label = label;
    const VoxelBox box = labelBounds(grid, label, &info.voxels);
    if (box.empty()) continue;
    info.anchor = labelAnchor(grid, label, box);
    vtkSmartPointer<vtkPolyData> surface = labelSurface(grid, label, box);
    info.triangles = std::size_t(surface->GetNumberOfPolys());
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(surface);
    mapper->ScalarVisibilityOff();
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetSpecular(0.3);
    actor->GetProperty()->SetSpecularPower(20);
    surfaces_.push_back(actor);
    surfaceInfo_.push_back(info);
  }
  surfaceBuildMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  placeSurfaces();
}

// Surface: opaque and depth-sorted with the volume (the CPU ray caster stops rays
// at opaque geometry). Overlay: translucent, in the top layer.
void VolumeView::placeSurfaces() {
  for (std::size_t i = 0; i < surfaces_.size(); ++i) {
    vtkActor* a = surfaces_[i];
    renderer_->RemoveActor(a);
    overlay_->RemoveActor(a);
    const auto& c = colours_[surfaceInfo_[i].label == 1 ? 0 : 1];
    a->GetProperty()->SetColor(c[0], c[1], c[2]);
    a->GetProperty()->SetOpacity(display_ == LabelDisplay::Overlay ? opacity_ : 1.0);
    // An overlay must read as its colour from every side, grazing faces included.
    a->GetProperty()->SetAmbient(display_ == LabelDisplay::Overlay ? 0.5 : 0.2);
    a->GetProperty()->SetDiffuse(display_ == LabelDisplay::Overlay ? 0.6 : 0.8);
    if (display_ == LabelDisplay::Surface) renderer_->AddActor(a);
    if (display_ == LabelDisplay::Overlay) overlay_->AddActor(a);
  }
}

vtkSmartPointer<vtkActor> VolumeView::markerActor(const Marker3D& m) const {
  const double ex = series_->columns * spacing_[0], ey = series_->rows * spacing_[1],
               ez = double(series_->sliceCount()) * spacing_[2];
  const double radius = 0.01 * std::sqrt(ex * ex + ey * ey + ez * ez);
  auto world = [&](const Voxel& v) {
    return std::array<double, 3>{v[0] * spacing_[0], v[1] * spacing_[1], v[2] * spacing_[2]};
  };
  vtkNew<vtkPolyDataMapper> mapper;
  if (m.voxels.size() == 1) {
    vtkNew<vtkSphereSource> sphere;
    const auto c = world(m.voxels[0]);
    sphere->SetCenter(c[0], c[1], c[2]);
    sphere->SetRadius(radius);
    sphere->SetThetaResolution(16);
    sphere->SetPhiResolution(12);
    mapper->SetInputConnection(sphere->GetOutputPort());
  } else {
    vtkNew<vtkPoints> points;
    for (const auto& v : m.voxels) {
      const auto c = world(v);
      points->InsertNextPoint(c[0], c[1], c[2]);
    }
    vtkNew<vtkCellArray> lines;
    const vtkIdType n = vtkIdType(m.voxels.size());
    lines->InsertNextCell(n + (m.closed ? 1 : 0));
    for (vtkIdType i = 0; i < n; ++i) lines->InsertCellPoint(i);
    if (m.closed) lines->InsertCellPoint(0);
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(points);
    poly->SetLines(lines);
    vtkNew<vtkTubeFilter> tube;
    tube->SetInputData(poly);
    tube->SetRadius(radius * 0.4);
    tube->SetNumberOfSides(10);
    tube->CappingOn();
    mapper->SetInputConnection(tube->GetOutputPort());
  }
  auto actor = vtkSmartPointer<vtkActor>::New();
  actor->SetMapper(mapper);
  actor->GetProperty()->SetColor(m.colour[0], m.colour[1], m.colour[2]);
  actor->GetProperty()->SetAmbient(0.35);
  return actor;
}

void VolumeView::setMarkers(const std::vector<Marker3D>& markers) {
  if (markers == markers_) return;
  markers_ = markers;
  for (auto& a : markerActors_) overlay_->RemoveActor(a);
  markerActors_.clear();
  for (const auto& m : markers_) {
    if (m.voxels.empty()) continue;
    markerActors_.push_back(markerActor(m));
    overlay_->AddActor(markerActors_.back());
  }
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
    if (cpu_)
      mapper_->SetRequestedRenderModeToRayCast();
    else
      mapper_->SetRequestedRenderModeToGPU();
    chooseInput();
    initialised_ = true;
  }
  if (surfacesStale_) buildSurfaces();
  window_->SetSize(w, h);
  width_ = w;
  height_ = h;
  if (cameraFitPending_) {
    fitCamera();
    cameraFitPending_ = false;
  }
  // While the camera moves the ray caster may coarsen its sampling to keep up;
  // the next still frame is rendered at full quality.
  window_->SetDesiredUpdateRate(interacting_ ? 15.0 : 0.0001);
  interacting_ = false;
  renderer_->ResetCameraClippingRange();
  window_->Render();
  auto* fbo = window_->GetDisplayFramebuffer();
  if (!fbo) return 0;
  vtkTextureObject* tex = fbo->GetColorAttachmentAsTextureObject(0);
  return tex ? tex->GetHandle() : 0;
}

std::optional<std::array<double, 2>> VolumeView::project(const Voxel& v) const {
  if (!series_ || width_ <= 0) return std::nullopt;
  renderer_->SetWorldPoint(v[0] * spacing_[0], v[1] * spacing_[1], v[2] * spacing_[2], 1.0);
  renderer_->WorldToDisplay();
  double d[3];
  renderer_->GetDisplayPoint(d);
  if (d[2] < 0 || d[2] > 1) return std::nullopt;               // outside the clipping range
  return std::array<double, 2>{d[0], double(height_) - d[1]};  // display y runs bottom-up
}

std::array<double, 16> VolumeView::worldToNdc() const {
  std::array<double, 16> out{};
  if (width_ <= 0 || height_ <= 0) return out;
  vtkMatrix4x4* m =
      renderer_->GetActiveCamera()->GetCompositeProjectionTransformMatrix(double(width_) / height_, -1, 1);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) out[std::size_t(r * 4 + c)] = m->GetElement(r, c);
  return out;
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
