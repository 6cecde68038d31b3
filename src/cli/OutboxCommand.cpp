// annulo-cli outbox: what is waiting to be sent, send it again, or clear it.

#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "PacsNodeArg.h"
#include "annulo/net/Outbox.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli outbox list [--json]\n"
    "       annulo-cli outbox retry [--json]\n"
    "       annulo-cli outbox clear [--all]\n"
    "  list   every queued object: pending, failed (with the reason) or sent\n"
    "  retry  send every pending or failed object again\n"
    "  clear  remove the sent objects (--all: every object, sent or not)\n";

int usageError(const std::string& why) {
  std::cerr << "annulo-cli outbox: " << why << "\n" << kUsage;
  return kExitUsage;
}

nlohmann::json itemsJson(const std::vector<OutboxItem>& items) {
  nlohmann::json j = {{"items", nlohmann::json::array()}};
  for (const auto& i : items) j["items"].push_back(outboxItemJson(i));
  return j;
}

void printItems(const std::vector<OutboxItem>& items) {
  for (const auto& i : items) {
    std::cout << std::left << std::setw(8) << outboxStateName(i.state) << " " << i.sopInstanceUid << " -> " << i.node
              << "  attempts " << i.attempts;
    if (!i.lastAttempt.empty()) std::cout << ", last " << i.lastAttempt;
    if (!i.reason.empty()) std::cout << "  (" << i.reason << ")";
    std::cout << "\n";
  }
}

int list(const Outbox& box, bool json) {
  auto items = box.list();
  if (!items) {
    std::cerr << "annulo-cli outbox: " << items.message() << "\n";
    return kExitFailure;
  }
  if (json) {
    std::cout << itemsJson(*items).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << items->size() << " item(s) in " << box.dir().string() << "\n";
  printItems(*items);
  return kExitOk;
}

int retry(const Outbox& box, bool json) {
  const OutboxSendReport r = box.retryAll(nodeResolverFromConfig());
  if (json) {
    nlohmann::json j = itemsJson(r.items);
    j["sent"] = r.sent;
    j["failed"] = r.failed;
    j["busy"] = r.busy;
    j["seconds"] = r.seconds;
    std::cout << j.dump(2) << "\n";
  } else {
    printItems(r.items);
    std::cout << r.sent << " sent, " << r.failed << " failed";
    if (!r.busy.empty()) std::cout << ", " << r.busy.size() << " being sent by another process";
    std::cout << " (" << std::fixed << std::setprecision(2) << r.seconds << " s)\n";
  }
  return r.failed == 0 ? kExitOk : kExitFailure;
}

int clear(const Outbox& box, bool everything) {
  auto removed = box.clear(everything);
  if (!removed) {
    std::cerr << "annulo-cli outbox: " << removed.message() << "\n";
    return kExitFailure;
  }
  std::cout << "removed " << removed->size() << " item(s) from " << box.dir().string() << "\n";
  for (const auto& id : *removed) std::cout << "  " << id << "\n";
  return kExitOk;
}

}  // namespace

int runOutbox(const std::vector<std::string>& argv) {
  quietNetworkLog();
  auto args = parseArgs(argv, {}, {"--json", "--all"});
  if (!args) return usageError(args.message());
  if (args->positional.size() != 1) return usageError("expects one of list, retry, clear");
  const std::string what = args->positional[0];
  const Outbox box = Outbox::atDefaultLocation();
  if (what == "list") return list(box, args->has("--json"));
  if (what == "retry") return retry(box, args->has("--json"));
  if (what == "clear") return clear(box, args->has("--all"));
  return usageError("unknown outbox action '" + what + "'");
}

}  // namespace annulo::cli
