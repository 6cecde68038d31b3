#include "annulo/net/AnyNode.h"

#include <map>

#include "annulo/net/Credentials.h"
#include "annulo/net/NodeConfig.h"

namespace annulo {
namespace {

FileStoreResult notQueued(const std::string& path, const std::string& why) {
  FileStoreResult r;
  r.path = path;
  r.outcome = StoreOutcome::NotDicom;
  r.message = why;
  return r;
}

}  // namespace

Result<AnyNode> parseAnyNode(const std::string& text, const std::string& callingAe) {
  AnyNode n;
  if (looksLikeDicomWeb(text)) {
    auto web = parseDicomWebNode(text);
    if (!web) return web.error();
    n.web = *web;
    return n;
  }
  auto dimse = parsePacsNode(text);
  if (!dimse) return makeError(dimse.message() + " (or a DICOMweb URL http://host:port/root)");
  if (!callingAe.empty()) dimse->callingAe = callingAe;
  if (auto s = validate(*dimse); !s) return s.error();
  n.dimse = *dimse;
  return n;
}

Result<DicomWebNode> webNodeOf(const ConfiguredNode& node, const NodeConfig& config) {
  auto web = parseDicomWebNode(node.url);
  if (!web) return makeError("node '" + node.name + "': " + web.message());
  web->caFile = node.caFile;
  web->credentialName = node.name;
  web->connectTimeoutS = config.connectTimeoutS;
  return web;
}

Result<AnyNode> resolveAnyNode(const std::string& text, const NodeConfig& config) {
  const ConfiguredNode* named = config.find(text);
  if (!named) return parseAnyNode(text, config.local.aeTitle);
  AnyNode n;
  if (named->protocol == "dicomweb") {
    auto web = webNodeOf(*named, config);
    if (!web) return web.error();
    n.web = *web;
  } else {
    n.dimse = named->node;
    if (n.dimse->tls.enabled && !n.dimse->tls.keyFile.empty()) {
      auto secret = credentialsFor(named->name);
      if (!secret) return secret.error();
      n.dimse->tls.keyPassword = secret->keyPassword;
    }
  }
  return n;
}

Result<AnyNode> resolveAnyNode(const std::string& text) {
  auto config = loadDefaultNodeConfig();
  if (!config) return config.error();
  return resolveAnyNode(text, *config);
}

std::string describe(const AnyNode& node) {
  if (node.web) return "DICOMweb " + describe(*node.web);
  return node.dimse ? describe(*node.dimse) : std::string("no node");
}

Result<std::vector<StudyMatch>> findStudiesOn(const AnyNode& node, const StudyQuery& query) {
  if (node.web) return qidoFindStudies(*node.web, query);
  if (!node.dimse) return makeError("no PACS node given");
  return findStudies(*node.dimse, query);
}

Result<RetrieveReport> retrieveStudyFrom(const AnyNode& node, const std::string& studyInstanceUid,
                                         const std::string& folder, const RetrieveOptions& options) {
  if (node.web) return wadoRetrieveStudy(*node.web, studyInstanceUid, folder, options);
  if (!node.dimse) return makeError("no PACS node given");
  return retrieveStudy(*node.dimse, studyInstanceUid, folder, options);
}

SendReport sendThroughOutbox(const Outbox& outbox, const std::vector<std::string>& files, const PacsNode& node,
                             const std::string& nodeName, const StoreOptions& options) {
  SendReport out;
  std::vector<std::string> ids(files.size());
  out.report.files.resize(files.size());
  out.outboxState.resize(files.size());
  std::vector<std::string> queued;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto item = outbox.enqueue(files[i], node, nodeName);
    if (!item) {
      out.report.files[i] = notQueued(files[i], item.message());
      continue;
    }
    ids[i] = item->id;
    queued.push_back(item->id);
  }
  const OutboxSendReport sent = outbox.send(queued, nodeOfItem, options);
  std::map<std::string, std::size_t> byId;
  for (std::size_t k = 0; k < sent.items.size(); ++k) byId[sent.items[k].id] = k;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (ids[i].empty()) continue;
    FileStoreResult& r = out.report.files[i];
    if (auto it = byId.find(ids[i]); it == byId.end()) {
      r = notQueued(files[i], "being sent by another process");
      r.outcome = StoreOutcome::Failure;
      out.outboxState[i] = "pending";
    } else {
      r = sent.results[it->second];
      out.outboxState[i] = outboxStateName(sent.items[it->second].state);
    }
    r.path = files[i];
    if (out.outboxState[i] != "sent") ++out.leftInOutbox;
  }
  countStoreOutcomes(out.report);
  out.report.seconds = sent.seconds;
  return out;
}

Result<SendReport> sendFilesTo(const AnyNode& node, const std::vector<std::string>& files, const Outbox& outbox,
                               const StoreOptions& options) {
  if (files.empty()) return makeError("nothing to send");
  if (node.dimse) return sendThroughOutbox(outbox, files, *node.dimse, {}, options);
  if (!node.web) return makeError("no PACS node given");
  auto r = stowFiles(*node.web, files, options);
  if (!r) return r.error();
  SendReport out;
  out.report = std::move(*r);
  out.outboxState.assign(out.report.files.size(), "");
  return out;
}

OutboxNodeResolver configuredNodeResolver() {
  return [](const OutboxItem& item) -> Result<PacsNode> {
    if (!item.nodeName.empty()) {
      auto config = loadDefaultNodeConfig();
      if (!config) return config.error();
      if (const ConfiguredNode* n = config->find(item.nodeName)) return n->node;
    }
    return nodeOfItem(item);
  };
}

}  // namespace annulo
