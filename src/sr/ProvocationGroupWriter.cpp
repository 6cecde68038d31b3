#include "sr/ProvocationGroupWriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsr/dsrimgvl.h>
#include <dcmtk/dcmsr/dsrnumvl.h>

#include <algorithm>

#include "sr/Codes.h"
#include "sr/SrValues.h"
#include "sr/TearCodes.h"

namespace annulo::sr {
namespace {

using RT = DSRTypes::E_RelationshipType;
constexpr RT kContains = DSRTypes::RT_contains;
constexpr RT kObsContext = DSRTypes::RT_hasObsContext;
constexpr RT kConceptMod = DSRTypes::RT_hasConceptMod;

// The same item forms as the tear groups (MeasurementGroupWriter.cpp); kept
// here so the two writers can change independently.
bool addText(ContentBuilder& b, RT rel, const char* conceptKey, const std::string& text) {
  return b.add(rel, DSRTypes::VT_Text, coded(conceptKey)) && b.check(b.item().setStringValue(text), conceptKey);
}

bool addCode(ContentBuilder& b, RT rel, const char* conceptKey, const DSRCodedEntryValue& value) {
  return b.add(rel, DSRTypes::VT_Code, coded(conceptKey)) && b.check(b.item().setCodeValue(value), describe(value));
}

bool addNum(ContentBuilder& b, const char* conceptKey, double value, const char* unitKey) {
  if (!b.add(kContains, DSRTypes::VT_Num, coded(conceptKey))) return false;
  DSRNumericMeasurementValue num(decimalString(value).c_str(), coded(unitKey));
  // Floating Point Value (0040,A161) keeps the exact double (PS3.3 C.18.1.2).
  if (!b.check(num.setFloatingPointRepresentation(value), "floating point value")) return false;
  return b.check(b.item().setNumericValue(num), conceptKey);
}

bool addOptionalNum(ContentBuilder& b, const char* conceptKey, const std::optional<double>& v, const char* unit) {
  return !v || addNum(b, conceptKey, *v, unit);
}

std::string classKey(ProvocationClass c) { return std::string("class.") + token(c); }

bool addContext(ContentBuilder& b, const ProvocationLevel& p) {
  // TID 1501 rows 2-3 (TID 4108): identifier and UID of the group; TID 1002 observer.
  if (!addText(b, kObsContext, "concept.tracking-identifier", "provocation " + p.level)) return false;
  if (!p.trackingUid.empty() && !(b.add(kObsContext, DSRTypes::VT_UIDRef, coded("concept.tracking-uid")) &&
                                  b.check(b.item().setStringValue(p.trackingUid.c_str()), "tracking UID")))
    return false;
  if (!p.observer.empty() && !(addCode(b, kObsContext, "concept.observer-type", coded("observer-type.person")) &&
                               b.add(kObsContext, DSRTypes::VT_PName, coded("concept.person-observer-name")) &&
                               b.check(b.item().setStringValue(p.observer.c_str()), "person observer name")))
    return false;
  return true;
}

// One IMAGE per SOP instance, its frames in the Referenced Frame Number list
// (PS3.3 C.18.3.1), in the order the record lists them.
bool addImages(ContentBuilder& b, const std::vector<ImageReference>& images) {
  std::vector<std::string> order;
  for (const auto& r : images)
    if (std::find(order.begin(), order.end(), r.sopInstanceUid) == order.end()) order.push_back(r.sopInstanceUid);
  for (const auto& uid : order) {
    const ImageReference* first = nullptr;
    if (!b.add(kContains, DSRTypes::VT_Image, coded("concept.source-image"))) return false;
    DSRImageReferenceValue* value = b.item().getImageReferencePtr();
    for (const auto& r : images) {
      if (r.sopInstanceUid != uid) continue;
      if (!first) {
        first = &r;
        if (!b.check(value->setValue(DSRImageReferenceValue(r.sopClassUid.c_str(), uid.c_str())), "image " + uid))
          return false;
      }
      if (r.frameNumber > 0) value->getFrameList().addItem(r.frameNumber);
    }
  }
  return true;
}

bool addRecordedValues(ContentBuilder& b, const ProvocationLevel& p) {
  if (p.side && !addCode(b, kContains, "concept.laterality", coded(std::string("side.") + token(*p.side))))
    return false;
  if (!p.approach.empty() && !addText(b, kContains, "concept.instrument-approach", p.approach)) return false;
  if (!addImages(b, p.images)) return false;
  if (!addOptionalNum(b, "concept.opening-pressure", p.openingPsi, "unit.psi") ||
      !addOptionalNum(b, "concept.pain-pressure", p.painPsi, "unit.psi") ||
      !addOptionalNum(b, "concept.peak-pressure", p.peakPsi, "unit.psi") ||
      !addOptionalNum(b, "concept.pain-volume", p.volumeAtPainMl, "unit.ml") ||
      !addOptionalNum(b, "concept.volume-administered", p.totalVolumeMl, "unit.ml"))
    return false;
  if (p.painScore && !addNum(b, "concept.pain-score", *p.painScore, "unit.score")) return false;
  if (p.concordance &&
      !addCode(b, kContains, "concept.pain-response", coded(std::string("pain.") + token(*p.concordance))))
    return false;
  if (!p.painLocation.empty() && !addText(b, kContains, "concept.pain-location", p.painLocation)) return false;
  if (!p.contrastAgent.empty() && !addText(b, kContains, "concept.contrast-agent", p.contrastAgent)) return false;
  if (p.nucleogram &&
      !addCode(b, kContains, "concept.nucleogram", coded(std::string("nucleogram.") + token(*p.nucleogram))))
    return false;
  return true;
}

bool addMorphology(ContentBuilder& b, const LevelMorphology& m) {
  if (m.dallasGrade && !addCode(b, kContains, "concept.dallas-grade", coded(gradeKey(*m.dallasGrade)))) return false;
  if (m.leakAssessed &&
      !addCode(b, kContains, "concept.containment", coded(m.leak ? "containment.leak" : "containment.contained")))
    return false;
  return addOptionalNum(b, "concept.leak-onset-time", m.leakOnsetMs, "unit.ms") &&
         addOptionalNum(b, "concept.leak-onset-volume", m.volumeAtLeakOnsetMl, "unit.ml");
}

bool addLog(ContentBuilder& b, const std::vector<ManometryRow>& log) {
  if (log.empty()) return true;
  if (!b.add(kContains, DSRTypes::VT_Container, coded("container.manometry-log")) ||
      !b.check(b.item().setContinuityOfContent(DSRTypes::COC_Separate), "continuity of content"))
    return false;
  b.enter();
  bool ok = true;
  for (const auto& row : log) {
    ok = b.add(kContains, DSRTypes::VT_Container, coded("container.manometry-step")) &&
         b.check(b.item().setContinuityOfContent(DSRTypes::COC_Separate), "continuity of content");
    if (!ok) break;
    b.enter();
    ok = addNum(b, "concept.time", row.timeS, "unit.s") &&
         addNum(b, "concept.volume-administered", row.volumeMl, "unit.ml") &&
         addNum(b, "concept.intradiscal-pressure", row.pressurePsi, "unit.psi") &&
         (!row.pain || addNum(b, "concept.pain-score", *row.pain, "unit.score"));
    b.leave();
    if (!ok) break;
  }
  b.leave();
  return ok;
}

bool addInterpretation(ContentBuilder& b, const ProvocationLevel& p, const LevelAssessment& a,
                       const ProvocationCriteria& criteria) {
  if (!addCode(b, kContains, "concept.provocation-class", coded(classKey(a.computed)))) return false;
  for (const auto& reason : a.reasons)
    if (!addText(b, kContains, "concept.provocation-reason", reason)) return false;
  if (a.derby && !addCode(b, kContains, "concept.derby", coded(std::string("derby.") + token(*a.derby)))) return false;
  // TID 4019 algorithm identification: which criteria (and which version of them) decided.
  if (!addText(b, kContains, "concept.algorithm-name", criteria.name) ||
      !addText(b, kContains, "concept.algorithm-version", criteria.version))
    return false;
  if (p.override_) {
    const ProvocationOverride& o = *p.override_;
    if (!addCode(b, kContains, "concept.provocation-final", coded(classKey(o.classification))) ||
        !addText(b, kContains, "concept.override-reason", o.reason) ||
        (!o.by.empty() && !addText(b, kContains, "concept.override-by", o.by)) ||
        (!o.at.empty() && !addText(b, kContains, "concept.override-at", o.at)))
      return false;
  }
  return true;
}

Status writeGroup(ContentBuilder& b, const ProvocationLevel& p, const LevelAssessment& a, const LevelMorphology& m,
                  const ProvocationCriteria& criteria) {
  if (!b.add(kContains, DSRTypes::VT_Container, coded("container.measurement-group"))) return b.status();
  b.check(b.item().setContinuityOfContent(DSRTypes::COC_Separate), "continuity of content");
  bool observedAtAsText = false;
  if (!p.observedAt.empty()) {
    if (auto dt = isoToDicomDateTime(p.observedAt))
      b.check(b.item().setObservationDateTime(dt->c_str()), "observation date-time");
    else
      observedAtAsText = true;
  }
  b.enter();
  bool ok = addContext(b, p) && (!observedAtAsText || addText(b, kObsContext, "concept.observed-at", p.observedAt)) &&
            addCode(b, kContains, "concept.finding", coded("finding.disc-provocation"));
  // Finding Site of the group (TID 1501 row 'Finding Site', HAS CONCEPT MOD), as for the tears.
  ok = ok && addCode(b, kConceptMod, "concept.finding-site", discLevelCode(p.level));
  ok = ok && addRecordedValues(b, p) && addMorphology(b, m) && addLog(b, p.log) && addInterpretation(b, p, a, criteria);
  for (std::size_t i = 0; ok && i < m.tearTrackingUids.size(); ++i)
    ok = m.tearTrackingUids[i].empty() ||
         (b.add(kContains, DSRTypes::VT_UIDRef, coded("concept.related-tear")) &&
          b.check(b.item().setStringValue(m.tearTrackingUids[i].c_str()), "tear tracking UID"));
  b.leave();
  if (!ok || !b.ok()) return makeError("provocation " + p.level + ": " + b.status().message());
  return {};
}

}  // namespace

Result<std::vector<ProvocationLevel>> resolveProvocation(const std::vector<ProvocationLevel>& levels,
                                                         const ImageIndex& index) {
  std::vector<ProvocationLevel> out = levels;
  for (auto& p : out) {
    if (Status s = validateProvocation(p); !s) return s.error();
    for (auto& ref : p.images) {
      const IndexedImage* image = index.find(ref.sopInstanceUid);
      const std::string who = "provocation " + p.level + ": image " + ref.sopInstanceUid;
      if (!image) return makeError(who + " is not in any of the loaded series");
      if (ref.sopClassUid.empty()) ref.sopClassUid = image->firstSlice->sopClassUid;
      if (ref.seriesInstanceUid.empty()) ref.seriesInstanceUid = image->series->series.instanceUid;
      if (ref.studyInstanceUid.empty()) ref.studyInstanceUid = image->series->study.instanceUid;
      const bool multiFrame = image->frames > 1 || image->series->multiFrame;
      if ((multiFrame && ref.frameNumber <= 0) || ref.frameNumber < 0 || ref.frameNumber > image->frames)
        return makeError(who + ": frame " + std::to_string(ref.frameNumber) + " is not 1-" +
                         std::to_string(image->frames));
    }
  }
  return out;
}

Status writeProvocationGroups(ContentBuilder& b, const std::vector<ProvocationLevel>& levels,
                              const std::vector<TearAnnotation>& tears, const ProvocationCriteria& criteria) {
  const StudyAssessment study = assessProvocation(levels, criteria);
  for (std::size_t i = 0; i < levels.size(); ++i)
    if (Status s = writeGroup(b, levels[i], study.levels[i], levelMorphology(levels[i], tears), criteria); !s) return s;
  return {};
}

}  // namespace annulo::sr
