#include "sr/MeasurementGroupWriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrimgvl.h>
#include <dcmtk/dcmsr/dsrnumvl.h>
#include <dcmtk/dcmsr/dsrsc3vl.h>
#include <dcmtk/dcmsr/dsrscovl.h>
#include <dcmtk/dcmsr/dsrtcovl.h>

#include <cmath>
#include <utility>

#include "sr/Codes.h"
#include "sr/SrValues.h"
#include "sr/TearCodes.h"
#include "sr/TearSummary.h"
#include "sr/TrackingIdentifier.h"

namespace annulo::sr {
namespace {

using RT = DSRTypes::E_RelationshipType;
constexpr RT kContains = DSRTypes::RT_contains;
constexpr RT kObsContext = DSRTypes::RT_hasObsContext;
constexpr RT kConceptMod = DSRTypes::RT_hasConceptMod;

std::string tearName(const TearAnnotation& tear) {
  return "tear " + (tear.id.empty() ? std::string("(no id)") : "'" + tear.id + "'");
}

Error tearError(const TearAnnotation& tear, const std::string& what) { return makeError(tearName(tear) + ": " + what); }

// Image reference checks (PS3.3 C.18.3.1: SCOORD is SELECTED FROM exactly one image;
// a multi-frame image needs the frame number in Referenced Frame Number).
Status completeImage(const TearAnnotation& tear, ImageReference& ref, const ImageIndex& index, bool required) {
  if (ref.sopInstanceUid.empty()) {
    if (required) return tearError(tear, "2D geometry without an image reference (SOP Instance UID)");
    return {};
  }
  const IndexedImage* image = index.find(ref.sopInstanceUid);
  if (!image)
    return tearError(tear, "references image " + ref.sopInstanceUid + ", which is not in any of the loaded series");
  if (ref.sopClassUid.empty()) ref.sopClassUid = image->firstSlice->sopClassUid;
  if (ref.seriesInstanceUid.empty()) ref.seriesInstanceUid = image->series->series.instanceUid;
  if (ref.studyInstanceUid.empty()) ref.studyInstanceUid = image->series->study.instanceUid;
  if (ref.sopClassUid != image->firstSlice->sopClassUid)
    return tearError(tear, "image " + ref.sopInstanceUid + " has SOP Class " + image->firstSlice->sopClassUid +
                               ", the tear says " + ref.sopClassUid);
  if (ref.seriesInstanceUid != image->series->series.instanceUid)
    return tearError(tear, "image " + ref.sopInstanceUid + " belongs to series " + image->series->series.instanceUid +
                               ", the tear says " + ref.seriesInstanceUid);
  const bool multiFrame = image->frames > 1 || image->series->multiFrame;
  if (multiFrame && ref.frameNumber <= 0)
    return tearError(tear, "image " + ref.sopInstanceUid + " is multi-frame (" + std::to_string(image->frames) +
                               " frames): a frame number (1-based) is required");
  if (ref.frameNumber < 0 || ref.frameNumber > image->frames)
    return tearError(tear, "frame " + std::to_string(ref.frameNumber) + " of image " + ref.sopInstanceUid +
                               " does not exist (" + std::to_string(image->frames) + " frames)");
  return {};
}

Status checkGeometry(const TearAnnotation& tear) {
  const TearGeometry& g = tear.geometry;
  const std::size_t n = g.points.size();
  switch (g.kind) {
    case GeometryKind::Point:
    case GeometryKind::Point3D:
      if (n != 1) return tearError(tear, "a point needs exactly 1 coordinate, has " + std::to_string(n));
      break;
    case GeometryKind::Polyline:
    case GeometryKind::Polyline3D:
      if (n < 2) return tearError(tear, "a polyline needs at least 2 points, has " + std::to_string(n));
      break;
    case GeometryKind::Polygon:
      if (n < 3) return tearError(tear, "a polygon needs at least 3 points, has " + std::to_string(n));
      break;
  }
  for (const auto& p : g.points)
    for (double v : p)
      if (!std::isfinite(v)) return tearError(tear, "geometry has a non-finite coordinate");
  if (g.is3D() && g.frameOfReferenceUid.empty())
    return tearError(tear, "3D geometry needs a frame of reference UID (SCOORD3D, PS3.3 C.18.9)");
  return {};
}

// ---- writing -------------------------------------------------------------

bool addText(ContentBuilder& b, RT rel, const char* conceptKey, const std::string& text) {
  return b.add(rel, DSRTypes::VT_Text, coded(conceptKey)) && b.check(b.item().setStringValue(text), conceptKey);
}

bool addCode(ContentBuilder& b, RT rel, const DSRCodedEntryValue& concept, const DSRCodedEntryValue& value) {
  return b.add(rel, DSRTypes::VT_Code, concept) && b.check(b.item().setCodeValue(value), describe(value));
}

bool addCode(ContentBuilder& b, RT rel, const char* conceptKey, const std::string& valueKey) {
  return addCode(b, rel, coded(conceptKey), coded(valueKey));
}

bool setImageValue(ContentBuilder& b, const std::string& sopClass, const std::string& sopInstance, int frame) {
  DSRImageReferenceValue* value = b.item().getImageReferencePtr();
  if (!value) return b.check(SR_EC_InvalidValue, "image reference");
  if (!b.check(value->setValue(DSRImageReferenceValue(sopClass.c_str(), sopInstance.c_str())),
               "image reference " + sopInstance))
    return false;
  if (frame > 0) value->getFrameList().addItem(frame);
  return true;
}

// SCOORD "SELECTED FROM" its image (PS3.3 C.18.6: the image the coordinates belong to).
bool addSelectedFrom(ContentBuilder& b, const ImageReference& image, int frame) {
  b.enter();
  const bool ok = b.addUnnamed(DSRTypes::RT_selectedFrom, DSRTypes::VT_Image) &&
                  setImageValue(b, image.sopClassUid, image.sopInstanceUid, frame);
  b.leave();
  return ok;
}

// The value of the SCOORD just added, and its SELECTED FROM image.
bool fillScoord(ContentBuilder& b, DSRTypes::E_GraphicType type, const std::vector<std::array<double, 3>>& points,
                bool close, const ImageReference& image) {
  DSRSpatialCoordinatesValue* value = b.item().getSpatialCoordinatesPtr();
  if (!value) return b.check(SR_EC_InvalidValue, "spatial coordinates");
  if (!b.check(value->setGraphicType(type), "graphic type")) return false;
  for (const auto& p : points) value->getGraphicDataList().addItem(float(toScoord(p[0])), float(toScoord(p[1])));
  if (close) value->getGraphicDataList().addItem(float(toScoord(points[0][0])), float(toScoord(points[0][1])));
  return addSelectedFrom(b, image, image.frameNumber);
}

bool addScoord(ContentBuilder& b, const DSRCodedEntryValue& concept, DSRTypes::E_GraphicType type,
               const std::vector<std::array<double, 3>>& points, bool close, const ImageReference& image) {
  return b.add(kContains, DSRTypes::VT_SCoord, concept) && fillScoord(b, type, points, close, image);
}

bool fillScoord3D(ContentBuilder& b, const TearGeometry& g) {
  DSRSpatialCoordinates3DValue* value = b.item().getSpatialCoordinates3DPtr();
  if (!value) return b.check(SR_EC_InvalidValue, "3D spatial coordinates");
  const auto type = g.kind == GeometryKind::Point3D ? DSRTypes::GT3_Point : DSRTypes::GT3_Polyline;
  if (!b.check(value->setGraphicType(type), "3D graphic type") ||
      !b.check(value->setFrameOfReferenceUID(g.frameOfReferenceUid.c_str()), "frame of reference UID"))
    return false;
  for (const auto& p : g.points) value->getGraphicDataList().addItem(float(p[0]), float(p[1]), float(p[2]));
  return true;
}

bool addScoord3D(ContentBuilder& b, const TearGeometry& g) {
  if (!b.add(kContains, DSRTypes::VT_SCoord3D, coded("concept.image-region")) || !fillScoord3D(b, g)) return false;
  // SCOORD3D has no SELECTED FROM; the image it was marked on is a sibling
  // IMAGE "Source" (TID 1501 row 'Source').
  if (g.image.sopInstanceUid.empty()) return true;
  return b.add(kContains, DSRTypes::VT_Image, coded("concept.source")) &&
         setImageValue(b, g.image.sopClassUid, g.image.sopInstanceUid, g.image.frameNumber);
}

bool addGeometry(ContentBuilder& b, const TearGeometry& g) {
  const auto concept = coded("concept.image-region");
  switch (g.kind) {
    case GeometryKind::Point:
      return addScoord(b, concept, DSRTypes::GT_Point, g.points, false, g.image);
    case GeometryKind::Polyline:
      return addScoord(b, concept, DSRTypes::GT_Polyline, g.points, false, g.image);
    case GeometryKind::Polygon:
      // 2D SCOORD has no POLYGON: a closed POLYLINE repeats the first point (PS3.3 C.18.6.1.2).
      return addScoord(b, concept, DSRTypes::GT_Polyline, g.points, true, g.image);
    case GeometryKind::Point3D:
    case GeometryKind::Polyline3D:
      return addScoord3D(b, g);
  }
  return false;
}

// The tear's geometry again, as the region a measurement was INFERRED FROM (TID 300 row
// 'INFERRED FROM' / TID 320): web viewers (Cornerstone3D's adapters, dwv in TID 1501 form)
// find a group's coordinates under its first measurement, not beside it. Unnamed: the
// group-level "Image Region" stays the one named region (TID 1410 form, read by dwv and us).
bool addInferredGeometry(ContentBuilder& b, const TearGeometry& g) {
  b.enter();
  bool ok;
  switch (g.kind) {
    case GeometryKind::Point:
    case GeometryKind::Polyline:
    case GeometryKind::Polygon: {
      const auto type = g.kind == GeometryKind::Point ? DSRTypes::GT_Point : DSRTypes::GT_Polyline;
      ok = b.addUnnamed(DSRTypes::RT_inferredFrom, DSRTypes::VT_SCoord) &&
           fillScoord(b, type, g.points, g.kind == GeometryKind::Polygon, g.image);
      break;
    }
    default:
      ok = b.addUnnamed(DSRTypes::RT_inferredFrom, DSRTypes::VT_SCoord3D) && fillScoord3D(b, g);
  }
  b.leave();
  return ok;
}

// `inferredFrom`: the geometry the value is INFERRED FROM (nullptr: none).
bool addNum(ContentBuilder& b, RT rel, const DSRCodedEntryValue& concept, double value, const char* unitKey,
            const TearGeometry* inferredFrom = nullptr) {
  if (!b.add(rel, DSRTypes::VT_Num, concept)) return false;
  DSRNumericMeasurementValue num(decimalString(value).c_str(), coded(unitKey));
  // Floating Point Value (0040,A161) keeps the exact double (PS3.3 C.18.1.2).
  if (!b.check(num.setFloatingPointRepresentation(value), "floating point value")) return false;
  if (!b.check(b.item().setNumericValue(num), "numeric value")) return false;
  return !inferredFrom || addInferredGeometry(b, *inferredFrom);
}

// The plane a length or area was measured in (model token, see SrValues.h):
// a CODE modifier for the known tokens, the raw text otherwise (nothing is dropped).
bool addCalibration(ContentBuilder& b, const std::string& calibration) {
  if (calibration.empty()) return true;
  b.enter();
  bool ok;
  if (isKnownCalibrationToken(calibration))
    ok = addCode(b, kConceptMod, "concept.calibration", "calibration." + calibration);
  else
    ok = addText(b, kConceptMod, "concept.calibration", calibration);
  b.leave();
  return ok;
}

bool addLeakOnset(ContentBuilder& b, const TearAnnotation& tear, const LeakFigures& leak, const GroupContext& ctx) {
  if (!leak.onsetFrame) return true;
  const ImageReference& image = tear.geometry.image;
  // Referenced Time Offsets are seconds from the start of the cine (PS3.3 C.18.7.1.1).
  double seconds = 0;
  if (leak.onsetMs) {
    seconds = *leak.onsetMs / 1000.0;
  } else if (const SliceInfo* slice = ctx.index->slice(image.sopInstanceUid, *leak.onsetFrame)) {
    seconds = slice->timeMs / 1000.0;
  }
  if (!b.add(kContains, DSRTypes::VT_TCoord, coded("concept.leak-onset"))) return false;
  DSRTemporalCoordinatesValue* value = b.item().getTemporalCoordinatesPtr();
  if (!value) return b.check(SR_EC_InvalidValue, "temporal coordinates");
  if (!b.check(value->setTemporalRangeType(DSRTypes::TRT_Point), "temporal range type")) return false;
  value->getTimeOffsetList().addItem(seconds);
  return addSelectedFrom(b, image, *leak.onsetFrame);
}

// The SEG a tear's leak figures come from: its own, else the one exported with
// this report when the tear has leak figures and lies on the SEG's source series.
// Tears without figures (or on another series, e.g. MR) reference no segment.
std::string linkedSegmentation(const TearAnnotation& tear, const GroupContext& ctx) {
  if (!tear.leakFigures) return {};
  if (!tear.leakFigures->segmentationSopInstanceUid.empty()) return tear.leakFigures->segmentationSopInstanceUid;
  if (!ctx.seg.sourceSeriesInstanceUid.empty() &&
      ctx.seg.sourceSeriesInstanceUid != tear.geometry.image.seriesInstanceUid)
    return {};
  return ctx.seg.sopInstanceUid;
}

// Length (TID 300) of a two-point line, which Cornerstone3D's Length tool needs as its
// measurement: in the image's calibration for 2D, in patient mm for 3D. Derived from the
// geometry, so the model keeps no copy (import recognises and skips it).
bool addLineLength(ContentBuilder& b, const TearAnnotation& tear, const GroupContext& ctx) {
  const TearGeometry& g = tear.geometry;
  if (g.points.size() != 2 || (g.kind != GeometryKind::Polyline && g.kind != GeometryKind::Polyline3D)) return true;
  const auto& p = g.points[0];
  const auto& q = g.points[1];
  double length;
  std::string calibration;
  if (g.is3D()) {
    length = std::sqrt(std::pow(q[0] - p[0], 2) + std::pow(q[1] - p[1], 2) + std::pow(q[2] - p[2], 2));
  } else {
    const IndexedImage* image = ctx.index->find(g.image.sopInstanceUid);
    const Vec3& spacing = image->series->spacing;
    length = std::hypot((q[0] - p[0]) * spacing[0], (q[1] - p[1]) * spacing[1]);
    calibration = calibrationName(image->series->calibration.kind);
  }
  return addNum(b, kContains, coded("concept.length"), length, "unit.mm", &g) && addCalibration(b, calibration);
}

bool addLeakFigures(ContentBuilder& b, const TearAnnotation& tear, const GroupContext& ctx) {
  const std::string segUid = linkedSegmentation(tear, ctx);
  // Only the first measurement needs the geometry below it (what the readers look at).
  bool inferred = tear.geometry.points.size() == 2 &&
                  (tear.geometry.kind == GeometryKind::Polyline || tear.geometry.kind == GeometryKind::Polyline3D);
  auto inferFrom = [&]() -> const TearGeometry* { return std::exchange(inferred, true) ? nullptr : &tear.geometry; };
  if (tear.leakFigures) {
    const LeakFigures& leak = *tear.leakFigures;
    if (leak.areaMm2 && !(addNum(b, kContains, coded("concept.area"), *leak.areaMm2, "unit.mm2", inferFrom()) &&
                          addCalibration(b, leak.calibration)))
      return false;
    if (leak.calibration.size() && !leak.areaMm2) {
      // No area to hang it on: the calibration still travels, as a group-level modifier.
      if (isKnownCalibrationToken(leak.calibration)) {
        if (!addCode(b, kConceptMod, "concept.calibration", "calibration." + leak.calibration)) return false;
      } else if (!addText(b, kConceptMod, "concept.calibration", leak.calibration)) {
        return false;
      }
    }
    if (leak.onsetMs && !addNum(b, kContains, coded("concept.leak-onset-time"), *leak.onsetMs, "unit.ms", inferFrom()))
      return false;
    if (!addLeakOnset(b, tear, leak, ctx)) return false;
    if (leak.exitDirectionDeg &&
        !addNum(b, kContains, coded("concept.leak-exit-direction"), *leak.exitDirectionDeg, "unit.deg", inferFrom()))
      return false;
  }
  if (segUid.empty()) return true;
  if (segUid == ctx.seg.sopInstanceUid && !ctx.seg.seriesInstanceUid.empty()) {
    // TID 1411 row 'Referenced Segment': the SEG instance and the leak segment.
    if (!b.add(kContains, DSRTypes::VT_Image, coded("concept.referenced-segment")) ||
        !setImageValue(b, UID_SegmentationStorage, segUid, 0))
      return false;
    b.item().getImageReferencePtr()->getSegmentList().addItem(Uint16(ctx.seg.leakSegmentNumber));
    return true;
  }
  // A SEG we know only by UID cannot be listed in the evidence: keep the UID as a UIDREF.
  if (ctx.warnings)
    ctx.warnings->push_back(tearName(tear) + ": segmentation " + segUid +
                            " is not the one exported with this report; stored as a UID only");
  return b.add(kContains, DSRTypes::VT_UIDRef, coded("concept.leak-segmentation")) &&
         b.check(b.item().setStringValue(segUid.c_str()), "segmentation UID");
}

// Unset values are left out: an unassessed leak pattern is not "no contrast leak",
// an untested pain response is not recorded (absent on import = not assessed / not tested).
bool addQualitative(ContentBuilder& b, const TearAnnotation& tear) {
  if (!addCode(b, kContains, "concept.tear-type", key(tear.type))) return false;
  if (!addCode(b, kContains, "concept.dallas-grade", gradeKey(tear.grade))) return false;
  if (tear.clock && !addCode(b, kContains, "concept.clock", clockKey(*tear.clock))) return false;
  if (tear.zone && !addCode(b, kContains, "concept.zone", key(*tear.zone))) return false;
  if (tear.leak != LeakPattern::NotAssessed && !addCode(b, kContains, "concept.leak-pattern", key(tear.leak)))
    return false;
  return tear.pain == PainResponse::NotTested || addCode(b, kContains, "concept.pain-response", key(tear.pain));
}

bool addCatheter(ContentBuilder& b, const TearAnnotation& tear) {
  if (!tear.catheter) return true;
  const CatheterPlan& plan = *tear.catheter;
  if (!b.add(kContains, DSRTypes::VT_Container, coded("container.catheter-plan")) ||
      !b.check(b.item().setContinuityOfContent(DSRTypes::COC_Separate), "continuity of content"))
    return false;
  b.enter();
  const bool ok = addScoord(b, coded("concept.catheter-target"), DSRTypes::GT_Point,
                            {{plan.target[0], plan.target[1], 0}}, false, tear.geometry.image) &&
                  addScoord(b, coded("concept.catheter-entry"), DSRTypes::GT_Point, {{plan.entry[0], plan.entry[1], 0}},
                            false, tear.geometry.image) &&
                  addNum(b, kContains, coded("concept.catheter-length"), plan.lengthMm, "unit.mm") &&
                  addCalibration(b, plan.calibration);
  b.leave();
  return ok;
}

bool addObservationContext(ContentBuilder& b, const TearAnnotation& tear) {
  // TID 1501 row 2-3 (TID 4108 tracking identifier and UID); the identifier names the
  // Cornerstone3D tool for the geometry and ends with our label (TrackingIdentifier.h).
  if (!addText(b, kObsContext, "concept.tracking-identifier", trackingIdentifierText(tear.geometry, tear.id)))
    return false;
  if (!tear.trackingUid.empty() && !(b.add(kObsContext, DSRTypes::VT_UIDRef, coded("concept.tracking-uid")) &&
                                     b.check(b.item().setStringValue(tear.trackingUid.c_str()), "tracking UID")))
    return false;
  // TID 1002 observer context for this group: who marked the tear.
  if (!tear.observer.empty() && !(addCode(b, kObsContext, "concept.observer-type", "observer-type.person") &&
                                  b.add(kObsContext, DSRTypes::VT_PName, coded("concept.person-observer-name")) &&
                                  b.check(b.item().setStringValue(tear.observer.c_str()), "person observer name")))
    return false;
  return true;
}

// PS3.3 C.8.7.10 / C.8.19.6: lengths on a projection image are in the plane the
// spacing refers to; the report says which one (detector or magnification-corrected).
void completeCalibration(const TearAnnotation& tear, std::string& calibration, const Series& series, const char* what,
                         std::vector<std::string>* warnings) {
  const std::string fromSeries = calibrationName(series.calibration.kind);
  if (calibration.empty()) {
    calibration = fromSeries;
  } else if (calibration != fromSeries && warnings) {
    warnings->push_back(tearName(tear) + ": " + what + " calibration '" + calibration + "' differs from the series' '" +
                        fromSeries + "'; the tear's value is reported");
  }
}

}  // namespace

Result<TearAnnotation> resolveTear(const TearAnnotation& in, const ImageIndex& index,
                                   std::vector<std::string>* warnings) {
  TearAnnotation tear = in;
  if (Status s = checkGeometry(tear); !s) return s.error();
  const bool is2D = !tear.geometry.is3D();
  if (Status s = completeImage(tear, tear.geometry.image, index, is2D); !s) return s.error();
  if (tear.grade < 0 || tear.grade > 5)
    return tearError(tear, "modified Dallas grade " + std::to_string(tear.grade) + " is not 0-5");
  if (tear.clock && (*tear.clock < 1 || *tear.clock > 12))
    return tearError(tear, "clock position " + std::to_string(*tear.clock) + " is not 1-12");
  const bool hasImage = !tear.geometry.image.sopInstanceUid.empty();
  if (tear.catheter && !hasImage)
    return tearError(tear, "the catheter plan is in image pixels but the tear has no image reference");
  if (tear.leakFigures && tear.leakFigures->onsetFrame) {
    if (!hasImage) return tearError(tear, "leak onset frame given but the tear has no image reference");
    const IndexedImage* image = index.find(tear.geometry.image.sopInstanceUid);
    const int frame = *tear.leakFigures->onsetFrame;
    if (frame < 1 || frame > image->frames)
      return tearError(tear,
                       "leak onset frame " + std::to_string(frame) + " is outside 1-" + std::to_string(image->frames));
  }
  if (const IndexedImage* image = hasImage ? index.find(tear.geometry.image.sopInstanceUid) : nullptr) {
    if (tear.leakFigures && (tear.leakFigures->areaMm2 || !tear.leakFigures->calibration.empty()))
      completeCalibration(tear, tear.leakFigures->calibration, *image->series, "leak area", warnings);
    if (tear.catheter) completeCalibration(tear, tear.catheter->calibration, *image->series, "catheter", warnings);
  }
  return tear;
}

Status writeMeasurementGroup(ContentBuilder& b, const TearAnnotation& tear, const GroupContext& ctx) {
  // TID 1500 row 6 -> Measurement Group container.
  if (!b.add(kContains, DSRTypes::VT_Container, coded("container.measurement-group"))) return b.status();
  b.check(b.item().setContinuityOfContent(DSRTypes::COC_Separate), "continuity of content");
  bool observedAtAsText = false;
  if (!tear.observedAt.empty()) {
    // Observation DateTime (0040,A032) of the group when the text converts exactly.
    if (auto dt = isoToDicomDateTime(tear.observedAt))
      b.check(b.item().setObservationDateTime(dt->c_str()), "observation date-time");
    else
      observedAtAsText = true;
  }
  b.enter();
  const bool ok =
      addObservationContext(b, tear) &&
      (!observedAtAsText || addText(b, kObsContext, "concept.observed-at", tear.observedAt)) &&
      addCode(b, kContains, coded("concept.finding"), coded("finding.annular-tear")) &&
      (tear.level.empty() || addCode(b, kConceptMod, coded("concept.finding-site"), discLevelCode(tear.level))) &&
      addGeometry(b, tear.geometry) && addLineLength(b, tear, ctx) && addLeakFigures(b, tear, ctx) &&
      addQualitative(b, tear) && addText(b, kContains, "concept.comment", commentText(tear)) && addCatheter(b, tear);
  b.leave();
  if (!ok || !b.ok()) return makeError(tearName(tear) + ": " + b.status().message());
  return {};
}

}  // namespace annulo::sr
