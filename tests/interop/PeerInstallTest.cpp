// The peer install must fail loudly when the registry cannot be reached (the
// interop tests then fail instead of skipping): ensure-peers.sh on a copy of
// tests/interop with an empty npm cache and a registry nobody listens on.

#include <gtest/gtest.h>

#include <filesystem>

#include "interop/Interop.h"
#include "peers/LocalOrthanc.h"

namespace annulo {
namespace {

TEST(InteropPeers, AnUnreachableRegistryIsAFailureWithNpmsMessage) {
  test::TempDir dir;
  for (const char* f : {"package.json", "package-lock.json", "ensure-peers.sh"})
    std::filesystem::copy_file(interop::interopDir() / f, dir / f);
  const std::string registry = "http://127.0.0.1:" + std::to_string(test::freeLoopbackPort()) + "/";
  std::string out;
  const int rc =
      test::runCommand("cd " + interop::shq(dir.path()) + " && npm_config_registry=" + registry +
                           " npm_config_cache=" + interop::shq(dir / "cache") +
                           " npm_config_fetch_retries=0 npm_config_fetch_timeout=3000 bash ensure-peers.sh 2>&1",
                       &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_FALSE(std::filesystem::exists(dir / "node_modules" / ".annulo-lock-sha256")) << "a failed install was stamped";
  EXPECT_NE(out.find("npm"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
