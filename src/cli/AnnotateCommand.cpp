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
#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/Vocabulary.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/study/TearSpec.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli annotate SESSION [--source PATH] [--observer NAME]\n"
    "         [--add \"level=L4-L5 type=radial grade=3 clock=6 zone=central frame=30 point=256,300\"] (repeatable)\n"
    "         [--list [--json]] [--remove ID]\n"
    "  keys: level type grade clock zone leak pain comment observer frame series\n"
    "        point=x,y polyline=x1,y1;x2,y2;... polygon=... point3d=x,y,z polyline3d=...\n"
    "        area=MM2 onset-ms=MS onset-frame=N exit-deg=DEG target=x,y entry=x,y\n";

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

int runAnnotate(const std::vector<std::string>& argv) {
  auto args = parseArgs(argv, {"--source", "--add", "--remove", "--observer"}, {"--list", "--json"}, {"--add"});
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli annotate: " << (args ? "expects one SESSION file" : args.message()) << "\n" << kUsage;
    return kExitUsage;
  }
  const std::string path = args->positional[0];
  Session session;
  if (std::filesystem::exists(path)) {
    auto loaded = loadSession(path);
    if (!loaded) {
      std::cerr << "annulo-cli annotate: " << loaded.message() << "\n";
      return kExitFailure;
    }
    session = *loaded;
  } else if (!args->value("--source")) {
    std::cerr << "annulo-cli annotate: " << path << " does not exist; a new session needs --source PATH\n";
    return kExitUsage;
  }
  AnnotationModel model(session, [&](const Session& s) { return saveSession(s, path); });
  std::optional<LoadResult> source;
  auto loadSource = [&]() -> Status {
    if (source) return {};
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
      auto r = loadSeries(abs, LoadOptions{false, 0, {}, nullptr});
      if (!r || r->series.empty()) {
        std::cerr << "annulo-cli annotate: " << (r ? abs + " holds no usable image series" : r.message()) << "\n";
        return kExitFailure;
      }
      if (Status s = model.setSource(abs, r->series[0].study.instanceUid); !s) {
        std::cerr << "annulo-cli annotate: " << s.message() << "\n";
        return kExitFailure;
      }
      source = std::move(*r);
    }
  }
  if (auto obs = args->value("--observer")) {
    Session next = model.session();
    next.observer = *obs;
    if (Status s = saveSession(next, path); !s) {
      std::cerr << "annulo-cli annotate: " << s.message() << "\n";
      return kExitFailure;
    }
    model = AnnotationModel(next, [&](const Session& s) { return saveSession(s, path); });
  }
  // Every --add is checked before the first is saved: a typo in the third does not
  // leave the first two in the session and the user unsure which went in.
  std::vector<TearSpec> requests;
  for (const std::string& add : args->all("--add")) {
    auto req = parseTearSpec(add);
    if (!req) {
      std::cerr << "annulo-cli annotate: " << req.message() << "\n";
      return kExitUsage;
    }
    req->tear.observedAt = nowIso();
    requests.push_back(std::move(*req));
  }
  if (!requests.empty()) {
    if (Status s = loadSource(); !s) {
      std::cerr << "annulo-cli annotate: " << s.message() << "\n";
      return kExitFailure;
    }
    for (auto& req : requests)
      if (Status s = resolveTearSpec(req, source->series); !s) {
        std::cerr << "annulo-cli annotate: " << s.message() << "\n";
        return kExitFailure;
      }
  }
  for (auto& req : requests) {
    auto id = model.add(req.tear);
    if (!id) {
      std::cerr << "annulo-cli annotate: " << id.message() << "\n";
      return kExitFailure;
    }
    std::cout << "added " << *id << " (saved to " << path << ")\n";
  }
  if (auto id = args->value("--remove")) {
    if (Status s = model.remove(*id); !s) {
      std::cerr << "annulo-cli annotate: " << s.message() << "\n";
      return kExitFailure;
    }
    std::cout << "removed " << *id << "\n";
  }
  if (!std::filesystem::exists(path)) {
    if (Status s = saveSession(model.session(), path); !s) {
      std::cerr << "annulo-cli annotate: " << s.message() << "\n";
      return kExitFailure;
    }
  }
  if (args->has("--list")) printTears(model.session(), args->has("--json"));
  return kExitOk;
}

}  // namespace annulo::cli
