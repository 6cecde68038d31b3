#include "StudySession.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "annulo/annotation/SessionStore.h"

namespace annulo::app {
namespace {

std::string recentFile() {
  return (std::filesystem::path(sessionDirectory()).parent_path() / "recent.txt").string();
}

void saveRecent(const AppState& st) {
  std::filesystem::create_directories(std::filesystem::path(recentFile()).parent_path());
  std::ofstream out(recentFile(), std::ios::trunc);
  for (std::size_t i = 0; i < st.recent.size() && i < 12; ++i) out << st.recent[i] << "\n";
}

// The session's file name: the Study Instance UID when it is a real one (digits and
// dots, at most 64); otherwise a name from the source folder, so studies without a
// usable UID never share a file, and a malformed UID never names a path.
std::string sessionStem(const std::string& studyUid, const std::string& source) {
  const bool uid = !studyUid.empty() && studyUid.size() <= 64 &&
                   std::all_of(studyUid.begin(), studyUid.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  if (uid) return studyUid;
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs and builds, unlike std::hash
  for (unsigned char c : source + "|" + studyUid) h = (h ^ c) * 1099511628211ull;
  char stem[32];
  std::snprintf(stem, sizeof stem, "study-%016llx", static_cast<unsigned long long>(h));
  return stem;
}

// Tears belong to one study: showing a series of another study (a folder may hold
// several) switches to that study's session, opened or restored from its file.
void openSession(AppState& st, const std::string& study) {
  st.model.reset();
  st.sessionError.clear();
  st.exportPath.clear();  // else the next export would take the previous study's file name
  st.exportedFiles.clear();
  std::filesystem::create_directories(sessionDirectory());
  st.sessionStem = sessionStem(study, st.studyPath);
  st.sessionPath = (std::filesystem::path(sessionDirectory()) / (st.sessionStem + ".json")).string();
  Session session;
  bool writable = true;
  if (std::filesystem::exists(st.sessionPath)) {
    auto loaded = loadSession(st.sessionPath);
    if (loaded) {
      session = *loaded;
    } else {
      // Never overwrite a session we cannot read: edits stay in memory and say so.
      st.sessionError = loaded.message();
      writable = false;
    }
  }
  session.sourcePath = st.studyPath;
  session.studyInstanceUid = study;
  const std::string target = st.sessionPath;
  st.model = std::make_unique<AnnotationModel>(session, [target, writable](const Session& s) -> Status {
    if (!writable) return makeError("the session file is unreadable; fix or remove " + target);
    return saveSession(s, target);
  });
  st.selectedTear.clear();
  st.draft = TearAnnotation{};
  st.draft.level = "L4-L5";
}

}  // namespace

std::string sessionDirectory() {
  const char* data = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  std::filesystem::path base = data && *data ? data : (std::filesystem::path(home ? home : "/tmp") / ".local/share");
  return (base / "annulo" / "sessions").string();
}

void loadRecent(AppState& st) {
  std::ifstream in(recentFile());
  std::string line;
  while (std::getline(in, line) && st.recent.size() < 12)
    if (!line.empty()) st.recent.push_back(line);
}

void selectSeries(AppState& st, int index) {
  st.seriesIndex = index;
  st.frame = 0;
  st.labels.clear();
  ++st.labelsVersion;
  st.view = ViewState{};
  st.cine.playing = false;
  st.tool.cancel();
  st.measure.cancel();
  st.measurements.clear();
  if (const Series* s = st.series()) {
    st.window = defaultWindow(*s);
    st.frame = s->multiFrame ? 0 : int(s->sliceCount() / 2);
    st.crossColumn = s->columns / 2;
    st.crossRow = s->rows / 2;
    if (!st.model || st.model->session().studyInstanceUid != s->study.instanceUid) openSession(st, s->study.instanceUid);
  }
}

void adoptStudy(AppState& st, LoadResult result, const std::string& path) {
  st.study = std::make_unique<LoadResult>(std::move(result));
  st.derived.clear();
  st.loadError.clear();
  st.studyPath = std::filesystem::absolute(path).lexically_normal().string();
  st.recent.erase(std::remove(st.recent.begin(), st.recent.end(), st.studyPath), st.recent.end());
  st.recent.insert(st.recent.begin(), st.studyPath);
  saveRecent(st);
  st.model.reset();  // the first series shown opens its study's session
  st.sessionPath.clear();
  selectSeries(st, st.study->series.empty() ? -1 : 0);
}

}  // namespace annulo::app
