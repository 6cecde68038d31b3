#include "annulo/report/ReportPdf.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

extern char** environ;

namespace annulo {

Status printHtmlToPdf(const std::string& htmlPath, const std::string& pdfPath, double timeoutS) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path html = fs::absolute(htmlPath, ec);
  if (!fs::exists(html)) return makeError(htmlPath + ": no such report to print");
  const fs::path pdf = fs::absolute(pdfPath, ec);
  const fs::path profile = pdf.parent_path() / (".chromium-" + std::to_string(::getpid()));
  fs::remove(pdf, ec);
  const std::vector<std::string> args = {"chromium",
                                         "--headless",
                                         "--no-sandbox",
                                         "--disable-gpu",
                                         "--no-first-run",
                                         "--no-pdf-header-footer",
                                         "--user-data-dir=" + profile.string(),
                                         "--print-to-pdf=" + pdf.string(),
                                         "file://" + html.string()};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "chromium", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return makeError(pdfPath + ": cannot start chromium (tools/setup.sh installs it)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return makeError(pdfPath + ": lost the chromium process");
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      fs::remove_all(profile, ec);
      return makeError(pdfPath + ": chromium did not finish printing within " + std::to_string(int(timeoutS)) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  fs::remove_all(profile, ec);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return makeError(pdfPath + ": chromium failed printing " + htmlPath + " (status " + std::to_string(status) + ")");
  std::ifstream in(pdf, std::ios::binary);
  char magic[5] = {};
  in.read(magic, 5);
  if (!in || std::string(magic, 5) != "%PDF-") return makeError(pdfPath + ": chromium wrote no PDF");
  return {};
}

}  // namespace annulo
