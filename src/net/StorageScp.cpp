#include "annulo/net/StorageScp.h"

#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dul.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "annulo/net/PrivateFiles.h"
#include "annulo/net/Retrieve.h"
#include "net/Association.h"
#include "net/IncomingFile.h"
#include "net/TlsLayer.h"

namespace annulo {

using namespace net_detail;

namespace {

// DCMTK 3.6.7 always binds its acceptor to INADDR_ANY. We bind the listening
// socket ourselves and hand each accepted connection to DCMTK through
// dcmExternalSocketHandle (its inetd mode), a process-wide setting: one
// hand-over at a time.
std::mutex& handOverMutex() {
  static std::mutex m;
  return m;
}

std::vector<std::string> resolveIpv4(const std::string& host) {
  std::vector<std::string> out;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
  for (addrinfo* a = res; a; a = a->ai_next) {
    char buf[INET_ADDRSTRLEN];
    const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
    if (::inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf)) out.push_back(buf);
  }
  ::freeaddrinfo(res);
  return out;
}

Result<int> listenOn(const std::string& address, int port, int& boundPort) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return makeError(std::string("cannot create a socket: ") + std::strerror(errno));
  int reuse = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(std::uint16_t(port));
  const auto ips = resolveIpv4(address);
  if (ips.empty() || ::inet_pton(AF_INET, ips[0].c_str(), &a.sin_addr) != 1) {
    ::close(fd);
    return makeError("storage SCP: cannot resolve the bind address '" + address + "'");
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 8) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return makeError("storage SCP: cannot listen on " + address + ":" + std::to_string(port) + ": " + why);
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  boundPort = ntohs(a.sin_port);
  return fd;
}

std::string peerIpOf(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  char buf[INET_ADDRSTRLEN] = "?";
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
  return buf;
}

void reject(T_ASC_Association* assoc, T_ASC_RejectParametersReason reason) {
  T_ASC_RejectParameters rej{ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, reason};
  (void)ASC_rejectAssociation(assoc, &rej);
}

OFCondition acceptContexts(T_ASC_Parameters* params) {
  std::vector<const char*> ts;
  for (const auto& t : acceptedTransferSyntaxes()) ts.push_back(t.c_str());
  std::vector<const char*> classes = {UID_VerificationSOPClass};
  for (const auto& c : retrievableSopClasses()) classes.push_back(c.c_str());
  return ASC_acceptContextsWithPreferredTransferSyntaxes(params, classes.data(), int(classes.size()), ts.data(),
                                                         int(ts.size()));
}

// Our side of DICOM TLS: our certificate is required; peers are verified when a CA is given.
Result<std::shared_ptr<DcmTLSTransportLayer>> scpTlsLayer(const StorageScpConfig& c) {
  const std::string who = "storage SCP " + c.aeTitle;
  if (c.tls.certFile.empty() || c.tls.keyFile.empty())
    return makeError("TLS for " + who + ": needs our certificate and its private key (PEM)");
  TlsSettings t = c.tls;
  t.verifyPeer = t.verifyPeer && !t.caFile.empty();
  auto layer = makeTlsLayer(t, NET_ACCEPTOR, who);
  if (!layer) return layer.error();
  return std::shared_ptr<DcmTLSTransportLayer>(std::move(*layer));
}

// DUL's own handshake error, or the OpenSSL layer's ("TLS error: wrong version number").
bool isTlsFailure(const OFCondition& cond) {
  return (cond.module() == OFM_dcmnet && cond.code() == DULC_TLSERROR) || cond.module() == OFM_dcmtls ||
         std::string(cond.text()).rfind("TLS error", 0) == 0;
}

}  // namespace

Result<std::unique_ptr<StorageScp>> StorageScp::start(StorageScpConfig config) {
  if (config.folder.empty()) return makeError("storage SCP: no folder to store into");
  if (auto s = makePrivateDirs(config.folder); !s) return s.error();
  std::unique_ptr<StorageScp> scp(new StorageScp(std::move(config)));
  if (scp->config_.tls.enabled) {
    auto layer = scpTlsLayer(scp->config_);
    if (!layer) return layer.error();
    scp->tls_ = *layer;
  }
  for (const auto& p : scp->config_.peers)
    scp->peerAddresses_.push_back(p.host.empty() ? std::vector<std::string>{} : resolveIpv4(p.host));
  auto fd = listenOn(scp->config_.bindAddress, scp->config_.port, scp->port_);
  if (!fd) return fd.error();
  scp->listenFd_ = *fd;
  scp->log("storage SCP " + scp->config_.aeTitle + " listening on " + scp->config_.bindAddress + ":" +
           std::to_string(scp->port_) +
           (scp->tls_ ? std::string(" (DICOM TLS") +
                            (scp->config_.tls.caFile.empty() ? "" : ", peer certificates verified") + ")"
                      : std::string()));
  scp->thread_ = std::thread([s = scp.get()] { s->run(); });
  return scp;
}

StorageScp::~StorageScp() { stop(); }

void StorageScp::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listenFd_ >= 0) ::close(listenFd_);
  listenFd_ = -1;
}

std::vector<ScpReceived> StorageScp::received() const {
  std::lock_guard<std::mutex> g(mutex_);
  return received_;
}

std::vector<std::string> StorageScp::failures() const {
  std::lock_guard<std::mutex> g(mutex_);
  return failures_;
}

void StorageScp::log(const std::string& line) const {
  if (config_.log) config_.log(line);
}

void StorageScp::run() {
  while (!stop_) {
    pollfd p{listenFd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd, peerIpOf(fd));
  }
}

namespace {

// One incoming C-STORE: the data set in memory, written, answered.
bool serveStore(T_ASC_Association* assoc, T_ASC_PresentationContextID id, T_DIMSE_C_StoreRQ& req, int timeoutS,
                const std::filesystem::path& folder, std::string& error, std::string& path) {
  DcmDataset* received = nullptr;
  OFCondition cond = DIMSE_receiveDataSetInMemory(assoc, DIMSE_NONBLOCKING, timeoutS, &id, &received, nullptr, nullptr);
  if (cond.bad()) {
    delete received;
    error = std::string("receiving a C-STORE data set failed: ") + cond.text();
    return false;
  }
  T_DIMSE_C_StoreRSP rsp{};
  rsp.MessageIDBeingRespondedTo = req.MessageID;
  auto written = writeIncoming(folder, req.AffectedSOPInstanceUID, received);
  rsp.DimseStatus = written ? STATUS_Success : STATUS_STORE_Refused_OutOfResources;
  if (written)
    path = *written;
  else
    error = written.message();
  rsp.DataSetType = DIMSE_DATASET_NULL;
  OFStandard::strlcpy(rsp.AffectedSOPClassUID, req.AffectedSOPClassUID, sizeof rsp.AffectedSOPClassUID);
  OFStandard::strlcpy(rsp.AffectedSOPInstanceUID, req.AffectedSOPInstanceUID, sizeof rsp.AffectedSOPInstanceUID);
  rsp.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
  return DIMSE_sendStoreResponse(assoc, id, &req, &rsp, nullptr).good();
}

}  // namespace

void StorageScp::handle(int fd, const std::string& peerIp) {
  T_ASC_Network* net = nullptr;
  T_ASC_Association* assoc = nullptr;
  OFCondition cond;
  {
    std::lock_guard<std::mutex> g(handOverMutex());
    dcmExternalSocketHandle.set(fd);
    cond = ASC_initializeNetwork(NET_ACCEPTOR, port_, config_.acseTimeoutS, &net);
    if (cond.good() && tls_) cond = ASC_setTransportLayer(net, tls_.get(), 0);
    if (cond.good())
      cond = ASC_receiveAssociation(net, &assoc, ASC_DEFAULTMAXPDU, nullptr, nullptr, tls_ ? OFTrue : OFFalse,
                                    DUL_NOBLOCK, config_.acseTimeoutS);
    dcmExternalSocketHandle.set(DCMNET_INVALID_SOCKET);
  }
  if (!net) ::close(fd);  // else the association's connection owns the socket
  if (cond.bad() && tls_ && isTlsFailure(cond)) {
    ++rejected_;
    log("refused connection from " + peerIp +
        ": TLS handshake failed (a peer without DICOM TLS, or a certificate "
        "our CA did not sign): " +
        cond.text());
  } else if (cond.bad()) {
    log("association request from " + peerIp + " failed: " + cond.text());
  } else {
    const std::string calling = assoc->params->DULparams.callingAPTitle;
    const std::string called = assoc->params->DULparams.calledAPTitle;
    const std::string who = "from " + peerIp + " (calling AE '" + calling + "', called AE '" + called + "')";
    int known = -1;
    for (std::size_t i = 0; i < config_.peers.size() && known < 0; ++i) {
      if (config_.peers[i].callingAe != calling) continue;
      const auto& ips = peerAddresses_[i];
      if (config_.peers[i].host.empty() || std::find(ips.begin(), ips.end(), peerIp) != ips.end()) known = int(i);
    }
    if (called != config_.aeTitle) {
      reject(assoc, ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED);
      ++rejected_;
      log("rejected association " + who + ": called AE title not recognised (we are '" + config_.aeTitle + "')");
    } else if (known < 0) {
      reject(assoc, ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED);
      ++rejected_;
      log("rejected association " + who + ": not a configured peer (calling AE title not recognised)");
    } else if (acceptContexts(assoc->params).bad() || ASC_acknowledgeAssociation(assoc).bad()) {
      log("association " + who + ": cannot accept it");
    } else {
      log("accepted association " + who);
      serve(assoc, calling);
    }
    ASC_dropSCPAssociation(assoc);
    ASC_destroyAssociation(&assoc);
  }
  if (net) ASC_dropNetwork(&net);
}

void StorageScp::serve(T_ASC_Association* assoc, const std::string& calling) {
  int stored = 0;
  while (true) {
    T_ASC_PresentationContextID id = 0;
    T_DIMSE_Message msg{};
    OFCondition cond = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING, config_.dimseTimeoutS, &id, &msg, nullptr);
    if (cond == DUL_PEERREQUESTEDRELEASE) {
      (void)ASC_acknowledgeRelease(assoc);
      break;
    }
    if (cond.bad()) {  // aborted, timed out or broken: what was written stays, complete
      if (cond != DUL_PEERABORTEDASSOCIATION) (void)ASC_abortAssociation(assoc);
      log("association with " + calling + " ended: " + cond.text());
      break;
    }
    if (msg.CommandField == DIMSE_C_ECHO_RQ) {
      (void)DIMSE_sendEchoResponse(assoc, id, &msg.msg.CEchoRQ, STATUS_Success, nullptr);
    } else if (msg.CommandField == DIMSE_C_STORE_RQ) {
      std::string error, path;
      const bool intact = serveStore(assoc, id, msg.msg.CStoreRQ, config_.dimseTimeoutS, config_.folder, error, path);
      {
        std::lock_guard<std::mutex> g(mutex_);
        if (!path.empty()) received_.push_back({path, msg.msg.CStoreRQ.AffectedSOPInstanceUID, calling});
        if (!error.empty()) failures_.push_back(error);
      }
      if (!path.empty()) ++stored;
      if (!intact) {
        (void)ASC_abortAssociation(assoc);
        break;
      }
    } else {
      log("association with " + calling + ": unsupported DIMSE command " + hex4(msg.CommandField) + ", aborted");
      (void)ASC_abortAssociation(assoc);
      break;
    }
  }
  log("association with " + calling + " released, " + std::to_string(stored) + " instance(s) stored");
}

}  // namespace annulo
