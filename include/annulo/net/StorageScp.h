#pragma once
// Our storage SCP: accepts incoming associations (a PACS answering our C-MOVE, a
// colleague's workstation sending) on a configurable port, bound to loopback
// unless configured otherwise, and only from configured peers: an unknown
// calling AE title (or a known one from the wrong host) is rejected with the
// standard A-ASSOCIATE-RJ reason (PS3.8 9.3.4: "calling-AE-title-not-recognized",
// "called-AE-title-not-recognized"), and logged with AE titles and the address,
// never patient data. Received instances are written like a C-GET's: private,
// atomically, folder/<SOPInstanceUID>.dcm.
//
// Accepted: Verification, and retrievableSopClasses() (Retrieve.h) with
// acceptedTransferSyntaxes(), the file's own lossless syntax preferred.
// One association at a time, on a thread of its own.
//
// DICOM TLS (PS3.15 B.9, BCP 195, as the client's TlsLayer): with `tls.enabled`
// every connection must complete a TLS handshake before its A-ASSOCIATE-RQ is
// read; our certificate and key are required, and when `tls.caFile` is given the
// peer must present a certificate that CA signed. A peer speaking plain DICOM to
// the TLS port is dropped and logged ("TLS handshake ... failed").

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/PacsNode.h"

struct T_ASC_Association;    // DCMTK's, kept out of this header
class DcmTLSTransportLayer;  // likewise

namespace annulo {

struct ScpPeer {
  std::string callingAe;  // the AE title the peer calls us with
  std::string host;       // empty: any address; else its name or IP (resolved when the SCP starts)
};

struct StorageScpConfig {
  std::string aeTitle = "ANNULO";         // the called AE title we answer to
  std::string bindAddress = "127.0.0.1";  // "0.0.0.0" to accept from other machines
  int port = 11112;                       // 0: any free port (see StorageScp::port())
  std::vector<ScpPeer> peers;             // no peers: nobody may connect
  std::filesystem::path folder;           // created 0700
  int acseTimeoutS = 10, dimseTimeoutS = 30;
  TlsSettings tls;  // certFile + keyFile: ours; caFile: peers must show a certificate it signed
  std::function<void(const std::string&)> log;  // one line per association event; called on the SCP thread
};

struct ScpReceived {
  std::string path, sopInstanceUid, callingAe;
};

class StorageScp {
 public:
  // Binds and listens before returning, so a peer may connect at once.
  static Result<std::unique_ptr<StorageScp>> start(StorageScpConfig config);
  ~StorageScp();  // stop()
  StorageScp(const StorageScp&) = delete;
  StorageScp& operator=(const StorageScp&) = delete;

  int port() const { return port_; }
  // Finishes the association in progress, then closes the port.
  void stop();

  std::vector<ScpReceived> received() const;
  std::vector<std::string> failures() const;  // instances we could not store, and why
  int rejectedAssociations() const { return rejected_.load(); }

 private:
  explicit StorageScp(StorageScpConfig config) : config_(std::move(config)) {}
  void run();
  void handle(int fd, const std::string& peerIp);
  void serve(::T_ASC_Association* assoc, const std::string& callingAe);
  void log(const std::string& line) const;

  StorageScpConfig config_;
  std::vector<std::vector<std::string>> peerAddresses_;  // parallel to config_.peers
  std::shared_ptr<DcmTLSTransportLayer> tls_;            // one for every connection; null without TLS
  int listenFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> rejected_{0};
  mutable std::mutex mutex_;
  std::vector<ScpReceived> received_;
  std::vector<std::string> failures_;
  std::thread thread_;
};

}  // namespace annulo
