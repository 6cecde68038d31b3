#include "annulo/study/HizTear.h"

namespace annulo {

TearAnnotation hizTear(const HizCandidate& c, const Series& mr, const std::string& observer) {
  TearAnnotation t;
  t.level = c.level;
  t.comment = "HIZ";
  t.observer = observer;
  // A place in the patient, not on one image: it shows on every reformat of the series.
  t.geometry.kind = GeometryKind::Point3D;
  t.geometry.points = {{c.positionMm[0], c.positionMm[1], c.positionMm[2]}};
  t.geometry.frameOfReferenceUid = mr.series.frameOfReferenceUid;
  return t;
}

}  // namespace annulo
