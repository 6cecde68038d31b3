#pragma once
// The interop suites' shared inputs: the peer readers under node (installed
// from tests/interop/package-lock.json by ensure-peers.sh; a missing node,
// npm or registry is a test FAILURE, never a skip), and the six-tear session
// of issue 17 on sample_data exported once per test binary with annulo-cli
// (SR + leak SEG + GSPS, signed by a reader).

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "annulo/annotation/AnnotationModel.h"
#include "support/TestSupport.h"

namespace annulo::interop {

inline std::string shq(const std::filesystem::path& p) { return "'" + p.string() + "'"; }
inline std::filesystem::path interopDir() { return test::sourceDir() / "tests" / "interop"; }
inline std::filesystem::path sampleData() { return test::sourceDir() / "sample_data"; }

// Empty when the peers are installed; else npm's message.
inline const std::string& peersError() {
  static const std::string error = [] {
    std::string out;
    const int rc = test::runCommand("bash " + shq(interopDir() / "ensure-peers.sh") + " 2>&1", &out);
    return rc == 0 ? std::string()
                   : "installing the node peer readers failed (exit " + std::to_string(rc) + "):\n" + out;
  }();
  return error;
}

#define ANNULO_REQUIRE_PEERS() ASSERT_TRUE(::annulo::interop::peersError().empty()) << ::annulo::interop::peersError()

// Runs `node tests/interop/SCRIPT ARGS`; the script prints one JSON document.
inline nlohmann::json runPeer(const std::string& script, const std::string& args, std::string* raw = nullptr) {
  std::string out;
  const int rc = test::runCommand("cd " + shq(interopDir()) + " && node " + script + " " + args + " 2>&1", &out);
  if (raw) *raw = out;
  if (rc != 0) {
    ADD_FAILURE() << script << " exited " << rc << ":\n" << out;
    return {};
  }
  try {
    return nlohmann::json::parse(out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << script << " printed no JSON (" << e.what() << "):\n" << out;
    return {};
  }
}

struct SixTears {
  test::TempDir dir;
  std::string session, report, seg, gsps, labels;
  Session model;  // the session as annotate wrote it
  std::string error;
};

// Issue 17's session: on the XA cine a point, a polyline with a catheter plan, a
// polygon with leak figures, a point with figures; on the MR a point3d and a
// polyline3d given with their slice (frame=8, the slice of the phantom's HIZ).
const SixTears& sixTears();

}  // namespace annulo::interop
