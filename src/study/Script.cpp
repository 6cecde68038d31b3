#include "annulo/study/Script.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "annulo/net/AnyNode.h"
#include "annulo/net/PrivateFiles.h"
#include "annulo/processing/Filters.h"
#include "annulo/sr/LabelMap.h"
#include "annulo/study/DerivedSeries.h"
#include "annulo/study/HizTear.h"
#include "annulo/study/ProvocationSpec.h"
#include "annulo/study/StudyFolders.h"
#include "annulo/study/TearSpec.h"

namespace annulo {
namespace {

const std::set<std::string>& studySteps() {
  static const std::set<std::string> names = {
      "open",           "retrieve", "series", "frame",          "labels",      "segment",   "filter",      "hiz",
      "import-reports", "tear",     "export", "send-to",        "reader",      "edit-tear", "remove-tear", "refresh",
      "resolve",        "wait-for", "signal", "session-folder", "provocation", "hiz-tear"};
  return names;
}

const std::set<std::string>& viewSteps() {
  static const std::set<std::string> names = {
      "layout",     "size",      "labels-3d",      "tool",          "click",      "compare",    "screenshot",
      "bench",      "tab",       "teaching-blank", "teaching-case", "deidentify", "disc-plane", "disc-rotate",
      "disc-reset", "disc-mark", "first-frame",    "drag",          "mpr-slab",   "mpr-reset"};
  return names;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

Error stepError(const ScriptStep& step, const std::string& why) {
  return makeError("script line " + std::to_string(step.line) + " (" + step.name + "): " + why);
}

const Series* shown(const ScriptContext& c) { return c.study ? c.study->seriesAt(c.seriesIndex) : nullptr; }

Status needSeries(const ScriptContext& c, const ScriptStep& step) {
  if (!c.study) return stepError(step, "no study is open (an 'open' step comes first)");
  if (!shown(c)) return stepError(step, "the study holds no series to show");
  return {};
}

void selectIndex(ScriptContext& c, int index) {
  c.seriesIndex = index;
  c.frame = -1;
  if (const Series* s = shown(c)) c.study->selectSessionFor(*s);
}

Status openStep(ScriptContext& c, const ScriptStep& step, const std::string& path) {
  auto study = Study::open(path, c.studyOptions);
  if (!study) return stepError(step, study.message());
  if ((*study)->series().empty()) return stepError(step, "no usable image series in " + path);
  c.study = std::move(*study);
  if (!c.reader.empty()) c.study->setReader(c.reader);
  selectIndex(c, 0);
  c.log.push_back("opened " + path + ": " + std::to_string(c.study->series().size()) + " series");
  return {};
}

// "AET@HOST:PORT STUDY_UID": C-GET into the cache folder the viewer uses, then open it.
Status retrieveStep(ScriptContext& c, const ScriptStep& step) {
  std::istringstream in(step.value);
  std::string nodeText, uid;
  in >> nodeText >> uid;
  auto node = resolveAnyNode(nodeText);  // a nodes.json name, AET@HOST:PORT or a DICOMweb URL
  if (!node) return stepError(step, node.message());
  if (uid.empty()) return stepError(step, "needs AET@HOST:PORT (or a DICOMweb URL) and STUDY_UID");
  const std::string folder = retrieveFolder(uid);
  auto r = retrieveStudyFrom(*node, uid, folder);
  if (!r) return stepError(step, r.message());
  if (r->files.empty()) return stepError(step, "nothing arrived for study " + uid);
  c.log.push_back("retrieved " + std::to_string(r->files.size()) + " instance(s) into " + folder);
  return openStep(c, step, folder);
}

Status seriesStep(ScriptContext& c, const ScriptStep& step) {
  if (!c.study) return stepError(step, "no study is open");
  for (int i = 0; i < c.study->seriesCount(); ++i)
    if (c.study->seriesAt(i)->series.instanceUid == step.value) {
      selectIndex(c, i);
      return {};
    }
  return stepError(step, "no series " + step.value + " in the study");
}

Status frameStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  int n = 0;
  if (std::sscanf(step.value.c_str(), "%d", &n) != 1 || n < 1) return stepError(step, "needs a frame number >= 1");
  c.frame = std::min(n, int(shown(c)->sliceCount())) - 1;
  return {};
}

Status labelsStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  auto map = readLabelMap(step.value);
  if (!map) return stepError(step, map.message());
  if (Status s = c.study->setLabels(*shown(c), *map); !s) return stepError(step, step.value + ": " + s.message());
  return {};
}

Status segmentStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  LeakSegmentationOptions o;
  if (std::sscanf(step.value.c_str(), "%lf,%lf", &o.injectionPoint[0], &o.injectionPoint[1]) != 2)
    return stepError(step, "needs the injection point X,Y");
  auto r = c.study->segment(*shown(c), o);
  if (!r) return stepError(step, r.message());
  const LeakSegmentation& leak = **r;
  c.log.push_back("segmented: leak onset " +
                  (leak.leakOnsetFrame ? "frame " + std::to_string(*leak.leakOnsetFrame) : std::string("none")) + ", " +
                  std::to_string(leak.paths.size()) + " path(s)");
  return {};
}

Status filterStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  auto op = parseFilterOp(step.value);
  if (!op) return stepError(step, op.message());
  FilterOptions fo;
  fo.op = *op;
  auto r = applyFilter(*shown(c), fo);
  if (!r) return stepError(step, r.message());
  c.log.push_back(r->derivationDescription);
  c.study->addDerived(derivedSeries(*shown(c), std::move(*r)));
  selectIndex(c, c.study->seriesCount() - 1);
  return {};
}

Status hizStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  auto r = detectHiz(*shown(c));
  if (!r) return stepError(step, r.message());
  c.hiz = *r;
  c.hizSeries = c.seriesIndex;
  if (!c.hiz.empty()) c.frame = c.hiz.front().slice - 1;  // the strongest candidate is shown
  c.log.push_back(std::to_string(c.hiz.size()) + " HIZ candidate(s)");
  return {};
}

Status importStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  for (const auto& r : c.study->reports()) {
    if (!r.report) continue;
    const ImportCount n = c.study->importReport(*r.report);
    if (!n.error.empty()) return stepError(step, n.error);
    c.log.push_back("imported " + std::to_string(n.added) + " tear(s) from " + r.path);
  }
  return {};
}

Status tearStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  auto spec = parseTearSpec(step.value);
  if (!spec) return stepError(step, spec.message());
  if (spec->seriesUid.empty()) spec->seriesUid = shown(c)->series.instanceUid;
  if (spec->tear.observer.empty()) spec->tear.observer = c.reader;
  if (Status s = resolveTearSpec(*spec, c.study->series()); !s) return stepError(step, s.message());
  auto id = c.study->session()->add(spec->tear);
  if (!id) return stepError(step, id.message());
  c.log.push_back("added " + *id);
  return {};
}

Status needSession(const ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  if (!c.study->session()) return stepError(step, "the study has no session: " + c.study->sessionError());
  return {};
}

// "hiz-tear [N]": candidate N (1-based, default 1) of the last 'hiz' step becomes a
// tear of its level with an MR point at the focus and comment "HIZ".
Status hizTearStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSession(c, step); !s) return s;
  int n = 1;
  if (!trim(step.value).empty() && (std::sscanf(step.value.c_str(), "%d", &n) != 1 || n < 1))
    return stepError(step, "needs a candidate number >= 1");
  if (c.hizSeries < 0 || std::size_t(n) > c.hiz.size())
    return stepError(step, "no HIZ candidate " + std::to_string(n) + " (a 'hiz' step finds them first; it found " +
                               std::to_string(c.hiz.size()) + ")");
  const Series* mr = c.study->seriesAt(c.hizSeries);
  if (!mr) return stepError(step, "the series of the HIZ search is gone");
  auto id = c.study->session()->add(hizTear(c.hiz[std::size_t(n - 1)], *mr, c.reader));
  if (!id) return stepError(step, id.message());
  c.log.push_back("added " + *id + " (HIZ " + std::to_string(n) + ", " + c.hiz[std::size_t(n - 1)].level + ")");
  return {};
}

// "T2 grade=4 comment=\"...\"": the findings of a tear already in the session.
Status editTearStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSession(c, step); !s) return s;
  const auto space = step.value.find(' ');
  const std::string id = step.value.substr(0, space);
  const TearAnnotation* found = c.study->session()->find(id);
  if (!found) return stepError(step, "no tear " + id + " in the session");
  TearAnnotation tear = *found;
  if (Status s = applyTearEdit(tear, space == std::string::npos ? "" : step.value.substr(space + 1)); !s)
    return stepError(step, s.message());
  if (Status s = c.study->session()->update(tear); !s) {
    // Met another writer's edit of the same tear: not a failed step but a state the
    // reader settles with 'resolve' (the file keeps theirs until then).
    const auto& open = c.study->session()->conflicts();
    const bool conflict = std::any_of(open.begin(), open.end(), [&](const TearConflict& k) { return k.id == id; });
    if (!conflict) return stepError(step, s.message());
    c.log.push_back("conflict on " + id + ": " + s.message());
    return {};
  }
  c.log.push_back("changed " + id);
  return {};
}

Status removeTearStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSession(c, step); !s) return s;
  if (Status s = c.study->session()->remove(step.value); !s) return stepError(step, s.message());
  c.log.push_back("removed " + step.value);
  return {};
}

// Takes in what other writers saved, as the viewer does every 2 s.
Status refreshStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSession(c, step); !s) return s;
  if (!c.study->refreshSession()) {
    c.log.push_back("session unchanged on disk");
    return {};
  }
  const MergeResult& m = c.study->session()->lastMerge();
  c.log.push_back("session refreshed: " + std::to_string(m.addedElsewhere.size()) + " added, " +
                  std::to_string(m.removedElsewhere.size()) + " removed, " + std::to_string(m.changedElsewhere.size()) +
                  " changed elsewhere, " + std::to_string(c.study->session()->conflicts().size()) + " conflict(s)");
  return {};
}

// "T2 mine|theirs": the reader's choice for a tear changed here and elsewhere.
Status resolveStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSession(c, step); !s) return s;
  std::istringstream in(step.value);
  std::string id, side;
  in >> id >> side;
  if (side != "mine" && side != "theirs") return stepError(step, "needs ID mine|theirs");
  if (Status s = c.study->session()->resolveConflict(id, side == "mine"); !s) return stepError(step, s.message());
  c.log.push_back("kept " + side + " for " + id);
  return {};
}

// "PATH [SECONDS]": waits until another program has written PATH (default 60 s), so a
// demonstration or a test can take turns with a second reader or a script.
Status waitForStep(ScriptContext& c, const ScriptStep& step) {
  std::istringstream in(step.value);
  std::string path;
  double seconds = 60;
  in >> path >> seconds;
  if (path.empty()) return stepError(step, "needs a path");
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::error_code ec;
  while (!std::filesystem::exists(path, ec)) {
    if (std::chrono::steady_clock::now() > until)
      return stepError(step, path + " did not appear within " + std::to_string(int(seconds)) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  c.log.push_back("found " + path);
  return {};
}

// "PATH": writes an empty file, for a program waiting on this step with wait-for.
Status signalStep(ScriptContext& c, const ScriptStep& step) {
  if (step.value.empty()) return stepError(step, "needs a path");
  const std::string tmp = step.value + ".part";
  if (!std::ofstream(tmp) || std::rename(tmp.c_str(), step.value.c_str()) != 0)
    return stepError(step, "cannot write " + step.value);
  c.log.push_back("signalled " + step.value);
  return {};
}

// 'provocation level=L4-L5 opening-psi=12 ...': one level's record (ProvocationSpec.h),
// replacing that level's record when there is one.
Status provocationStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  auto spec = parseProvocationSpec(step.value);
  if (!spec) return stepError(step, spec.message());
  if (spec->level.observer.empty()) spec->level.observer = c.reader;
  if (Status s = resolveProvocationSpec(*spec, c.study->series()); !s) return stepError(step, s.message());
  if (Status s = c.study->session()->setProvocation(spec->level); !s) return stepError(step, s.message());
  c.log.push_back("recorded provocation " + spec->level.level);
  return {};
}

Status exportStep(ScriptContext& c, const ScriptStep& step) {
  if (Status s = needSeries(c, step); !s) return s;
  if (step.value.empty()) return stepError(step, "needs the SR's path");
  ExportRequest request = siblingExport(step.value);
  request.observerName = c.reader;
  const std::filesystem::path folder = std::filesystem::absolute(step.value).parent_path();
  if (const std::string open = worldReadableWarning(folder); !open.empty()) c.log.push_back("warning: " + open);
  c.exported = c.study->exportObjects(request);
  c.log.push_back(c.exported.summary());
  for (const auto& w : c.exported.warnings) c.log.push_back("warning: " + w);  // e.g. signed UNKNOWN^READER
  if (!c.exported.ok()) return stepError(step, c.exported.summary());
  return {};
}

Status sendStep(ScriptContext& c, const ScriptStep& step) {
  auto node = resolveAnyNode(step.value);
  if (!node) return stepError(step, node.message());
  if (c.exported.written.empty()) return stepError(step, "nothing exported to send (an 'export' step comes first)");
  // DIMSE through the outbox (what fails stays there for a retry), DICOMweb by STOW-RS.
  auto r = sendFilesTo(*node, c.exported.files(), Outbox::atDefaultLocation());
  if (!r) return stepError(step, r.message());
  for (const auto& f : r->report.files)
    c.log.push_back("sent " + f.path + ": " + outcomeName(f.outcome) +
                    (f.message.empty() ? "" : " (" + f.message + ")"));
  if (r->leftInOutbox)
    c.log.push_back(std::to_string(r->leftInOutbox) + " object(s) left in the outbox " +
                    Outbox::atDefaultLocation().dir().string() + " for a retry");
  if (!r->report.ok()) return stepError(step, "not every object was stored");
  return {};
}

}  // namespace

Result<std::vector<ScriptStep>> parseScript(const std::string& text) {
  std::vector<ScriptStep> steps;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto space = line.find_first_of(" \t");
    ScriptStep step{line.substr(0, space), space == std::string::npos ? "" : trim(line.substr(space)), n};
    if (!isStudyStep(step.name) && !isViewStep(step.name))
      return makeError("script line " + std::to_string(n) + ": unknown step '" + step.name + "'");
    steps.push_back(std::move(step));
  }
  return steps;
}

bool isStudyStep(const std::string& name) { return studySteps().count(name) != 0; }
bool isViewStep(const std::string& name) { return viewSteps().count(name) != 0; }

Status runStudyStep(ScriptContext& c, const ScriptStep& step) {
  const std::string& n = step.name;
  if (n == "open") return openStep(c, step, step.value);
  if (n == "retrieve") return retrieveStep(c, step);
  if (n == "series") return seriesStep(c, step);
  if (n == "frame") return frameStep(c, step);
  if (n == "labels") return labelsStep(c, step);
  if (n == "segment") return segmentStep(c, step);
  if (n == "filter") return filterStep(c, step);
  if (n == "hiz") return hizStep(c, step);
  if (n == "hiz-tear") return hizTearStep(c, step);
  if (n == "import-reports") return importStep(c, step);
  if (n == "tear") return tearStep(c, step);
  if (n == "provocation") return provocationStep(c, step);
  if (n == "export") return exportStep(c, step);
  if (n == "send-to") return sendStep(c, step);
  if (n == "edit-tear") return editTearStep(c, step);
  if (n == "remove-tear") return removeTearStep(c, step);
  if (n == "refresh") return refreshStep(c, step);
  if (n == "resolve") return resolveStep(c, step);
  if (n == "wait-for") return waitForStep(c, step);
  if (n == "signal") return signalStep(c, step);
  if (n == "session-folder") {  // for the opens that follow, as the viewer's setting
    c.studyOptions.sessionFolder = step.value;
    return {};
  }
  if (n == "reader") {
    c.reader = step.value;
    if (c.study) c.study->setReader(c.reader);
    return {};
  }
  return stepError(step, "not a study step: it needs the viewer (annulo --script)");
}

}  // namespace annulo
