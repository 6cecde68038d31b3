#pragma once
// Sending a clinician's report and images to a PACS from the viewer: the node
// (DICOM: AE title, host, port; or DICOMweb: the service URL) edited and
// remembered, Echo and Send on a worker thread, a determinate bar with Cancel,
// the per-file result. DICOM sends go through the persistent outbox (the Outbox
// view lists what is waiting); DICOMweb sends are one STOW-RS request.

#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/net/AnyNode.h"
#include "annulo/net/Echo.h"
#include "annulo/net/NodeConfig.h"
#include "annulo/net/PacsNode.h"
#include "annulo/study/Job.h"

namespace annulo::app {

struct PacsSendState {
  // Edited in place by the panel; char buffers because ImGui edits C strings.
  int protocol = 0;  // 0: DICOM (DIMSE), 1: DICOMweb
  char calledAe[17] = "ORTHANC";
  char host[256] = "localhost";
  int port = 4242;
  char callingAe[17] = "ANNULO";
  char url[512] = "http://localhost:8042/dicom-web";
  char caFile[512] = "";  // https: the CA to verify the server against (empty: the system's CAs)
  // A node of the node configuration (nodes.json) chosen by name: used as configured
  // (TLS, CA, its credentials entry); empty: the fields as typed.
  std::string nodeName;
  NodeConfig nodes;        // read with pacs.json
  std::string nodesError;  // nodes.json could not be read
  bool loaded = false;     // node read from pacs.json on the first draw

  Job<EchoReport> echoJob;
  Job<SendReport> sendJob;
  void stopAll() {
    echoJob.stop();
    sendJob.stop();
  }

  std::string status;                      // last echo/send outcome, one line
  std::string error;                       // last failure, shown in red
  std::vector<FileStoreResult> lastFiles;  // per-file results of the last send
  std::vector<std::string> lastOutbox;     // parallel: the outbox state of each ("" for DICOMweb)
  bool sentToOutbox = false;               // the last send left something in the outbox
};

// The node in $XDG_CONFIG_HOME/annulo/pacs.json (else ~/.config/annulo/pacs.json),
// written 0600 (the folder 0700 when made here).
std::string pacsConfigPath();
Status loadPacsNode(PacsSendState& st);
Status savePacsNode(const PacsSendState& st);

// The node as edited (read from pacs.json on first use), and its fields for a panel:
// the study browser's PACS section and the export's Send share one node.
PacsNode pacsNodeFrom(const PacsSendState& st);
Result<AnyNode> anyNodeFrom(const PacsSendState& st);
void ensurePacsNodeLoaded(PacsSendState& st);
// Chooses the configured node `name` (fills the fields to show it); unknown: the typed fields.
void showConfiguredNode(PacsSendState& st, const std::string& name);
void drawPacsNodeFields(PacsSendState& st);

// Draws the panel contents (call inside an ImGui window) and polls the worker.
// `files` are the DICOM files Send will store (e.g. the study's images plus the
// exported SR/SEG/GSPS); the vector is copied when Send is pressed.
void drawPacsSend(PacsSendState& st, const std::vector<std::string>& files);

}  // namespace annulo::app
