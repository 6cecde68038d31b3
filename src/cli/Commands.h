#pragma once
// Each annulo-cli command: takes the arguments after its name, returns the exit code.

#include <string>
#include <vector>

namespace annulo::cli {

int runInfo(const std::vector<std::string>& args);
int runStats(const std::vector<std::string>& args);
int runExportPng(const std::vector<std::string>& args);
int runMakePhantom(const std::vector<std::string>& args);
int runAnnotate(const std::vector<std::string>& args);
int runExportSr(const std::vector<std::string>& args);
int runShowSr(const std::vector<std::string>& args);
int runSegment(const std::vector<std::string>& args);
int runSegmentReport(const std::vector<std::string>& args);
int runFilter(const std::vector<std::string>& args);
int runHiz(const std::vector<std::string>& args);
int runEcho(const std::vector<std::string>& args);
int runSend(const std::vector<std::string>& args);
int runFind(const std::vector<std::string>& args);
int runGet(const std::vector<std::string>& args);
int runScriptFile(const std::vector<std::string>& args);
int runProvocation(const std::vector<std::string>& args);
int runReport(const std::vector<std::string>& args);
int runDeidentify(const std::vector<std::string>& args);
int runTeachingCase(const std::vector<std::string>& args);
int runOutbox(const std::vector<std::string>& args);
int runForget(const std::vector<std::string>& args);
int runListen(const std::vector<std::string>& args);

}  // namespace annulo::cli
