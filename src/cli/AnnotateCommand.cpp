// annulo-cli annotate: create or extend a reading session from scripts.

#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/annotation/SessionFolder.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/SessionSync.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/study/TearSpec.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli annotate SESSION|--study UID [--source PATH] [--observer NAME]\n"
    "         [--add \"level=L4-L5 type=radial grade=3 clock=6 zone=central frame=30 point=256,300\"] (repeatable)\n"
    "         [--list [--json]] [--remove ID]\n"
    "  keys: level type grade clock zone leak pain comment observer frame series\n"
    "        point=x,y polyline=x1,y1;x2,y2;... polygon=... point3d=x,y,z polyline3d=...\n"
    "        area=MM2 onset-ms=MS onset-frame=N exit-deg=DEG target=x,y entry=x,y\n"
    "  without SESSION the study's file in the session folder is used ($ANNULO_SESSION_DIR, else\n"
    "  $XDG_DATA_HOME/annulo/sessions); edits are saved under a lock and merged with other writers'\n"
    "  (wait: $ANNULO_SESSION_LOCK_TIMEOUT seconds, default 5); --observer names the reader\n"
    "  (default $ANNULO_READER, else the login name)\n";

std::string nowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::localtime(&t));
  return buf;
}

void printTears(const Session& s, bool json) {
  if (json) {
    std::cout << nlohmann::json::parse(sessionToJson(s)).dump(2) << "\n";
    return;
  }
  std::cout << "session " << s.sessionUid << " (" << s.tears.size() << " tear(s)), source " << s.sourcePath << "\n";
  for (const auto& t : s.tears) {
    std::cout << "  " << t.id << "  " << t.level << " " << token(t.type) << " grade " << t.grade;
    if (t.clock) std::cout << " clock " << *t.clock;
    if (t.zone) std::cout << " " << token(*t.zone);
    std::cout << " leak " << token(t.leak) << " pain " << token(t.pain) << "  " << token(t.geometry.kind);
    if (!t.geometry.is3D()) std::cout << " on frame " << t.geometry.image.frameNumber;
    std::cout << (t.comment.empty() ? "" : "  \"" + t.comment + "\"") << "\n";
  }
}

}  // namespace

namespace {

int fail(const std::string& message, int code = kExitFailure) {
  std::cerr << "annulo-cli annotate: " << message << "\n";
  return code;
}

// SESSION as given, or the study's file in the session folder (ANNULO_SESSION_DIR,
// see SessionFolder.h) from --study UID or the study of --source.
Result<std::string> sessionPath(const Args& args, std::optional<LoadResult>& source) {
  if (!args.positional.empty()) return args.positional[0];
  std::string study = args.value("--study").value_or("");
  std::string abs;
  if (study.empty()) {
    if (!args.value("--source")) return makeError("expects a SESSION file, --study UID or --source PATH");
    abs = std::filesystem::absolute(*args.value("--source")).lexically_normal().string();
    auto r = loadSeries(abs, LoadOptions{false, 0, {}, nullptr});
    if (!r) return r.error();
    if (r->series.empty()) return makeError(abs + " holds no usable image series");
    study = r->series[0].study.instanceUid;
    source = std::move(*r);
  }
  const std::string folder = defaultSessionFolder();
  if (Status s = createPrivateFolder(folder); !s) return s.error();
  return sessionFileFor(folder, study, abs);
}

}  // namespace

int runAnnotate(const std::vector<std::string>& argv) {
  auto args =
      parseArgs(argv, {"--source", "--add", "--remove", "--observer", "--study"}, {"--list", "--json"}, {"--add"});
  if (!args || args->positional.size() > 1) {
    std::cerr << "annulo-cli annotate: " << (args ? "expects one SESSION file" : args.message()) << "\n" << kUsage;
    return kExitUsage;
  }
  std::optional<LoadResult> source;
  auto resolved = sessionPath(*args, source);
  if (!resolved) {
    std::cerr << "annulo-cli annotate: " << resolved.message() << "\n" << kUsage;
    return args->positional.empty() && !args->value("--source") && !args->value("--study") ? kExitUsage : kExitFailure;
  }
  const std::string path = *resolved;
  if (!std::filesystem::exists(path) && !args->value("--source"))
    return fail(path + " does not exist; a new session needs --source PATH", kExitUsage);
  // Every save is a merge with what other writers saved, under the session lock;
  // the edits carry this reader's name.
  const std::string writer = args->value("--observer").value_or(defaultReaderName());
  LockOptions lock = defaultLockOptions();
  lock.holder = writer;
  auto sync = std::make_shared<SessionSync>(path, lock);
  auto opened = sync->open();
  if (!opened) return fail(opened.message());
  AnnotationModel model(*opened, sync->hook(), writer);
  auto loadSource = [&]() -> Status {
    if (source && !source->series.empty() && source->series[0].study.instanceUid == model.session().studyInstanceUid)
      return {};
    LoadOptions o;
    o.readPixels = false;
    auto r = loadSeries(model.session().sourcePath, o);
    if (!r) return r.error();
    source = std::move(*r);
    return {};
  };
  if (auto src = args->value("--source")) {
    const std::string abs = std::filesystem::absolute(*src).lexically_normal().string();
    if (abs != model.session().sourcePath) {
      if (!source) {
        auto r = loadSeries(abs, LoadOptions{false, 0, {}, nullptr});
        if (!r || r->series.empty()) return fail(r ? abs + " holds no usable image series" : r.message());
        source = std::move(*r);
      }
      if (Status s = model.setSource(abs, source->series[0].study.instanceUid); !s) return fail(s.message());
    }
  }
  if (auto obs = args->value("--observer"); obs && *obs != model.session().observer)
    if (Status s = model.setObserver(*obs); !s) return fail(s.message());
  // Every --add is checked before the first is saved: a typo in the third does not
  // leave the first two in the session and the user unsure which went in.
  std::vector<TearSpec> requests;
  for (const std::string& add : args->all("--add")) {
    auto req = parseTearSpec(add);
    if (!req) return fail(req.message(), kExitUsage);
    req->tear.observedAt = nowIso();
    requests.push_back(std::move(*req));
  }
  if (!requests.empty()) {
    if (Status s = loadSource(); !s) return fail(s.message());
    for (auto& req : requests)
      if (Status s = resolveTearSpec(req, source->series); !s) return fail(s.message());
  }
  for (auto& req : requests) {
    auto id = model.add(req.tear);
    if (!id) return fail(id.message());
    std::cout << "added " << *id << " (saved to " << path << ")" << std::endl;
  }
  if (auto id = args->value("--remove")) {
    // Another writer may have added it since this session was opened.
    if (!model.find(*id))
      if (Status s = model.refresh(); !s) return fail(s.message());
    if (Status s = model.remove(*id); !s) return fail(s.message());
    std::cout << "removed " << *id << std::endl;
  }
  if (!std::filesystem::exists(path))
    if (Status s = model.refresh(); !s) return fail(s.message());
  if (args->has("--list")) printTears(model.session(), args->has("--json"));
  return kExitOk;
}

}  // namespace annulo::cli
