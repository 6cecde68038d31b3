// annulo-cli run: replays a reading script (Script.h) headless, through the same
// study-model calls as the viewer. Steps that draw need the viewer (annulo --script).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/study/Script.h"

namespace annulo::cli {
namespace {

const char* kUsage =
    "usage: annulo-cli run SCRIPT [--session-dir DIR]\n"
    "  SCRIPT  one step per line: open PATH | retrieve AET@HOST:PORT STUDY_UID | series UID | frame N |\n"
    "          labels FILE.nrrd | segment X,Y | filter OP | hiz | import-reports | tear SPEC (as annotate --add) |\n"
    "          export REPORT.dcm (SR, -seg.dcm, -pr.dcm) | send-to AET@HOST:PORT; '#' starts a comment\n"
    "  --session-dir  where the study's session is kept (default: the viewer's session folder)\n";

}  // namespace

int runScriptFile(const std::vector<std::string>& argv) {
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
  auto args = parseArgs(argv, {"--session-dir"}, {});
  if (!args || args->positional.size() != 1) {
    std::cerr << "annulo-cli run: " << (args ? "expects one SCRIPT file" : args.message()) << "\n" << kUsage;
    return kExitUsage;
  }
  std::ifstream in(args->positional[0]);
  if (!in) {
    std::cerr << "annulo-cli run: cannot read " << args->positional[0] << "\n";
    return kExitFailure;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto steps = parseScript(text.str());
  if (!steps) {
    std::cerr << "annulo-cli run: " << args->positional[0] << ": " << steps.message() << "\n";
    return kExitUsage;
  }
  for (const auto& step : *steps)
    if (isViewStep(step.name)) {
      std::cerr << "annulo-cli run: script line " << step.line << ": '" << step.name
                << "' draws; run the script in the viewer: annulo --script " << args->positional[0] << "\n";
      return kExitUsage;
    }
  std::unique_ptr<Study> study;
  ScriptContext context(study);
  if (auto dir = args->value("--session-dir")) context.studyOptions.sessionFolder = *dir;
  std::size_t logged = 0;
  for (const auto& step : *steps) {
    Status s = runStudyStep(context, step);
    for (; logged < context.log.size(); ++logged) std::cout << context.log[logged] << "\n";
    if (!s) {
      std::cerr << "annulo-cli run: " << s.message() << "\n";
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace annulo::cli
