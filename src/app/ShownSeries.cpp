#include "ShownSeries.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "annulo/study/StudyFolders.h"

namespace annulo::app {

void selectSeries(AppState& st, int index) {
  st.seriesIndex = index;
  st.frame = 0;
  st.view = ViewState{};
  st.cine.playing = false;
  st.tool.cancel();
  st.measure.cancel();
  st.measurements.clear();
  const Series* s = st.series();
  if (!s) return;
  st.window = defaultWindow(*s);
  st.frame = s->multiFrame ? 0 : int(s->sliceCount() / 2);
  st.crossColumn = s->columns / 2;
  st.crossRow = s->rows / 2;
  st.mprPlanes.reset();
  const AnnotationModel* before = st.model();
  st.study->selectSessionFor(*s);
  if (st.model() != before) {  // another study's session: its own export path and selection
    st.exportPath.clear();
    st.exportedFiles.clear();
    st.selectedTear.clear();
    st.draft = newDraft();
  }
}

void startOpen(AppState& st, const std::string& path) {
  st.pathInput = path;
  st.openingPath = path;
  const std::string sessionFolder = st.settings.sessionFolder;  // empty: the default (StudyFolders.h)
  // The first frame shows as soon as it is decoded: wake the UI if it sleeps.
  auto preview = std::make_shared<LoadPreview>([] { glfwPostEmptyEvent(); });
  st.opening.stop();  // the previous open's preview goes with it
  st.preview = preview;
  st.opening.start("opening " + path,
                   [path, sessionFolder, preview](JobControl& control) -> Result<std::unique_ptr<Study>> {
                     StudyOptions o;
                     o.sessionFolder = sessionFolder;
                     preview->attach(o.load);
                     o.load.cancel = control.cancelFlag();
                     o.load.progress = [&control](double f) { control.progress(float(f)); };
                     return Study::open(path, o);  // reports are read here too, not on the UI thread
                   });
}

bool pollOpen(AppState& st, const std::function<void()>& beforeReplace) {
  auto done = st.opening.take();
  if (!done) return false;
  if (!*done) {
    st.loadError = done->message();
    st.loadRejected.clear();
    return false;
  }
  std::unique_ptr<Study> study = std::move(done->value());
  if (study->series().empty()) {
    st.loadError = "no usable image series in " + st.openingPath + " (" + std::to_string(study->rejected().size()) +
                   " file(s) rejected); the open study stays";
    st.loadRejected = study->rejected();
    return false;
  }
  st.loadRejected.clear();
  if (beforeReplace) beforeReplace();
  adoptStudy(st, std::move(study));
  return true;
}

void adoptStudy(AppState& st, std::unique_ptr<Study> study) {
  st.exporting.stop();  // it reads the series of the study that goes
  st.study = std::move(study);
  if (!st.settings.reader.empty()) st.study->setReader(st.settings.reader);  // signs created_by / modified_by
  st.loadError.clear();
  (void)rememberRecent(st.study->path());  // a recent list that cannot be written costs nothing else
  st.recent = loadRecent();
  st.segmentations = adoptSegmentations(*st.study);  // SEG objects that came with it, drawn as labels
  st.seriesIndex = -1;
  selectSeries(st, st.study->series().empty() ? -1 : 0);
}

}  // namespace annulo::app
