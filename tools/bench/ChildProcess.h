#pragma once
// Runs a program and collects its output. Every measurement is a fresh process
// (fork + exec), so its peak RSS belongs to one loader; the children read it as
// VmHWM, because ru_maxrss keeps the forked parent's peak across exec.

#include <string>
#include <vector>

namespace annulo::bench {

struct ProcessOutput {
  bool started = false;  // false: fork/exec failed (see output)
  int exitCode = -1;     // -1 when killed by a signal
  std::string output;    // stdout and stderr, interleaved
  // The whole process, as a user waits for it: fork to exit (wall), its user +
  // system CPU of all threads, and its peak RSS (wait4; includes the brief
  // forked copy of this parent before exec, which is small).
  double wallMs = 0;
  double cpuMs = 0;
  long maxRssKiB = 0;
};

// argv[0] is looked up in PATH like a shell would. `env` entries ("NAME=value")
// are added to the child's environment.
ProcessOutput runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// "exit code 3" / "killed by signal 9", for error messages.
std::string describeExit(const ProcessOutput& p);

}  // namespace annulo::bench
