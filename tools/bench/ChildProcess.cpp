#include "ChildProcess.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace annulo::bench {
namespace {

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void execChild(const std::vector<std::string>& argv, std::vector<char*>& env, int writeEnd) {
  for (char* e : env) putenv(e);
  dup2(writeEnd, STDOUT_FILENO);
  dup2(writeEnd, STDERR_FILENO);
  close(writeEnd);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  const char msg[] = "exec failed\n";
  ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  _exit(127);
}

std::string drain(int fd) {
  std::string out;
  char chunk[4096];
  for (;;) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0)
      out.append(chunk, std::size_t(n));
    else if (n == 0 || errno != EINTR)
      break;
  }
  return out;
}

}  // namespace

ProcessOutput runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  ProcessOutput result;
  std::vector<std::string> envCopy(env);
  std::vector<char*> envPtrs;
  for (auto& e : envCopy) envPtrs.push_back(e.data());
  const auto t0 = std::chrono::steady_clock::now();
  int fds[2];
  if (argv.empty() || pipe(fds) != 0) {
    result.output = "cannot create pipe: " + std::string(std::strerror(errno));
    return result;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    result.output = "fork failed: " + std::string(std::strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return result;
  }
  if (pid == 0) {
    close(fds[0]);
    execChild(argv, envPtrs, fds[1]);
  }
  close(fds[1]);
  result.started = true;
  result.output = drain(fds[0]);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  auto ms = [](const timeval& t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3; };
  result.cpuMs = ms(usage.ru_utime) + ms(usage.ru_stime);
  result.maxRssKiB = usage.ru_maxrss;
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (WIFSIGNALED(status)) result.output += "\n[killed by signal " + std::to_string(WTERMSIG(status)) + "]";
  return result;
}

std::string describeExit(const ProcessOutput& p) {
  if (!p.started) return "did not start";
  if (p.exitCode < 0) return "killed by a signal";
  return "exit code " + std::to_string(p.exitCode);
}

}  // namespace annulo::bench
