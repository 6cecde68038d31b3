#include "support/TestSupport.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace annulo::test {

std::filesystem::path samplesDir() { return ANNULO_SAMPLES_DIR; }
std::filesystem::path sample(const std::string& relative) { return samplesDir() / relative; }
std::filesystem::path sourceDir() { return ANNULO_SOURCE_DIR; }
// Each xvfb-run gets its own auth file in a folder of this process (removed at exit):
// with -f, xvfb-run makes no temporary folder of its own, whose removal failed now and
// then under load (xvfb-run then exits 5 whatever the program returned).
struct XauthFolder {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("annulo-xauth-" + std::to_string(::getpid()));
  XauthFolder() { std::filesystem::create_directories(path); }
  ~XauthFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string xvfbRun() {
  static XauthFolder folder;
  static std::atomic<unsigned> calls{0};
  const unsigned call = calls++;
  const unsigned n = 100 + (unsigned(::getpid()) * 37u + call * 11u) % 4000u;
  const std::string auth = (folder.path / ("auth-" + std::to_string(call))).string();
  return "xvfb-run -a -n " + std::to_string(n) + " -f " + auth + " -s '-screen 0 1600x1000x24' ";
}

std::string cliPath() { return ANNULO_CLI; }

TempDir::TempDir() {
  std::random_device rd;
  path_ =
      std::filesystem::temp_directory_path() / ("annulo-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool requireAll() {
  const char* v = std::getenv("ANNULO_REQUIRE_ALL");
  return v && *v && std::string(v) != "0";
}

bool haveTool(const std::string& tool) { return runCommand("command -v '" + tool + "' >/dev/null 2>&1") == 0; }

std::string listOf(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

int runCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buf{};
  std::string out;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace annulo::test
