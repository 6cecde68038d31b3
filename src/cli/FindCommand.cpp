// annulo-cli find: C-FIND at study level on a PACS.

#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/net/DicomWeb.h"
#include "annulo/net/Find.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli find --on PEER | --dicomweb URL [--patient-id X] [--patient-name X] [--modality XA]\n"
    "                       [--date FROM-TO] [--accession X] [--study-uid UID] [--json]\n"
    "  --date  YYYYMMDD-YYYYMMDD; either side may be empty; --patient-name takes * and ?\n"
    "       annulo-cli find --on PEER --study-uid UID --series [--json]   the series of one study\n";

int usageError(const std::string& why) {
  std::cerr << "annulo-cli find: " << why << "\n" << kUsage << kNodeOptionsUsage;
  return kExitUsage;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\\") + s;
  return out;
}

nlohmann::json matchJson(const StudyMatch& m) {
  return {
      {"study_uid", m.studyInstanceUid}, {"patient_name", m.patientName},     {"patient_id", m.patientId},
      {"study_date", m.studyDate},       {"description", m.studyDescription}, {"accession_number", m.accessionNumber},
      {"modalities", m.modalities},      {"instances", m.numberOfInstances},  {"series", m.numberOfSeries}};
}

// Series-level C-FIND, or QIDO-RS {base}/studies/{uid}/series: the same matches.
int listSeries(const AnyNode& node, const std::string& studyUid, bool json) {
  if (studyUid.empty()) return usageError("--series needs --study-uid UID");
  auto series = node.web ? qidoFindSeries(*node.web, studyUid) : findSeries(*node.dimse, studyUid);
  if (!series) {
    std::cerr << "annulo-cli find: " << series.message() << "\n";
    return kExitFailure;
  }
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : *series)
      j.push_back({{"series_uid", s.seriesInstanceUid},
                   {"modality", s.modality},
                   {"number", s.seriesNumber},
                   {"description", s.seriesDescription},
                   {"instances", s.numberOfInstances}});
    std::cout << nlohmann::json({{"peer", describe(node)}, {"study_uid", studyUid}, {"series", j}}).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << series->size() << " series in study " << studyUid << " on " << describe(node) << "\n";
  for (const auto& s : *series)
    std::cout << "  " << s.seriesInstanceUid << "  " << s.modality << "  #" << s.seriesNumber << "  "
              << s.numberOfInstances << " instance(s)  " << s.seriesDescription << "\n";
  return kExitOk;
}

}  // namespace

int runFind(const std::vector<std::string>& argv) {
  quietNetworkLog();
  std::set<std::string> valued = kNodeOptions;
  valued.insert(
      {"--on", "--dicomweb", "--patient-id", "--patient-name", "--modality", "--date", "--accession", "--study-uid"});
  auto args = parseArgs(argv, valued, withNodeFlags({"--json", "--series"}));
  if (!args) return usageError(args.message());
  if (!args->positional.empty()) return usageError("unexpected argument '" + args->positional[0] + "'");
  const auto web = args->value("--dicomweb");
  if (!args->value("--on") == !web) return usageError("one of --on AET@HOST:PORT or --dicomweb URL is required");
  std::string peer;
  std::optional<PacsNode> node;
  std::optional<DicomWebNode> webNode;
  // --on takes a configured DICOMweb node by name too; --dicomweb a URL or such a name.
  auto any = anyNodeFromArgs(web ? *web : *args->value("--on"), *args);
  if (!any) return usageError(any.message());
  if (web && !any->web) return usageError("--dicomweb needs a URL or a configured dicomweb node");
  node = any->dimse, webNode = any->web;
  peer = webNode ? describe(*webNode) : describe(*node);
  if (args->has("--series")) {
    return listSeries(*any, args->value("--study-uid").value_or(""), args->has("--json"));
  }
  StudyQuery q;
  q.patientId = args->value("--patient-id").value_or("");
  q.patientName = args->value("--patient-name").value_or("");
  q.modality = args->value("--modality").value_or("");
  q.accessionNumber = args->value("--accession").value_or("");
  q.studyInstanceUid = args->value("--study-uid").value_or("");
  if (auto d = args->value("--date"))
    if (auto s = parseDateRange(*d, q); !s) return usageError(s.message());

  // QIDO-RS (PS3.18 10.6) or C-FIND: the same query, the same matches.
  auto matches = webNode ? qidoFindStudies(*webNode, q) : findStudies(*node, q);
  if (!matches) {
    std::cerr << "annulo-cli find: " << matches.message() << "\n";
    return kExitFailure;
  }
  if (args->has("--json")) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& m : *matches) j.push_back(matchJson(m));
    std::cout << nlohmann::json({{"peer", peer}, {"studies", j}}).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << matches->size() << " stud" << (matches->size() == 1 ? "y" : "ies") << " on " << peer << "\n";
  for (const auto& m : *matches)
    std::cout << "  " << m.studyInstanceUid << "  " << m.studyDate << "  " << m.patientName << " [" << m.patientId
              << "]  " << joined(m.modalities) << "  " << m.numberOfInstances << " instance(s)  " << m.studyDescription
              << "\n";
  return kExitOk;
}

}  // namespace annulo::cli
