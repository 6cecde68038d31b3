#include "annulo/annotation/SessionStore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "annotation/ProvocationSessionJson.h"
#include "annulo/annotation/SessionFolder.h"
#include "annulo/annotation/SessionLock.h"
#include "annulo/annotation/Vocabulary.h"

namespace annulo {
namespace {

using nlohmann::json;
constexpr const char* kFormat = "annulo-session";
constexpr int kVersion = 1;

template <typename T>
json optional(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <typename T>
std::optional<T> optionalFrom(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<T>();
}

json geometryJson(const TearGeometry& g) {
  return {{"kind", token(g.kind)},
          {"points", g.points},
          {"image",
           {{"sop_class_uid", g.image.sopClassUid},
            {"sop_instance_uid", g.image.sopInstanceUid},
            {"series_instance_uid", g.image.seriesInstanceUid},
            {"study_instance_uid", g.image.studyInstanceUid},
            {"frame", g.image.frameNumber}}},
          {"frame_of_reference_uid", g.frameOfReferenceUid}};
}

json tearJson(const TearAnnotation& t) {
  json j = {{"id", t.id},
            {"tracking_uid", t.trackingUid},
            {"level", t.level},
            {"type", token(t.type)},
            {"grade", t.grade},
            {"clock", optional(t.clock)},
            {"zone", t.zone ? json(token(*t.zone)) : json(nullptr)},
            {"leak", token(t.leak)},
            {"pain", token(t.pain)},
            {"comment", t.comment},
            {"observer", t.observer},
            {"observed_at", t.observedAt},
            {"created_by", t.createdBy},
            {"created_at", t.createdAt},
            {"modified_by", t.modifiedBy},
            {"modified_at", t.modifiedAt},
            {"geometry", geometryJson(t.geometry)},
            {"leak_figures", nullptr},
            {"catheter", nullptr}};
  if (t.leakFigures) {
    const LeakFigures& f = *t.leakFigures;
    j["leak_figures"] = {
        {"area_mm2", optional(f.areaMm2)},       {"onset_ms", optional(f.onsetMs)},
        {"onset_frame", optional(f.onsetFrame)}, {"exit_direction_deg", optional(f.exitDirectionDeg)},
        {"calibration", f.calibration},          {"segmentation_sop_instance_uid", f.segmentationSopInstanceUid}};
  }
  if (t.catheter) {
    const CatheterPlan& c = *t.catheter;
    j["catheter"] = {
        {"target", c.target}, {"entry", c.entry}, {"length_mm", c.lengthMm}, {"calibration", c.calibration}};
  }
  return j;
}

template <typename E>
E coded(const json& j, const char* key, std::optional<E> (*parse)(const std::string&)) {
  const std::string v = j.at(key).get<std::string>();
  auto e = parse(v);
  if (!e) throw std::runtime_error(std::string("unknown ") + key + " '" + v + "'");
  return *e;
}

TearGeometry geometryFrom(const json& j) {
  TearGeometry g;
  g.kind = coded<GeometryKind>(j, "kind", parseGeometryKind);
  g.points = j.at("points").get<std::vector<std::array<double, 3>>>();
  const json& im = j.at("image");
  g.image = {im.at("sop_class_uid").get<std::string>(), im.at("sop_instance_uid").get<std::string>(),
             im.at("series_instance_uid").get<std::string>(), im.at("study_instance_uid").get<std::string>(),
             im.at("frame").get<int>()};
  g.frameOfReferenceUid = j.at("frame_of_reference_uid").get<std::string>();
  return g;
}

TearAnnotation tearFrom(const json& j) {
  TearAnnotation t;
  t.id = j.at("id").get<std::string>();
  t.trackingUid = j.at("tracking_uid").get<std::string>();
  t.level = j.at("level").get<std::string>();
  t.type = coded<TearType>(j, "type", parseTearType);
  t.grade = j.at("grade").get<int>();
  t.clock = optionalFrom<int>(j, "clock");
  if (!j.at("zone").is_null()) t.zone = coded<SpinalZone>(j, "zone", parseZone);
  t.leak = coded<LeakPattern>(j, "leak", parseLeak);
  t.pain = coded<PainResponse>(j, "pain", parsePain);
  t.comment = j.at("comment").get<std::string>();
  t.observer = j.at("observer").get<std::string>();
  t.observedAt = j.at("observed_at").get<std::string>();
  // Absent in files written before edits carried their writer.
  t.createdBy = j.value("created_by", "");
  t.createdAt = j.value("created_at", "");
  t.modifiedBy = j.value("modified_by", "");
  t.modifiedAt = j.value("modified_at", "");
  t.geometry = geometryFrom(j.at("geometry"));
  if (const json& f = j.at("leak_figures"); !f.is_null()) {
    LeakFigures lf;
    lf.areaMm2 = optionalFrom<double>(f, "area_mm2");
    lf.onsetMs = optionalFrom<double>(f, "onset_ms");
    lf.onsetFrame = optionalFrom<int>(f, "onset_frame");
    lf.exitDirectionDeg = optionalFrom<double>(f, "exit_direction_deg");
    lf.calibration = f.at("calibration").get<std::string>();
    lf.segmentationSopInstanceUid = f.at("segmentation_sop_instance_uid").get<std::string>();
    t.leakFigures = lf;
  }
  if (const json& c = j.at("catheter"); !c.is_null()) {
    CatheterPlan p;
    p.target = c.at("target").get<std::array<double, 2>>();
    p.entry = c.at("entry").get<std::array<double, 2>>();
    p.lengthMm = c.at("length_mm").get<double>();
    p.calibration = c.at("calibration").get<std::string>();
    t.catheter = p;
  }
  return t;
}

Status writeAll(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError(path + ": write failed (" + std::strerror(errno) + ")");
    }
    done += std::size_t(n);
  }
  return {};
}

// The rename is only durable once the directory entry is on disk too.
void syncDirectory(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

std::string backupPath(const std::string& path) { return path + ".bak"; }

std::string sessionToJson(const Session& s) {
  json tears = json::array();
  for (const auto& t : s.tears) tears.push_back(tearJson(t));
  json j = {{"format", kFormat},
            {"version", kVersion},
            {"session_uid", s.sessionUid},
            {"source_path", s.sourcePath},
            {"study_instance_uid", s.studyInstanceUid},
            {"observer", s.observer},
            {"next_id", s.nextId},
            {"revision", s.revision},
            {"tears", tears},
            {"provocation", detail::provocationToJson(s.provocation)}};
  if (!s.discPlanes.empty()) {
    json planes = json::array();
    for (const auto& p : s.discPlanes)
      planes.push_back({{"level", p.level},
                        {"centre", p.centre},
                        {"left", p.left},
                        {"back", p.back},
                        {"normal", p.normal},
                        {"radius_mm", p.radiusMm}});
    j["disc_planes"] = planes;
  }
  return j.dump(1) + "\n";
}

Result<Session> sessionFromJson(const std::string& text) {
  try {
    const json j = json::parse(text);
    if (!j.is_object() || j.value("format", "") != kFormat)
      return makeError("not an Annulo session (format field missing)");
    if (j.at("version").get<int>() > kVersion)
      return makeError("session version " + std::to_string(j.at("version").get<int>()) + " is newer than this program");
    Session s;
    s.sessionUid = j.at("session_uid").get<std::string>();
    s.sourcePath = j.at("source_path").get<std::string>();
    s.studyInstanceUid = j.at("study_instance_uid").get<std::string>();
    s.observer = j.at("observer").get<std::string>();
    s.nextId = j.at("next_id").get<int>();
    s.revision = j.value("revision", std::int64_t(0));
    for (const auto& t : j.at("tears")) s.tears.push_back(tearFrom(t));
    s.provocation = detail::provocationFromJson(j);
    if (j.contains("disc_planes"))
      for (const auto& p : j.at("disc_planes")) {
        DiscPlane d;
        d.level = p.at("level").get<std::string>();
        d.centre = p.at("centre").get<Vec3>();
        d.left = p.at("left").get<Vec3>();
        d.back = p.at("back").get<Vec3>();
        d.normal = p.at("normal").get<Vec3>();
        d.radiusMm = p.value("radius_mm", 25.0);
        s.discPlanes.push_back(std::move(d));
      }
    return s;
  } catch (const std::exception& e) {
    return makeError(e.what());
  }
}

Status writeSessionFile(const Session& session, const std::string& path) {
  static std::atomic<unsigned> counter{0};
  const std::string data = sessionToJson(session);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return makeError(tmp + ": cannot create (" + std::strerror(errno) + ")");
  // Set explicitly, not left to the umask: the rename below keeps this mode.
  Status w = ::fchmod(fd, sessionFileMode(path)) == 0
                 ? Status()
                 : makeError(tmp + ": cannot set its mode (" + std::strerror(errno) + ")");
  if (w) w = writeAll(fd, data, tmp);
  if (w && ::fsync(fd) != 0) w = makeError(tmp + ": fsync failed (" + std::strerror(errno) + ")");
  ::close(fd);
  if (!w) {
    ::unlink(tmp.c_str());
    return w;
  }
  // The file being replaced was written by this function, so it is complete:
  // it becomes the last good copy. A hard link keeps PATH present throughout.
  const std::string bak = backupPath(path);
  if (::access(path.c_str(), F_OK) == 0) {
    const std::string bakTmp = bak + ".tmp." + std::to_string(::getpid());
    ::unlink(bakTmp.c_str());
    if (::link(path.c_str(), bakTmp.c_str()) == 0) ::rename(bakTmp.c_str(), bak.c_str());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return makeError(path + ": cannot replace (" + err + ")");
  }
  syncDirectory(path);
  return {};
}

Status saveSession(const Session& session, const std::string& path) {
  auto lock = SessionLock::acquire(path);
  if (!lock) return lock.error();
  Session next = session;
  ++next.revision;
  return writeSessionFile(next, path);
}

Result<Session> updateSession(const std::string& path, const std::function<Status(Session&)>& edit,
                              const Session& fresh, const LockOptions& options) {
  auto lock = SessionLock::acquire(path, options);
  if (!lock) return lock.error();
  Session s = fresh;
  if (::access(path.c_str(), F_OK) == 0) {
    auto onDisk = loadSession(path);
    if (!onDisk) return onDisk.error();
    s = std::move(*onDisk);
  }
  if (Status e = edit(s); !e) return e.error();
  ++s.revision;
  if (Status w = writeSessionFile(s, path); !w) return w.error();
  return s;
}

Result<Session> loadSession(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(path + ": cannot open session file");
  std::stringstream buf;
  buf << in.rdbuf();
  auto s = sessionFromJson(buf.str());
  if (s) return s;
  std::string msg = path + ": session file is corrupt or truncated (" + s.message() + ")";
  if (std::filesystem::exists(backupPath(path)))
    msg += "; the last good copy is " + backupPath(path) + " (left untouched, as is this file)";
  return makeError(msg);
}

}  // namespace annulo
