// annulo-cli send: C-STORE files and folders to a PACS, one line (or JSON object) per file.

#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/dicom/FileCollector.h"
#include "annulo/net/DicomWeb.h"
#include "annulo/net/Store.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli send PATH... --to AET@HOST:PORT | --dicomweb URL [--json] [--calling-ae AE] [--timeout S]\n"
    "  PATH  DICOM files, folders (searched recursively) or DICOMDIRs\n";

nlohmann::json fileJson(const FileStoreResult& f) {
  return {{"path", f.path},
          {"sop_instance_uid", f.sopInstanceUid},
          {"sop_class_uid", f.sopClassUid},
          {"transfer_syntax_uid", f.transferSyntaxUid},
          {"outcome", outcomeName(f.outcome)},
          {"status", f.status},
          {"message", f.message},
          {"bytes", f.bytes},
          {"ms", f.ms}};
}

void printText(const StoreReport& r, const std::string& peer) {
  for (const auto& f : r.files) {
    std::cout << std::left << std::setw(22) << outcomeName(f.outcome) << " " << f.path;
    if (!f.sopInstanceUid.empty()) std::cout << "  " << f.sopInstanceUid;
    if (f.outcome == StoreOutcome::Success || f.outcome == StoreOutcome::Warning)
      std::cout << "  " << f.bytes << " B, " << std::fixed << std::setprecision(1) << f.ms << " ms";
    if (f.outcome != StoreOutcome::Success) std::cout << "  (" << f.message << ")";
    std::cout << "\n";
  }
  const double mb = double(r.bytesSent) / 1e6;
  std::cout << r.stored << " of " << r.files.size() << " file(s) stored on " << peer;
  if (r.warnings) std::cout << " (" << r.warnings << " with warnings)";
  std::cout << ", " << std::fixed << std::setprecision(2) << mb << " MB in " << r.seconds << " s";
  if (r.seconds > 0) std::cout << " (" << mb / r.seconds << " MB/s)";
  std::cout << "\n";
}

Result<std::vector<std::string>> gather(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    auto c = collectFiles(p);
    if (!c) return c.error();
    files.insert(files.end(), c->files.begin(), c->files.end());
    for (const auto& r : c->rejected) files.push_back(r.path);  // reported per file by storeFiles
  }
  return files;
}

}  // namespace

int runSend(const std::vector<std::string>& argv) {
  quietNetworkLog();
  std::set<std::string> valued = kNodeOptions;
  valued.insert({"--to", "--dicomweb"});
  auto args = parseArgs(argv, valued, {"--json"});
  if (!args || args->positional.empty() || !args->value("--to") == !args->value("--dicomweb")) {
    std::cerr << "annulo-cli send: "
              << (!args ? args.message()
                  : args->positional.empty() ? "expects at least one PATH"
                                             : "one of --to AET@HOST:PORT or --dicomweb URL is required")
              << "\n" << kUsage << kNodeOptionsUsage;
    return kExitUsage;
  }
  std::optional<PacsNode> node;
  std::optional<DicomWebNode> webNode;
  std::string peer;
  if (const auto web = args->value("--dicomweb")) {
    auto n = parseDicomWebNode(*web);
    if (!n) {
      std::cerr << "annulo-cli send: " << n.message() << "\n";
      return kExitUsage;
    }
    webNode = *n, peer = describe(*n);
  } else {
    auto n = nodeFromArgs(*args->value("--to"), *args);
    if (!n) {
      std::cerr << "annulo-cli send: " << n.message() << "\n";
      return kExitUsage;
    }
    node = *n, peer = describe(*n);
  }
  auto files = gather(args->positional);
  if (!files) {
    std::cerr << "annulo-cli send: " << files.message() << "\n";
    return kExitFailure;
  }
  // STOW-RS (PS3.18 10.5) or C-STORE: one result per file either way.
  auto report = webNode ? stowFiles(*webNode, *files) : storeFiles(*node, *files);
  if (!report) {
    std::cerr << "annulo-cli send: " << report.message() << "\n";
    return kExitFailure;
  }
  if (args->has("--json")) {
    nlohmann::json j = {{"peer", peer},      {"stored", report->stored},
                        {"warnings", report->warnings}, {"not_stored", report->notStored},
                        {"bytes", report->bytesSent},   {"seconds", report->seconds}};
    j["files"] = nlohmann::json::array();
    for (const auto& f : report->files) j["files"].push_back(fileJson(f));
    std::cout << j.dump(2) << "\n";
  } else {
    printText(*report, peer);
  }
  return report->ok() ? kExitOk : kExitFailure;
}

}  // namespace annulo::cli
