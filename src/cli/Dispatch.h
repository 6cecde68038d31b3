#pragma once
// How annulo-cli's executables run a command. annulo-cli itself holds only the
// commands that load images and print (info, stats) and links only what they need
// (DCMTK's dcmdata and codecs); every other command it hands, by exec, to a sibling
// executable in its own folder with the same arguments: annulo-cli-tools (ITK
// filters, the network with libcurl and TLS, sessions, de-identification) or
// annulo-cli-render (teaching-case, report: VTK's text and charts, FFmpeg).
// Loading and relocating those ~80-230 shared libraries cost every command
// 60-400 ms and 12-55 MiB at start-up; exec keeps the process id, the standard
// streams and the exit status, so to a caller nothing else changes.

#include <map>
#include <string>
#include <vector>

namespace annulo::cli {

using CommandFn = int (*)(const std::vector<std::string>&);
using CommandTable = std::map<std::string, CommandFn>;

// Runs `run`; an exception becomes exit status 1 and "annulo-cli COMMAND: what".
int runGuarded(const std::string& command, CommandFn run, const std::vector<std::string>& args);

// Replaces this process with `executable` from this executable's folder, run as
// `executable COMMAND ARGS...`. Returns (1, message printed) only when exec fails.
int execSibling(const std::string& executable, const std::string& command, const std::vector<std::string>& args);

// main() of a sibling: argv[1] is the command, looked up in `table`.
int siblingMain(const char* name, const CommandTable& table, int argc, char** argv);

}  // namespace annulo::cli
