#pragma once
// A private Orthanc for the network tests: its own ports (free ones picked at
// run time), storage under a temp folder, loopback only, killed on destruction.
// Header-only so that tests/CMakeLists.txt's *Test.cpp glob needs no change.

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "annulo/net/Echo.h"
#include "support/TestSupport.h"

namespace annulo::test {

inline std::string orthancBinary() {
  for (const char* p : {"/usr/sbin/Orthanc", "/usr/bin/Orthanc", "/usr/local/bin/Orthanc"})
    if (access(p, X_OK) == 0) return p;
  return {};
}

// A port nobody listens on right now (the kernel's pick for an ephemeral bind).
inline int freeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

class OrthancServer {
 public:
  static constexpr const char* kAet = "ANNULOTEST";

  // Starts Orthanc and waits until it answers C-ECHO; `error` says why not.
  bool start(std::string& error) {
    const std::string binary = orthancBinary();
    if (binary.empty()) return error = "Orthanc is not installed (tools/setup.sh installs it)", false;
    dicomPort_ = freeLoopbackPort();
    httpPort_ = freeLoopbackPort();
    while (httpPort_ == dicomPort_) httpPort_ = freeLoopbackPort();
    writeConfig();
    const std::string config = (dir_ / "orthanc.json").string();
    const std::string log = (dir_ / "orthanc.log").string();
    pid_ = fork();
    if (pid_ == 0) {
      if (!freopen(log.c_str(), "w", stdout) || !freopen(log.c_str(), "a", stderr)) _exit(127);
      execl(binary.c_str(), binary.c_str(), config.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return waitUntilReady(error);
  }

  ~OrthancServer() { stop(); }

  // SIGKILL, not SIGTERM: a graceful Orthanc shutdown takes seconds, and its
  // storage is a temp folder that goes away with the test anyway.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  PacsNode node() const {
    PacsNode n;
    n.calledAe = kAet;
    n.host = "127.0.0.1";
    n.port = dicomPort_;
    n.connectTimeoutS = 2;
    return n;
  }
  std::string nodeText() const { return std::string(kAet) + "@127.0.0.1:" + std::to_string(dicomPort_); }

  // SOP Instance UIDs Orthanc holds, from its REST API.
  std::multiset<std::string> storedSopInstanceUids() const {
    std::string out;
    runCommand("curl -s --max-time 10 'http://127.0.0.1:" + std::to_string(httpPort_) + "/instances?expand'", &out);
    std::multiset<std::string> uids;
    const auto j = nlohmann::json::parse(out, nullptr, false);
    if (!j.is_array()) return uids;
    for (const auto& i : j) uids.insert(i["MainDicomTags"].value("SOPInstanceUID", ""));
    return uids;
  }

  std::string log() const {
    std::ifstream in(dir_ / "orthanc.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  void writeConfig() {
    const nlohmann::json allow = {{"AET", "ANNULO"},       {"Host", "127.0.0.1"},  {"Port", 104},
                                  {"AllowEcho", true},     {"AllowStore", true},   {"AllowFind", true},
                                  {"AllowGet", true},      {"AllowMove", false}};
    const nlohmann::json c = {{"Name", "annulo-test"},
                              {"StorageDirectory", (dir_ / "storage").string()},
                              {"IndexDirectory", (dir_ / "index").string()},
                              {"DicomAet", kAet},
                              {"DicomPort", dicomPort_},
                              {"HttpPort", httpPort_},
                              {"RemoteAccessAllowed", false},
                              {"AuthenticationEnabled", false},
                              {"DicomCheckCalledAet", true},
                              {"DicomAlwaysAllowEcho", true},
                              {"DicomAlwaysAllowStore", true},
                              {"DicomAlwaysAllowFind", true},
                              {"DicomAlwaysAllowGet", true},
                              {"DicomCheckModalityHost", false},
                              {"DicomModalities", {{"annulo", allow}}},
                              {"Plugins", nlohmann::json::array()},
                              {"SaveJobs", false},
                              {"DicomAssociationCloseDelay", 0},
                              {"StorageCompression", false},
                              {"HttpThreadsCount", 4},
                              {"DicomThreadsCount", 2}};
    std::ofstream(dir_ / "orthanc.json") << c.dump(2);
  }

  bool waitUntilReady(std::string& error) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    PacsNode n = node();
    n.connectTimeoutS = 1;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return error = "Orthanc exited at start-up:\n" + log(), false;
      }
      if (echo(n).ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return error = "Orthanc did not answer C-ECHO within 20 s:\n" + log(), false;
  }

  TempDir dir_;
  int dicomPort_ = -1, httpPort_ = -1;
  pid_t pid_ = -1;
};

}  // namespace annulo::test
