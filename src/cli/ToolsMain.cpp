// annulo-cli-tools: annulo-cli's commands that need ITK, the network (DCMTK's
// dcmnet/TLS, libcurl) or the session and SR libraries (Dispatch.h).

#include "Commands.h"
#include "Dispatch.h"

int main(int argc, char** argv) {
  using namespace annulo::cli;
  static const CommandTable commands = {{"export-png", runExportPng},
                                        {"make-phantom", runMakePhantom},
                                        {"annotate", runAnnotate},
                                        {"export-sr", runExportSr},
                                        {"show-sr", runShowSr},
                                        {"segment", runSegment},
                                        {"segment-report", runSegmentReport},
                                        {"filter", runFilter},
                                        {"hiz", runHiz},
                                        {"echo", runEcho},
                                        {"send", runSend},
                                        {"find", runFind},
                                        {"get", runGet},
                                        {"run", runScriptFile},
                                        {"provocation", runProvocation},
                                        {"deidentify", runDeidentify},
                                        {"outbox", runOutbox},
                                        {"forget", runForget},
                                        {"listen", runListen}};
  return siblingMain("annulo-cli-tools", commands, argc, argv);
}
