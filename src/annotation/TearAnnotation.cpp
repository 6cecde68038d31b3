#include "annulo/annotation/TearAnnotation.h"

#include <tuple>

namespace annulo {
namespace {

bool sameImage(const ImageReference& a, const ImageReference& b) {
  return std::tie(a.sopClassUid, a.sopInstanceUid, a.seriesInstanceUid, a.studyInstanceUid, a.frameNumber) ==
         std::tie(b.sopClassUid, b.sopInstanceUid, b.seriesInstanceUid, b.studyInstanceUid, b.frameNumber);
}

bool sameLeak(const LeakFigures& a, const LeakFigures& b) {
  return std::tie(a.areaMm2, a.onsetMs, a.onsetFrame, a.exitDirectionDeg, a.calibration,
                  a.segmentationSopInstanceUid) ==
         std::tie(b.areaMm2, b.onsetMs, b.onsetFrame, b.exitDirectionDeg, b.calibration, b.segmentationSopInstanceUid);
}

bool sameCatheter(const CatheterPlan& a, const CatheterPlan& b) {
  return std::tie(a.target, a.entry, a.lengthMm, a.calibration) ==
         std::tie(b.target, b.entry, b.lengthMm, b.calibration);
}

template <typename T, typename Eq>
bool sameOptional(const std::optional<T>& a, const std::optional<T>& b, Eq eq) {
  if (a.has_value() != b.has_value()) return false;
  return !a || eq(*a, *b);
}

}  // namespace

bool operator==(const TearGeometry& a, const TearGeometry& b) {
  return a.kind == b.kind && a.points == b.points && sameImage(a.image, b.image) &&
         a.frameOfReferenceUid == b.frameOfReferenceUid;
}

bool operator==(const TearAnnotation& a, const TearAnnotation& b) {
  return std::tie(a.id, a.trackingUid, a.level, a.type, a.grade, a.clock, a.zone, a.leak, a.pain, a.comment, a.observer,
                  a.observedAt, a.createdBy, a.createdAt, a.modifiedBy, a.modifiedAt) ==
             std::tie(b.id, b.trackingUid, b.level, b.type, b.grade, b.clock, b.zone, b.leak, b.pain, b.comment,
                      b.observer, b.observedAt, b.createdBy, b.createdAt, b.modifiedBy, b.modifiedAt) &&
         a.geometry == b.geometry && sameOptional(a.leakFigures, b.leakFigures, sameLeak) &&
         sameOptional(a.catheter, b.catheter, sameCatheter);
}

}  // namespace annulo
