// annulo-cli's own executable links only what info and stats need (src/cli/Dispatch.h):
// the heavy libraries stay in its siblings, and a command run through a sibling
// behaves as before (tests/cli/CliTest.cpp runs every command through annulo-cli).

#include <gtest/gtest.h>

#include "support/TestSupport.h"

namespace annulo {
namespace {

std::string sharedObjects(const std::string& executable) {
  std::string out;
  EXPECT_EQ(test::runCommand("ldd '" + executable + "' 2>&1", &out), 0) << out;
  return out;
}

TEST(CliStartup, AnnuloCliLoadsNoVtkFfmpegItkOrCurl) {
  const std::string libs = sharedObjects(test::cliPath());
  for (const char* heavy : {"libvtk", "libavcodec", "libITK", "libcurl", "libdcmnet", "libX11"})
    EXPECT_EQ(libs.find(heavy), std::string::npos) << heavy << " is linked into annulo-cli:\n" << libs;
  EXPECT_NE(libs.find("libdcmdata"), std::string::npos) << libs;  // the check itself reads ldd's output
}

TEST(CliStartup, DelegatedCommandsKeepTheirMessagesAndExitStatus) {
  std::string out;
  // Usage errors of a command in annulo-cli-tools and in annulo-cli-render.
  EXPECT_EQ(test::runCommand(test::cliPath() + " echo 2>&1", &out), 2) << out;
  EXPECT_NE(out.find("annulo-cli echo: expects one AET@HOST:PORT"), std::string::npos) << out;
  EXPECT_EQ(test::runCommand(test::cliPath() + " teaching-case 2>&1", &out), 2) << out;
  EXPECT_NE(out.find("annulo-cli teaching-case: needs SESSION and -o CASE_DIR"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
