#pragma once
// The network tests' PACS: a LocalOrthanc that knows our AE title (echo, store,
// find, get allowed), checks the called AE title, and answers what it holds.

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "peers/LocalOrthanc.h"
#include "support/TestSupport.h"

namespace annulo::test {

class OrthancServer {
 public:
  static constexpr const char* kAet = "ANNULOTEST";

  bool start(std::string& error) {
    const nlohmann::json allow = {{"AET", "ANNULO"},   {"Host", "127.0.0.1"}, {"Port", 104},
                                  {"AllowEcho", true}, {"AllowStore", true},  {"AllowFind", true},
                                  {"AllowGet", true},  {"AllowMove", false}};
    const nlohmann::json settings = {{"Name", "annulo-test"},           {"DicomCheckCalledAet", true},
                                     {"DicomAlwaysAllowEcho", true},    {"DicomAlwaysAllowStore", true},
                                     {"DicomAlwaysAllowFind", true},    {"DicomAlwaysAllowGet", true},
                                     {"DicomCheckModalityHost", false}, {"DicomModalities", {{"annulo", allow}}},
                                     {"DicomAssociationCloseDelay", 0}, {"HttpThreadsCount", 4},
                                     {"DicomThreadsCount", 2}};
    return orthanc_.start(orthancBinary(), settings, error);
  }
  void stop() { orthanc_.stop(); }
  bool restart(std::string& error) { return orthanc_.restart(error); }

  PacsNode node() const { return orthanc_.node(); }
  std::string nodeText() const { return std::string(kAet) + "@127.0.0.1:" + std::to_string(node().port); }

  // SOP Instance UIDs Orthanc holds, from its REST API.
  std::multiset<std::string> storedSopInstanceUids() const {
    std::string out;
    runCommand("curl -s --max-time 10 'http://127.0.0.1:" + std::to_string(orthanc_.httpPort()) + "/instances?expand'",
               &out);
    std::multiset<std::string> uids;
    const auto j = nlohmann::json::parse(out, nullptr, false);
    if (!j.is_array()) return uids;
    for (const auto& i : j) uids.insert(i["MainDicomTags"].value("SOPInstanceUID", ""));
    return uids;
  }

  std::string log() const { return orthanc_.log(); }

 private:
  TempDir dir_;
  LocalOrthanc orthanc_{dir_.path(), kAet};
};

}  // namespace annulo::test
