#pragma once
// A teaching case folder from an annotated study (issue 10 part 2):
//   dicom/        the de-identified images the tears are on, with the session's SR and
//                 GSPS (and SEG when labels are given) de-identified in the same run, so
//                 every reference still resolves
//   snapshots/    one PNG per tear at slide resolution: tear mark and label, leak in
//                 orange, labelled scale bar (calibration named)
//   cine/         each annotated multi-frame series as WebM (VP8), every frame at the
//                 file's timing, leak overlay
//   plots/        leak area over time (VTK charts; needs an X display, else a warning)
//   index.html    one self-contained page: findings per disc level, the pictures, the
//                 cine, the plot, the de-identification statement
// Nothing identifying is written: the pictures come from the de-identified pixels and
// the page from the de-identified SR, never from the session directly.
// A 3D tear is drawn on the slice nearest its first point of the volume (MR) of its frame
// of reference; the slice and the distance are in the picture and the caption.
//
// Lives in annulo_teaching (not the core): it links FFmpeg and VTK's text and charts.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/base/Result.h"
#include "annulo/deid/Deidentify.h"
#include "annulo/processing/LeakSegmenter.h"

namespace annulo::teaching {

// A label map held in memory (the viewer's): values 0/1/2 (2 = leak),
// index (frame * rows + row) * columns + column, the size of one acquired series.
struct CaseLabels {
  int columns = 0, rows = 0, frames = 0;
  std::shared_ptr<const std::vector<std::uint8_t>> labels;
  std::shared_ptr<const LeakSegmentation> leak;  // when they come from one: its areas and onset
};

struct TeachingCaseOptions {
  deid::DeidOptions deid;
  std::optional<std::string> labelsPath;  // uint8 label map (annulo-cli segment) -> DICOM SEG
  std::optional<CaseLabels> labels;       // in memory; wins over labelsPath
  bool cine = true;
  bool plot = true;                           // drawn only when an X display is there (see canRenderPlots)
  const std::atomic<bool>* cancel = nullptr;  // checked between stages and per cine frame
  std::atomic<float>* progress = nullptr;     // 0..1, only raised
};

struct TeachingCase {
  std::string indexHtml;  // CASE_DIR/index.html
  std::string dicomDir;   // CASE_DIR/dicom
  deid::DeidReport deid;
  int snapshots = 0;               // CASE_DIR/snapshots/tear-<n>.png, one per tear found
  std::vector<std::string> cines;  // CASE_DIR/cine/<n>.webm
  int cineFrames = 0;              // of the first cine
  std::string plot;                // CASE_DIR/plots/leak-area.png, empty when not drawn
  std::vector<std::string> warnings;
};

// The session's source is reloaded (Session::sourcePath). Errors: no source, no
// tear, an export or the de-identification failing, a refused report, cancelled
// (the partial case folder is removed then).
Result<TeachingCase> writeTeachingCase(const Session& session, const std::string& caseDir,
                                       const TeachingCaseOptions& options);

}  // namespace annulo::teaching
