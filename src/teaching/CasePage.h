#pragma once
// Private: index.html of a teaching case: one self-contained page (inline CSS,
// no script, no network) with the findings per disc level, the snapshots, the
// cine (HTML5 video, WebM), the leak-area plot and the de-identification statement.

#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"
#include "annulo/deid/Deidentify.h"
#include "teaching/Cine.h"
#include "teaching/Snapshots.h"

namespace annulo::teaching {

std::string htmlEscape(const std::string& text);

struct CasePictures {
  std::vector<Snapshot> snapshots;
  std::vector<Cine> cines;
  std::string plot;  // relative to the case folder; empty = not drawn
};

std::string casePage(const std::string& title, const std::vector<TearAnnotation>& tears, const deid::DeidReport& deid,
                     const CasePictures& pictures = {});

}  // namespace annulo::teaching
