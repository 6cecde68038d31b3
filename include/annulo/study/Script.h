#pragma once
// A reading as a script: one step per line, named as the viewer's options (without
// the leading "--"), so teaching material and tests can replay a whole reading
// (also `provocation level=L4-L5 opening-psi=12 ...`, ProvocationSpec.h):
//
//   open sample_data
//   series 1.2.826.0.1.3680043.8.498.1
//   segment 254,246
//   tear level=L4-L5 type=radial grade=3 frame=40 polyline=300,250;330,262;350,280
//   reader Smith^Jane               (signs the tears that follow and the SR)
//   export /tmp/report.dcm          (SR, and -seg.dcm / -pr.dcm beside it)
//   send-to ORTHANC@localhost:4242    (through the outbox; or a DICOMweb URL: STOW-RS)
//   edit-tear T1 grade=4 comment="wider on the second look"
//   remove-tear T2
//   refresh                         (take in what other writers saved to the session)
//   resolve T1 mine|theirs          (a tear changed here and elsewhere: whose version stays)
//   session-folder /mnt/dept/annulo (sessions of the studies opened next: a shared drive)
//   wait-for /tmp/turn 30           (until another program writes that file: taking turns)
//   signal /tmp/my-turn-done        (writes that file, for a program waiting with wait-for)
//
// '#' starts a comment; blank lines are skipped. The study-model steps run here, the
// same calls the viewer's panels and annulo-cli make; steps that draw (layout, size,
// tool, click, compare, labels-3d, screenshot, bench, first-frame) belong to the viewer, which
// runs them itself (annulo --script FILE). `annulo-cli run FILE` runs the others.

#include <memory>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/processing/HizDetector.h"
#include "annulo/study/Study.h"

namespace annulo {

struct ScriptStep {
  std::string name;
  std::string value;  // the rest of the line, trimmed
  int line = 0;       // 1-based, for messages
};

Result<std::vector<ScriptStep>> parseScript(const std::string& text);
// Names of the steps runStudyStep runs, and of those only a viewer can run.
bool isStudyStep(const std::string& name);
bool isViewStep(const std::string& name);

// What the steps act on. `study` is the caller's (the viewer passes its own).
struct ScriptContext {
  explicit ScriptContext(std::unique_ptr<Study>& s) : study(s) {}
  std::unique_ptr<Study>& study;
  int seriesIndex = -1;  // acquired then derived, as Study::seriesAt
  int frame = -1;        // 0-based frame or slice shown; -1 = the series' default
  std::vector<HizCandidate> hiz;
  int hizSeries = -1;
  ExportReport exported;         // the last export
  std::vector<std::string> log;  // one line per step: what it did
  StudyOptions studyOptions;     // for open (session folder, ...)
  std::string reader;            // 'reader Family^Given': signs the tears added and the export
};

// Runs one study step (isStudyStep). Errors name the line and what failed.
Status runStudyStep(ScriptContext& context, const ScriptStep& step);

}  // namespace annulo
