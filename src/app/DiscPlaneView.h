#pragma once
// The "disc plane" layout: the shown (sagittal) image on the left, where the reader
// lays a disc's plane with two clicks (anterior, then posterior margin at mid-height),
// and the oblique axial through that plane on the right (VolumeReslicer, drawn with
// the GLSL window/level pass), with the clock face of docs/codes.md, the zone guides
// and the tears near the plane. A click on the oblique view in tear mode places a
// tear there (SCOORD3D, patient coordinates) with its clock hour and zone proposed.
// Keys (over either view): Up/Down tilt the plane about its left axis, Left/Right
// roll it, O resets it to the orthogonal axial, N goes to the next disc with a plane,
// M toggles tear mode, S cycles a 5 / 10 mm MIP slab. Dragging on the oblique view with the right button rotates.
// Planes are kept per level in the session (AnnotationModel::setDiscPlane).

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "AppState.h"
#include "SliceRenderer.h"
#include "annulo/processing/HizDetector.h"
#include "annulo/render/VolumeReslicer.h"

namespace annulo::app {

class DiscPlaneView {
 public:
  DiscPlaneView();
  ~DiscPlaneView();
  // hiz: the HIZ candidates of the shown series (nullptr: none searched); those within
  // the plane's reach (3 mm, or half the slab) are drawn with their clock hour.
  void draw(AppState& st, float w, float h, const std::vector<HizCandidate>* hiz = nullptr);
  // Script step "disc-plane LEVEL X1,Y1 X2,Y2": the two margin clicks in image pixels
  // of the shown frame. Saves the plane in the session.
  Status place(AppState& st, const std::string& value);
  // Script step "disc-rotate ABOUT_LEFT_DEG,ABOUT_BACK_DEG" / "disc-reset".
  // save = false: the plane moves in this view only (while dragging; saved on release).
  Status rotate(AppState& st, double aboutLeftDeg, double aboutBackDeg, bool save = true);
  Status reset(AppState& st);
  // Script step "disc-mark on|off": clicks on the oblique view place tears (key M).
  void setTearMode(bool on) { tearMode_ = on; }
  // Screenshot sidecar: where the oblique view is, the plane, the clock-face centre.
  nlohmann::json sidecar(const AppState& st) const;

 private:
  const DiscPlane* plane(const AppState& st) const;
  void drawNative(AppState& st, const Series& s, float w, float h);
  void drawOblique(AppState& st, const Series& s, const DiscPlane& p, float w, float h);
  void drawHiz(const DiscPlane& p, const std::function<ImVec2(const Vec3&)>& at, ImDrawList* dl);
  void handleKeys(AppState& st);
  Status save(AppState& st, DiscPlane p);

  SliceRenderer native_, oblique_;
  std::unique_ptr<VolumeReslicer> reslicer_;
  const Series* reslicerSeries_ = nullptr;
  std::vector<std::uint8_t> obliqueLabels_;
  std::uint64_t obliqueVersion_ = 0;
  std::optional<DiscPlane> live_;   // the plane being dragged, not saved yet
  std::optional<DiscPlane> shown_;  // the plane the oblique image was cut at
  std::vector<Vec2> clicks_;        // margin clicks so far (image pixels)
  bool tearMode_ = false;
  double slabMm_ = 0;  // S cycles 0 (a plane), 5, 10 mm maximum-intensity slab
  double resliceMs_ = 0;
  float obliqueX_ = 0, obliqueY_ = 0, nativeX_ = 0, nativeY_ = 0;
  ViewGeometry nativeGeometry_;
  ViewGeometry obliqueGeometry_;
  PlaneGrid grid_;
  const std::vector<HizCandidate>* hiz_ = nullptr;  // this frame's, from draw()
  struct ShownHiz {
    float x, y;
    int clock;
    double distanceMm;
  };
  std::vector<ShownHiz> shownHiz_;  // drawn last frame (window pixels), for the sidecar
};

}  // namespace annulo::app
