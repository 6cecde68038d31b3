#include "sr/MeasurementGroupReader.h"

#include <dcmtk/dcmsr/dsrcodvl.h>
#include <dcmtk/dcmsr/dsrimgvl.h>
#include <dcmtk/dcmsr/dsrnumvl.h>
#include <dcmtk/dcmsr/dsrsc3vl.h>
#include <dcmtk/dcmsr/dsrscovl.h>
#include <dcmtk/dcmsr/dsrtcovl.h>

#include <cmath>
#include <set>

#include "sr/Codes.h"
#include "sr/SrValues.h"
#include "sr/TearCodes.h"
#include "sr/TearSummary.h"
#include "sr/TrackingIdentifier.h"

namespace annulo::sr {
namespace {

using Point = std::array<double, 3>;

std::string str(const OFString& s) { return s.c_str(); }

class GroupReader {
 public:
  GroupReader(std::string label, const GroupReadContext& ctx) : label_(std::move(label)), ctx_(ctx) {}

  std::optional<TearAnnotation> read(Node* group) {
    const auto items = childrenOf(group);
    if (items.empty()) {
      warn("has no content items (no tracking identifier, finding or geometry); skipped");
      return std::nullopt;
    }
    // The tracking identifier names the group in messages, wherever it is.
    for (Node* n : items)
      if (is(n->getConceptName(), "concept.tracking-identifier"))
        if (auto s = stringValue(n)) {
          const auto parsed = parseTrackingIdentifier(*s);
          tear_.id = parsed.label;
          toolType_ = parsed.toolType;
        }
    if (!group->getObservationDateTime().empty()) {
      if (auto iso = dicomDateTimeToIso(str(group->getObservationDateTime())))
        tear_.observedAt = *iso;
      else
        note("Observation DateTime \"" + str(group->getObservationDateTime()) + "\" is not a valid DT");
    }
    for (Node* n : items)
      if (n->getValueType() == DSRTypes::VT_Num)
        for (Node* child : childrenOf(n))
          if (inferredGeometry(child)) inferred_.push_back(child), consumed_.insert(child);
    for (Node* n : items) item(n);
    finish();
    return tear_;
  }

 private:
  // ---- messages -----------------------------------------------------------
  std::string prefix() const { return label_ + (tear_.id.empty() ? "" : " ('" + tear_.id + "')") + ": "; }
  void warn(const std::string& text) const {
    if (ctx_.warnings) ctx_.warnings->push_back(prefix() + text);
  }
  void note(const std::string& text) const {
    if (ctx_.unmapped) ctx_.unmapped->push_back(prefix() + text);
  }
  // The item and everything below it: nothing is dropped without a line.
  void unmapped(Node* n) const {
    if (ctx_.unmapped) describeSubtree(n, prefix(), *ctx_.unmapped, &consumed_);
  }
  void unmappedChildren(Node* n) const {
    for (Node* child : childrenOf(n)) unmapped(child);
  }
  // Value type check for a recognised concept: a mismatch is a warning and the item stays unmapped.
  bool expect(Node* n, std::initializer_list<DSRTypes::E_ValueType> types) const {
    for (auto t : types)
      if (n->getValueType() == t) return true;
    warn("\"" + str(n->getConceptName().getCodeMeaning()) + "\" has value type " + valueTypeName(n) + ", expected " +
         DSRTypes::valueTypeToDefinedTerm(*types.begin()) + "; not imported");
    unmapped(n);
    return false;
  }

  LeakFigures& leak() {
    if (!tear_.leakFigures) tear_.leakFigures.emplace();
    return *tear_.leakFigures;
  }

  // ---- dispatch -----------------------------------------------------------
  void item(Node* n) {
    const auto key = keyOf(n->getConceptName()).value_or("");
    const auto vt = n->getValueType();
    if (key == "concept.tracking-identifier") {
      if (expect(n, {DSRTypes::VT_Text})) unmappedChildren(n);
    } else if (key == "concept.tracking-uid") {
      if (expect(n, {DSRTypes::VT_UIDRef})) {
        tear_.trackingUid = *stringValue(n);
        unmappedChildren(n);
      }
    } else if (key == "concept.observer-type") {
      if (expect(n, {DSRTypes::VT_Code}) && !is(*codeValue(n), "observer-type.person")) unmapped(n);
    } else if (key == "concept.person-observer-name") {
      if (expect(n, {DSRTypes::VT_PName, DSRTypes::VT_Text})) {
        tear_.observer = *stringValue(n);
        unmappedChildren(n);
      }
    } else if (key == "concept.observed-at") {
      if (expect(n, {DSRTypes::VT_Text})) tear_.observedAt = *stringValue(n);
    } else if (key == "concept.finding") {
      if (expect(n, {DSRTypes::VT_Code})) finding(n);
    } else if (key == "concept.finding-site" || key == "concept.anatomical-position") {
      if (expect(n, {DSRTypes::VT_Code})) site(n);
    } else if (vt == DSRTypes::VT_SCoord || vt == DSRTypes::VT_SCoord3D) {
      geometry(n);
    } else if (key == "concept.source" || key == "concept.source-image") {
      if (expect(n, {DSRTypes::VT_Image})) sourceImage(n);
    } else if (key == "concept.area" || key == "concept.referenced-segment" || key == "concept.length") {
      // Leak figures only for an annular tear: another tool's ROI area or tumour
      // segment is not a leak. Decided once the finding is known (finish()).
      deferred_.push_back(n);
    } else if (key == "concept.leak-onset-time") {
      if (expect(n, {DSRTypes::VT_Num})) number(n, "ms", leak().onsetMs);
    } else if (key == "concept.leak-exit-direction") {
      if (expect(n, {DSRTypes::VT_Num})) number(n, "deg", leak().exitDirectionDeg);
    } else if (key == "concept.leak-onset") {
      if (expect(n, {DSRTypes::VT_TCoord})) onset(n);
    } else if (key == "concept.calibration") {
      if (expect(n, {DSRTypes::VT_Code, DSRTypes::VT_Text})) leak().calibration = calibration(n);
    } else if (key == "concept.leak-segmentation") {
      if (expect(n, {DSRTypes::VT_UIDRef})) leak().segmentationSopInstanceUid = *stringValue(n);
    } else if (key == "concept.tear-type") {
      coded(n, [this](const std::string& k) { return assign(tear_.type, tearTypeFromKey(k)); });
    } else if (key == "concept.dallas-grade") {
      coded(n, [this](const std::string& k) { return assign(tear_.grade, gradeFromKey(k)); });
    } else if (key == "concept.clock") {
      coded(n, [this](const std::string& k) { return assignOptional(tear_.clock, clockFromKey(k)); });
    } else if (key == "concept.zone") {
      coded(n, [this](const std::string& k) { return assignOptional(tear_.zone, zoneFromKey(k)); });
    } else if (key == "concept.leak-pattern") {
      coded(n, [this](const std::string& k) { return assign(tear_.leak, leakFromKey(k)); });
    } else if (key == "concept.pain-response") {
      coded(n, [this](const std::string& k) { return assign(tear_.pain, painFromKey(k)); });
    } else if (key == "concept.comment") {
      if (expect(n, {DSRTypes::VT_Text})) {
        comment_ = *stringValue(n);  // our summary is taken off once the coded fields are known (finish)
        unmappedChildren(n);
      }
    } else if (key == "container.catheter-plan") {
      if (expect(n, {DSRTypes::VT_Container})) catheter(n);
    } else {
      unmapped(n);
    }
  }

  template <typename T>
  static bool assign(T& field, const std::optional<T>& value) {
    if (value) field = *value;
    return value.has_value();
  }
  template <typename T>
  static bool assignOptional(std::optional<T>& field, const std::optional<T>& value) {
    if (value) field = value;
    return value.has_value();
  }

  // A qualitative evaluation: the value must be one of our codes for that concept.
  template <typename F>
  void coded(Node* n, F apply) {
    if (!expect(n, {DSRTypes::VT_Code})) return;
    const DSRCodedEntryValue& value = *codeValue(n);
    const auto k = keyOf(value);
    if (!k || !apply(*k)) {
      note("\"" + str(n->getConceptName().getCodeMeaning()) + "\" value " + describe(value) + " has no model value");
      return;
    }
    unmappedChildren(n);
  }

  void finding(Node* n) {
    const DSRCodedEntryValue& value = *codeValue(n);
    if (is(value, "finding.annular-tear")) {
      isTear_ = true;
      unmappedChildren(n);
    } else {
      note("finding " + describe(value) + " is not an annular tear");
      unmappedChildren(n);
    }
  }

  void site(Node* n) {
    const DSRCodedEntryValue& value = *codeValue(n);
    if (auto level = discLevelOf(value); level && tear_.level.empty()) {
      tear_.level = *level;
      unmappedChildren(n);
    } else {
      unmapped(n);  // e.g. an organ, or a second site; children go with it
    }
  }

  // ---- image references ---------------------------------------------------
  ImageReference imageRef(DSRImageReferenceValue& value) {
    ImageReference ref;
    ref.sopClassUid = str(value.getSOPClassUID());
    ref.sopInstanceUid = str(value.getSOPInstanceUID());
    const DSRImageFrameList& frames = value.getFrameList();
    if (!frames.isEmpty()) {
      ref.frameNumber = frames.getItem(1);
      if (frames.getNumberOfItems() > 1)
        note("image " + ref.sopInstanceUid + " is referenced with " + std::to_string(frames.getNumberOfItems()) +
             " frames; the model keeps frame " + std::to_string(ref.frameNumber));
    }
    if (ctx_.evidence) {
      auto it = ctx_.evidence->find(ref.sopInstanceUid);
      if (it != ctx_.evidence->end()) {
        ref.seriesInstanceUid = it->second.seriesInstanceUid;
        ref.studyInstanceUid = it->second.studyInstanceUid;
        return ref;
      }
    }
    warn("image " + ref.sopInstanceUid +
         " is not listed in the evidence sequences (PS3.3 C.17.2.3): its series and study are unknown");
    return ref;
  }

  // The SELECTED FROM image of a SCOORD/TCOORD (PS3.3 C.18.6); other children are unmapped.
  std::optional<ImageReference> selectedFrom(Node* n) {
    std::optional<ImageReference> ref;
    for (Node* child : childrenOf(n)) {
      auto* image = imageValue(child);
      if (!ref && image && child->getRelationshipType() == DSRTypes::RT_selectedFrom)
        ref = imageRef(*image);
      else
        unmapped(child);
    }
    if (!ref) warn("\"" + str(n->getConceptName().getCodeMeaning()) + "\" has no SELECTED FROM image");
    return ref;
  }

  void sourceImage(Node* n) {
    if (!tear_.geometry.image.sopInstanceUid.empty()) return unmapped(n);
    tear_.geometry.image = imageRef(*imageValue(n));
    unmappedChildren(n);
  }

  void segmentation(Node* n) {
    DSRImageReferenceValue& value = *imageValue(n);
    leak().segmentationSopInstanceUid = str(value.getSOPInstanceUID());
    if (ctx_.evidence && !ctx_.evidence->count(leak().segmentationSopInstanceUid))
      warn("segmentation " + leak().segmentationSopInstanceUid + " is not listed in the evidence sequences");
    unmappedChildren(n);
  }

  // ---- geometry -----------------------------------------------------------
  static std::vector<Point> points2D(DSRSpatialCoordinatesValue& sc) {
    std::vector<Point> pts;
    DSRGraphicDataList& list = sc.getGraphicDataList();
    for (std::size_t i = 1; i <= list.getNumberOfItems(); ++i) {
      const DSRGraphicDataItem& p = list.getItem(i);
      pts.push_back({fromScoord(p.Column), fromScoord(p.Row), 0});
    }
    return pts;
  }

  static std::vector<Point> points3D(DSRSpatialCoordinates3DValue& sc) {
    std::vector<Point> pts;
    DSRGraphicData3DList& list = sc.getGraphicDataList();
    for (std::size_t i = 1; i <= list.getNumberOfItems(); ++i) {
      const DSRGraphicData3DItem& p = list.getItem(i);
      pts.push_back({p.XCoord, p.YCoord, p.ZCoord});
    }
    return pts;
  }

  static Point centroid(const std::vector<Point>& pts) {
    Point c{0, 0, 0};
    for (const auto& p : pts)
      for (int k = 0; k < 3; ++k) c[k] += p[k] / double(pts.size());
    return c;
  }

  static bool closed(const std::vector<Point>& pts) { return pts.size() >= 4 && pts.front() == pts.back(); }

  void geometry(Node* n) {
    if (geometrySet_) return unmapped(n);  // the model has one geometry per tear
    if (auto* sc = scoordValue(n)) {
      auto pts = points2D(*sc);
      if (pts.empty()) {
        warn("SCOORD \"" + str(n->getConceptName().getCodeMeaning()) + "\" has no points");
        return unmapped(n);
      }
      TearGeometry& g = tear_.geometry;
      switch (sc->getGraphicType()) {
        case DSRTypes::GT_Point:
          g.kind = GeometryKind::Point;
          break;
        case DSRTypes::GT_Polyline:
          g.kind = closed(pts) ? GeometryKind::Polygon : GeometryKind::Polyline;
          if (g.kind == GeometryKind::Polygon) pts.pop_back();  // closed POLYLINE repeats its first point
          break;
        case DSRTypes::GT_Multipoint:
          g.kind = pts.size() == 1 ? GeometryKind::Point : GeometryKind::Polyline;
          if (pts.size() > 1) note("MULTIPOINT with " + std::to_string(pts.size()) + " points imported as a polyline");
          break;
        case DSRTypes::GT_Circle:
          // PS3.3 C.18.6.1.2: centre, then a point on the circumference.
          note("CIRCLE (radius " + std::to_string(std::hypot(pts.back()[0] - pts[0][0], pts.back()[1] - pts[0][1])) +
               " px) imported as its centre point");
          pts.resize(1);
          g.kind = GeometryKind::Point;
          break;
        case DSRTypes::GT_Ellipse:
          note("ELLIPSE imported as its centre point");
          pts = {centroid(pts)};
          g.kind = GeometryKind::Point;
          break;
        default:
          warn("SCOORD graphic type is invalid");
          return unmapped(n);
      }
      g.points = std::move(pts);
      if (auto ref = selectedFrom(n)) g.image = *ref;
      geometrySet_ = true;
      return;
    }
    auto* sc3 = scoord3dValue(n);
    auto pts = points3D(*sc3);
    if (pts.empty()) {
      warn("SCOORD3D \"" + str(n->getConceptName().getCodeMeaning()) + "\" has no points");
      return unmapped(n);
    }
    TearGeometry& g = tear_.geometry;
    switch (sc3->getGraphicType()) {
      case DSRTypes::GT3_Point:
        g.kind = GeometryKind::Point3D;
        break;
      case DSRTypes::GT3_Polyline:
        g.kind = GeometryKind::Polyline3D;
        break;
      case DSRTypes::GT3_Polygon:
        note("3D POLYGON imported as a closed 3D polyline");
        g.kind = GeometryKind::Polyline3D;
        break;
      case DSRTypes::GT3_Multipoint:
        g.kind = pts.size() == 1 ? GeometryKind::Point3D : GeometryKind::Polyline3D;
        if (pts.size() > 1) note("3D MULTIPOINT imported as a 3D polyline");
        break;
      case DSRTypes::GT3_Ellipse:
      case DSRTypes::GT3_Ellipsoid:
        note(std::string(DSRTypes::graphicType3DToEnumeratedValue(sc3->getGraphicType())) +
             " imported as its centre point");
        pts = {centroid(pts)};
        g.kind = GeometryKind::Point3D;
        break;
      default:
        warn("SCOORD3D graphic type is invalid");
        return unmapped(n);
    }
    g.points = std::move(pts);
    g.frameOfReferenceUid = str(sc3->getFrameOfReferenceUID());
    geometrySet_ = true;
    unmappedChildren(n);
  }

  // ---- numbers ------------------------------------------------------------
  // Value in `unit` (UCUM), converting the few units other tools use.
  std::optional<double> valueIn(Node* n, const std::string& unit) {
    const DSRNumericMeasurementValue& num = *numValue(n);
    const auto value = numericValue(num);
    const std::string have = str(num.getMeasurementUnit().getCodeValue());
    if (!value) {
      warn("\"" + str(n->getConceptName().getCodeMeaning()) + "\" has no numeric value");
      return std::nullopt;
    }
    if (have == unit) return value;
    if (unit == "mm2" && have == "cm2") return *value * 100;
    if (unit == "ms" && have == "s") return *value * 1000;
    if (unit == "mm" && have == "cm") return *value * 10;
    warn("\"" + str(n->getConceptName().getCodeMeaning()) + "\" is in " + have + ", expected " + unit);
    return std::nullopt;
  }

  void number(Node* n, const std::string& unit, std::optional<double>& field) {
    if (auto v = valueIn(n, unit)) {
      field = v;
      for (Node* child : childrenOf(n))
        if (!inferredGeometry(child)) unmapped(child);
    } else {
      unmapped(n);
    }
  }

  // A measurement's INFERRED FROM SCOORD/SCOORD3D (TID 300): the group's own geometry
  // repeated for readers that look there (see the writer). Taken as the geometry when
  // the group has no other; a different region is a second geometry (unmapped).
  static bool inferredGeometry(Node* n) {
    return n->getRelationshipType() == DSRTypes::RT_inferredFrom &&
           (n->getValueType() == DSRTypes::VT_SCoord || n->getValueType() == DSRTypes::VT_SCoord3D);
  }

  std::string calibration(Node* n) {
    if (auto* code = codeValue(n)) {
      if (auto token = suffixOf(*code, "calibration.")) return *token;
      note("calibration " + describe(*code) + " is not a known calibration; kept as its meaning");
      return str(code->getCodeMeaning());
    }
    return stringValue(n).value_or("");
  }

  // NUM children: calibration modifiers map, anything else is unmapped.
  std::string numCalibration(Node* n) {
    std::string cal;
    for (Node* child : childrenOf(n)) {
      if (inferredGeometry(child)) continue;
      if (is(child->getConceptName(), "concept.calibration") &&
          (child->getValueType() == DSRTypes::VT_Code || child->getValueType() == DSRTypes::VT_Text))
        cal = calibration(child);
      else
        unmapped(child);
    }
    return cal;
  }

  void area(Node* n) {
    if (auto v = valueIn(n, "mm2")) {
      leak().areaMm2 = v;
      if (auto cal = numCalibration(n); !cal.empty()) leak().calibration = cal;
    } else {
      unmapped(n);
    }
  }

  void onset(Node* n) {
    if (auto ref = selectedFrom(n); ref && ref->frameNumber > 0) {
      leak().onsetFrame = ref->frameNumber;
    } else {
      note("leak onset TCOORD without a frame number");
    }
  }

  // ---- catheter plan ------------------------------------------------------
  void catheter(Node* n) {
    CatheterPlan plan;
    bool target = false, entry = false, length = false;
    for (Node* child : childrenOf(n)) {
      const auto key = keyOf(child->getConceptName()).value_or("");
      auto* sc = scoordValue(child);
      if ((key == "concept.catheter-target" || key == "concept.catheter-entry") && sc &&
          sc->getGraphicType() == DSRTypes::GT_Point && sc->getGraphicDataList().getNumberOfItems() == 1) {
        const auto p = points2D(*sc).front();
        auto& dst = key == "concept.catheter-target" ? plan.target : plan.entry;
        dst = {p[0], p[1]};
        (key == "concept.catheter-target" ? target : entry) = true;
        selectedFrom(child);  // same image as the tear; other children are reported
      } else if (key == "concept.catheter-length" && numValue(child)) {
        if (auto v = valueIn(child, "mm")) {
          plan.lengthMm = *v;
          plan.calibration = numCalibration(child);
          length = true;
        } else {
          unmapped(child);
        }
      } else {
        unmapped(child);
      }
    }
    if (!target || !entry || !length) warn("catheter plan is missing its target, entry or length");
    tear_.catheter = plan;
  }

  // Length of a two-point line: derived from the geometry (the writer adds it for
  // Cornerstone3D's Length tool), so nothing to keep; on any other geometry it is unmapped.
  void lineLength(Node* n) {
    const TearGeometry& g = tear_.geometry;
    const bool line = g.points.size() == 2 && (g.kind == GeometryKind::Polyline || g.kind == GeometryKind::Polyline3D);
    if (!line || !numValue(n)) return unmapped(n);
    numCalibration(n);
  }

  // Geometry only under a measurement (Cornerstone3D, dwv TID 1501 form): the first
  // becomes the tear's; repeats of the group's geometry are dropped silently.
  void inferredGeometries() {
    for (Node* n : inferred_) {
      if (!geometrySet_) {
        geometry(n);
        continue;
      }
      const GroupReadContext quiet{};
      GroupReader other(label_, quiet);
      other.geometry(n);
      const TearGeometry& a = other.tear_.geometry;
      const TearGeometry& g = tear_.geometry;
      bool same =
          a.kind == g.kind && a.points.size() == g.points.size() && a.image.sopInstanceUid == g.image.sopInstanceUid;
      for (std::size_t i = 0; same && i < a.points.size(); ++i)
        for (int k = 0; k < 3; ++k) same = same && std::abs(a.points[i][k] - g.points[i][k]) < 1e-3;
      if (!same) unmapped(n);
    }
  }

  // Cornerstone3D's ArrowAnnotate stores the arrow as a two-point line, head first (its
  // reader sets arrowFirst): the model keeps the head as a point; the tail is reported.
  void arrow() {
    TearGeometry& g = tear_.geometry;
    if (toolType_ != "ArrowAnnotate" || g.kind != GeometryKind::Polyline || g.points.size() != 2) return;
    note("ArrowAnnotate imported as a point at its head; tail at (" + std::to_string(g.points[1][0]) + ", " +
         std::to_string(g.points[1][1]) + ") px not kept");
    g.kind = GeometryKind::Point;
    g.points.resize(1);
  }

  void finish() {
    inferredGeometries();
    for (Node* n : deferred_) {
      if (!isTear_) {
        unmapped(n);
      } else if (is(n->getConceptName(), "concept.area")) {
        if (expect(n, {DSRTypes::VT_Num})) area(n);
      } else if (is(n->getConceptName(), "concept.length")) {
        lineLength(n);
      } else if (expect(n, {DSRTypes::VT_Image})) {
        segmentation(n);
      }
    }
    if (!comment_.empty()) tear_.comment = isTear_ ? readerComment(tear_, comment_) : comment_;
    arrow();
    if (!geometrySet_) warn("has no SCOORD/SCOORD3D geometry: the tear has no position");
    if (!isTear_)
      warn(
          "is not an annular tear finding: imported for its geometry and site; type, grade, leak and pain are "
          "model defaults");
  }

  std::string label_;
  const GroupReadContext& ctx_;
  TearAnnotation tear_;
  std::vector<Node*> deferred_;
  std::vector<Node*> inferred_;
  std::set<const Node*> consumed_;  // imported as geometry: not described as unmapped
  std::string comment_;
  std::string toolType_;  // Cornerstone3D tool named by the tracking identifier, if any
  bool geometrySet_ = false;
  bool isTear_ = false;
};

}  // namespace

std::optional<TearAnnotation> readMeasurementGroup(Node* group, const std::string& label, const GroupReadContext& ctx) {
  return GroupReader(label, ctx).read(group);
}

}  // namespace annulo::sr
