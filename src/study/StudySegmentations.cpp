#include "annulo/study/StudySegmentations.h"

#include <filesystem>

namespace annulo {

std::vector<AdoptedSegmentation> adoptSegmentations(Study& study) {
  std::vector<AdoptedSegmentation> out;
  for (const Series& s : study.series()) {
    bool adopted = false;
    for (const std::string& file : segmentationsOf(study.loaded(), s)) {
      AdoptedSegmentation a;
      a.file = file;
      a.seriesInstanceUid = s.series.instanceUid;
      a.seriesDescription = s.series.description;
      const std::string name = std::filesystem::path(file).filename().string();
      if (adopted) {
        a.error = name + ": not shown, the series shows another segmentation";
      } else if (const SeriesLabels* l = study.labels(s); l && l->any) {
        a.error = name + ": not shown, the series has labels of its own";
      } else if (auto seg = readSegmentation(file, s); !seg) {
        a.error = seg.message();
      } else if (Status set = study.setLabels(s, seg->labels, file); !set) {
        a.error = name + ": " + set.message();
      } else {
        a.segments = seg->segments;
        a.warnings = seg->warnings;
        adopted = true;
      }
      out.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace annulo
