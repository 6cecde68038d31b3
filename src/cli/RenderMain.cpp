// annulo-cli-render: annulo-cli's commands that render pictures and movies
// (teaching-case, report), the only ones that load VTK and FFmpeg (Dispatch.h).

#include "Commands.h"
#include "Dispatch.h"

int main(int argc, char** argv) {
  using namespace annulo::cli;
  static const CommandTable commands = {{"teaching-case", runTeachingCase}, {"report", runReport}};
  return siblingMain("annulo-cli-render", commands, argc, argv);
}
