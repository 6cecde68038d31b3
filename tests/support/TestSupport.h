#pragma once
// Shared helpers for the test suites: where the real samples are, scratch folders.

#include <filesystem>
#include <string>

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

}  // namespace annulo::test

#define ANNULO_REQUIRE_SAMPLE(p)                                            \
  do {                                                                      \
    if (!std::filesystem::exists(p)) GTEST_SKIP() << "sample missing: " << (p); \
  } while (0)
