#pragma once
// Private: the one-line, human-readable summary of a tear written as the
// group's Comment (121106, DCM). Web viewers (OHIF/Cornerstone3D) label a
// measurement with its Comment and show none of our coded items, so the
// summary carries them: "T1 L4-L5 radial, Dallas 3, 6 o'clock, central,
// epidural leak". A reader's own comment follows after "; ".
//
// The summary is a pure function of the coded fields, so on import it is
// recognised and removed again (the coded items are the truth).

#include <optional>
#include <string>

#include "annulo/annotation/TearAnnotation.h"

namespace annulo::sr {

std::string tearSummary(const TearAnnotation& tear);

// The Comment text for the tear: summary, then "; " and the tear's comment.
std::string commentText(const TearAnnotation& tear);

// The reader's comment in a Comment text of `tear` (whose coded fields are
// already read): text without our summary prefix; the text itself when it
// does not start with the summary (another toolkit's, or edited).
std::string readerComment(const TearAnnotation& tear, const std::string& text);

}  // namespace annulo::sr
