#pragma once
// Shared helpers for the test suites: where the real samples are, scratch folders.

#include <filesystem>
#include <string>
#include <vector>

namespace annulo::test {

// ../shared/dicom-samples relative to the checkout (read-only in CI).
std::filesystem::path samplesDir();
std::filesystem::path sample(const std::string& relative);
std::filesystem::path sourceDir();

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command, returns its exit status and captures stdout (+stderr if asked).
int runCommand(const std::string& command, std::string* output = nullptr);
std::string cliPath();
// "xvfb-run -a -n N -f AUTH -s '-screen 0 1600x1000x24' ": each call starts its search
// for a free display elsewhere, so test processes started at once (ctest -j) do not
// race for the same one ("Xvfb failed to start"), and brings its own auth file, so
// xvfb-run has no temporary folder to remove (that failed under load: exit 5).
std::string xvfbRun();

// ANNULO_REQUIRE_ALL=1 (set in CI): every missing prerequisite (tool, sample,
// xvfb, Orthanc) fails the test naming it, instead of skipping it. Use the
// macros below for every such skip, never a silent `continue` or `if (have)`.
bool requireAll();
bool haveTool(const std::string& tool);  // on PATH
// "a, b, c": for naming the samples a loop had to skip.
std::string listOf(const std::vector<std::string>& items);

}  // namespace annulo::test

// Skips the test, or fails it under ANNULO_REQUIRE_ALL; `what` may stream (a << b).
#define ANNULO_SKIP_MISSING(what)                                                                \
  do {                                                                                           \
    if (::annulo::test::requireAll()) FAIL() << "ANNULO_REQUIRE_ALL=1 and missing: " << what;    \
    GTEST_SKIP() << "missing: " << what << " (set ANNULO_REQUIRE_ALL=1 to make this a failure)"; \
  } while (0)

#define ANNULO_REQUIRE_SAMPLE(p)                                            \
  do {                                                                      \
    if (!std::filesystem::exists(p)) ANNULO_SKIP_MISSING("sample " << (p)); \
  } while (0)

#define ANNULO_REQUIRE_TOOL(tool)                                                                                   \
  do {                                                                                                              \
    if (!::annulo::test::haveTool(tool)) ANNULO_SKIP_MISSING("tool " << (tool) << " (tools/setup.sh installs it)"); \
  } while (0)
