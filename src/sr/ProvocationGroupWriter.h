#pragma once
// Private: the provocation record as TID 1500 measurement groups, one per
// injected level, after the tears' groups below "Imaging Measurements".
//
// Group content (TID 1501 style; PS3.16 TID 1500 row 6 allows any group):
//   HAS OBS CONTEXT tracking identifier "provocation L4-L5", tracking UID, observer
//   CONTAINS Finding = "Provocation discography of the disc" (99ANNULO)
//     HAS CONCEPT MOD Finding Site = the disc level (SCT)
//   CONTAINS Laterality, Instrument Approach, Source Image (the injection frames)
//   CONTAINS NUM opening / provocation / peak pressure [psi], volume at
//            provocation and Volume administered mL, pain score {score} (LOINC 72514-3)
//   CONTAINS pain response (concordance), pain location, contrast administered,
//            nucleogram, Dallas grade / containment / leak onset (from the tears)
//   CONTAINS CONTAINER Manometry log of steps (Time s, Volume administered mL,
//            Intradiscal pressure [psi], pain score)
//   CONTAINS computed classification + reasons + Derby category, Algorithm Name /
//            Version (the criteria), the override (classification, reason, by, at)
//   CONTAINS UIDREF "Annular tear at this level" = each tear's tracking UID

#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/annotation/ProvocationCriteria.h"
#include "annulo/base/Result.h"
#include "sr/ContentBuilder.h"
#include "sr/ImageIndex.h"

namespace annulo::sr {

// Completes each injection image reference from the loaded sources (SOP class,
// series, study) and checks it: loaded, frame in range. Errors name the level.
Result<std::vector<ProvocationLevel>> resolveProvocation(const std::vector<ProvocationLevel>& levels,
                                                         const ImageIndex& index);

// Adds one group per level below the builder's current parent. `levels` must
// come from resolveProvocation(); `tears` are the session's (morphology, links).
Status writeProvocationGroups(ContentBuilder& builder, const std::vector<ProvocationLevel>& levels,
                              const std::vector<TearAnnotation>& tears,
                              const ProvocationCriteria& criteria = defaultProvocationCriteria());

}  // namespace annulo::sr
