#include "annulo/net/Echo.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <chrono>

#include "net/Association.h"

namespace annulo {

using namespace net_detail;

Result<EchoReport> echo(const PacsNode& node) {
  const auto start = std::chrono::steady_clock::now();
  auto assoc = Association::open(
      node,
      {{UID_VerificationSOPClass, {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}}});
  if (!assoc) return assoc.error();
  Association& a = **assoc;
  DIC_US status = 0;
  DcmDataset* detail = nullptr;
  OFCondition cond =
      DIMSE_echoUser(a.get(), a.get()->nextMsgID++, DIMSE_NONBLOCKING, node.dimseTimeoutS, &status, &detail);
  delete detail;  // DCMTK hands over ownership; the status code says enough
  if (cond.bad()) {
    a.markBroken();
    return a.dimseError("C-ECHO", cond);
  }
  if (auto s = a.release(); !s) return s.error();
  if (status != 0)
    return makeError("C-ECHO to " + describe(node) + " answered " + hex4(status) + " (" + statusMeaning(status) + ")");
  EchoReport r;
  r.status = status;
  r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace annulo
