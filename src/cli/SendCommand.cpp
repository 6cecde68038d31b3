// annulo-cli send: C-STORE files and folders to a PACS, one line (or JSON object) per file.
// Every file goes through the persistent outbox first, so one that cannot be sent
// now stays there (with the reason) for `annulo-cli outbox retry`.

#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/dicom/FileCollector.h"
#include "annulo/net/AnyNode.h"
#include "annulo/net/DicomWeb.h"
#include "annulo/net/Outbox.h"
#include "annulo/net/Store.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli send PATH... --to PEER | --dicomweb URL [--json] [--calling-ae AE] [--timeout S]\n"
    "  PATH  DICOM files, folders (searched recursively) or DICOMDIRs\n";

nlohmann::json fileJson(const FileStoreResult& f, const std::string& outboxState) {
  return {{"path", f.path},
          {"outbox", outboxState},
          {"sop_instance_uid", f.sopInstanceUid},
          {"sop_class_uid", f.sopClassUid},
          {"transfer_syntax_uid", f.transferSyntaxUid},
          {"outcome", outcomeName(f.outcome)},
          {"status", f.status},
          {"message", f.message},
          {"bytes", f.bytes},
          {"ms", f.ms}};
}

void printText(const StoreReport& r, const PacsNode& node) {
  for (const auto& f : r.files) {
    std::cout << std::left << std::setw(22) << outcomeName(f.outcome) << " " << f.path;
    if (!f.sopInstanceUid.empty()) std::cout << "  " << f.sopInstanceUid;
    if (f.outcome == StoreOutcome::Success || f.outcome == StoreOutcome::Warning)
      std::cout << "  " << f.bytes << " B, " << std::fixed << std::setprecision(1) << f.ms << " ms";
    if (f.outcome != StoreOutcome::Success) std::cout << "  (" << f.message << ")";
    std::cout << "\n";
  }
  const double mb = double(r.bytesSent) / 1e6;
  std::cout << r.stored << " of " << r.files.size() << " file(s) stored on " << describe(node);
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

// STOW-RS: the DICOMweb peer answers per file at once (no outbox: HTTP has no
// association to lose mid-way; a failure is reported per file and nothing is kept).
int sendOverDicomWeb(const DicomWebNode& node, const Args& args) {
  const DicomWebNode* web = &node;
  auto files = gather(args.positional);
  if (!files || files->empty()) {
    std::cerr << "annulo-cli send: " << (files ? "no files to send" : files.message()) << "\n";
    return kExitFailure;
  }
  auto report = stowFiles(*web, *files);
  if (!report) {
    std::cerr << "annulo-cli send: " << report.message() << "\n";
    return kExitFailure;
  }
  if (args.has("--json")) {
    nlohmann::json j = {{"peer", describe(*web)},          {"stored", report->stored},   {"warnings", report->warnings},
                        {"not_stored", report->notStored}, {"bytes", report->bytesSent}, {"seconds", report->seconds}};
    j["files"] = nlohmann::json::array();
    for (const auto& f : report->files) j["files"].push_back(fileJson(f, ""));
    std::cout << j.dump(2) << "\n";
  } else {
    for (const auto& f : report->files)
      std::cout << outcomeName(f.outcome) << " " << f.path << "  " << f.sopInstanceUid
                << (f.message.empty() ? "" : "  (" + f.message + ")") << "\n";
    std::cout << report->stored << " of " << report->files.size() << " file(s) stored on " << describe(*web) << "\n";
  }
  return report->ok() ? kExitOk : kExitFailure;
}

}  // namespace

int runSend(const std::vector<std::string>& argv) {
  quietNetworkLog();
  std::set<std::string> valued = kNodeOptions;
  valued.insert({"--to", "--dicomweb"});
  auto args = parseArgs(argv, valued, withNodeFlags({"--json"}));
  if (!args || args->positional.empty() || !args->value("--to") == !args->value("--dicomweb")) {
    std::cerr << "annulo-cli send: "
              << (!args                      ? args.message()
                  : args->positional.empty() ? "expects at least one PATH"
                                             : "one of --to AET@HOST:PORT or --dicomweb URL is required")
              << "\n"
              << kUsage << kNodeOptionsUsage;
    return kExitUsage;
  }
  // --to takes a configured DICOMweb node by name too; --dicomweb a URL or such a name.
  const auto web = args->value("--dicomweb");
  auto any = anyNodeFromArgs(web ? *web : *args->value("--to"), *args);
  if (any && web && !any->web) any = makeError("--dicomweb needs a URL or a configured dicomweb node");
  if (!any) {
    std::cerr << "annulo-cli send: " << any.message() << "\n";
    return kExitUsage;
  }
  if (any->web) return sendOverDicomWeb(*any->web, *args);
  const auto node = any->dimse;
  auto files = gather(args->positional);
  if (!files) {
    std::cerr << "annulo-cli send: " << files.message() << "\n";
    return kExitFailure;
  }
  if (files->empty()) {
    std::cerr << "annulo-cli send: no files to send\n";
    return kExitFailure;
  }
  const SendReport sent =
      sendThroughOutbox(Outbox::atDefaultLocation(), *files, *node, nodeNameOf(*args->value("--to")));
  const StoreReport& report = sent.report;
  if (args->has("--json")) {
    nlohmann::json j = {{"peer", describe(*node)},
                        {"stored", report.stored},
                        {"warnings", report.warnings},
                        {"not_stored", report.notStored},
                        {"bytes", report.bytesSent},
                        {"seconds", report.seconds},
                        {"left_in_outbox", sent.leftInOutbox}};
    j["files"] = nlohmann::json::array();
    for (std::size_t i = 0; i < report.files.size(); ++i)
      j["files"].push_back(fileJson(report.files[i], sent.outboxState[i]));
    std::cout << j.dump(2) << "\n";
  } else {
    printText(report, *node);
    if (sent.leftInOutbox)
      std::cout << sent.leftInOutbox << " file(s) kept in the outbox " << Outbox::atDefaultLocation().dir().string()
                << " (annulo-cli outbox list | retry)\n";
  }
  return report.ok() ? kExitOk : kExitFailure;
}

}  // namespace annulo::cli
