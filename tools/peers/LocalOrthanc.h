#pragma once
// A private Orthanc on loopback for the network tests and the PACS benchmark: free
// ports picked at run time, storage in a scratch folder, killed on destruction.
// Header-only and free of GoogleTest, so the benchmark can use it too.

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "annulo/net/Echo.h"

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

class LocalOrthanc {
 public:
  LocalOrthanc(std::filesystem::path dir, std::string aet) : dir_(std::move(dir)), aet_(std::move(aet)) {}
  LocalOrthanc(const LocalOrthanc&) = delete;
  LocalOrthanc& operator=(const LocalOrthanc&) = delete;
  ~LocalOrthanc() { stop(); }

  // Starts `binary` with the ports, folders and AE title filled in over `extra`
  // settings, and waits until it answers C-ECHO; `error` says why not.
  bool start(const std::string& binary, const nlohmann::json& extra, std::string& error) {
    if (binary.empty()) return error = "Orthanc is not installed (tools/setup.sh installs it)", false;
    std::filesystem::create_directories(dir_);
    dicomPort_ = freeLoopbackPort();
    httpPort_ = freeLoopbackPort();
    while (httpPort_ == dicomPort_) httpPort_ = freeLoopbackPort();
    nlohmann::json c = extra;
    c.update({{"StorageDirectory", (dir_ / "storage").string()},
              {"IndexDirectory", (dir_ / "index").string()},
              {"DicomAet", aet_},
              {"DicomPort", dicomPort_},
              {"HttpPort", httpPort_},
              {"RemoteAccessAllowed", false},
              {"SaveJobs", false},
              {"StorageCompression", false}});
    // No login unless the caller asks for one (the DICOMweb credentials test).
    if (!extra.contains("AuthenticationEnabled")) c["AuthenticationEnabled"] = false;
    // No plugins unless the caller asks for some (e.g. the DICOMweb plugin).
    if (!extra.contains("Plugins")) c["Plugins"] = nlohmann::json::array();
    std::ofstream(dir_ / "orthanc.json") << c.dump(2);
    binary_ = binary;
    return launch(error);
  }

  // Starts it again after stop() on the same ports and storage (outbox fault tests).
  bool restart(std::string& error) {
    stop();
    return launch(error);
  }

  bool launch(std::string& error) {
    const std::string binary = binary_;
    const std::string config = (dir_ / "orthanc.json").string(), log = (dir_ / "orthanc.log").string();
    pid_ = fork();
    if (pid_ == 0) {
      if (!freopen(log.c_str(), "w", stdout) || !freopen(log.c_str(), "a", stderr)) _exit(127);
      execl(binary.c_str(), binary.c_str(), config.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return waitUntilReady(error);
  }

  // SIGKILL, not SIGTERM: a graceful Orthanc shutdown takes seconds, and its
  // storage is scratch anyway.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // With DicomTlsEnabled: how our side connects (also to see that it is ready).
  void setTls(const TlsSettings& tls) { tls_ = tls; }

  PacsNode node() const {
    PacsNode n;
    n.tls = tls_;
    n.calledAe = aet_;
    n.host = "127.0.0.1";
    n.port = dicomPort_;
    n.connectTimeoutS = 2;
    return n;
  }
  int httpPort() const { return httpPort_; }

  std::string log() const {
    std::ifstream in(dir_ / "orthanc.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
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

  std::filesystem::path dir_;
  std::string aet_;
  std::string binary_;
  TlsSettings tls_;
  int dicomPort_ = -1, httpPort_ = -1;
  pid_t pid_ = -1;
};

}  // namespace annulo::test
