#include "PacsNodeArg.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

namespace annulo::cli {

Result<PacsNode> nodeFromArgs(const std::string& text, const Args& args) {
  auto node = parsePacsNode(text);
  if (!node) return node;
  if (auto ae = args.value("--calling-ae")) node->callingAe = *ae;
  if (auto t = args.value("--timeout")) {
    auto n = parseNumbers(*t, ',');
    if (!n || n->size() != 1 || (*n)[0] < 1) return makeError("--timeout needs a number of seconds >= 1");
    node->connectTimeoutS = int((*n)[0]);
  }
  if (auto s = validate(*node); !s) return s.error();
  return node;
}

OutboxNodeResolver nodeResolverFromConfig() { return nodeOfItem; }

void quietNetworkLog() { OFLog::configure(OFLogger::FATAL_LOG_LEVEL); }

}  // namespace annulo::cli
