// annulo-cli teaching-case: a de-identified case folder from an annotated session.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "DeidArgs.h"
#include "annulo/annotation/SessionStore.h"
#include "annulo/teaching/TeachingCase.h"

namespace annulo::cli {

int runTeachingCase(const std::vector<std::string>& argv) {
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
  auto args = parseArgs(argv, {"-o", "--pseudonym", "--id", "--key", "--keep", "--blank", "--labels"}, {},
                        {"--keep", "--blank"});
  if (!args || args->positional.size() != 1 || !args->value("-o")) {
    std::cerr
        << "annulo-cli teaching-case: " << (args ? "needs SESSION and -o CASE_DIR" : args.message()) << "\n"
        << "usage: annulo-cli teaching-case SESSION -o CASE_DIR [--labels LABELS.nrrd] [--pseudonym NAME] [--id ID]\n"
           "         [--keep dates-shifted|patient-characteristics|descriptors]... [--key FILE] [--blank X,Y,W,H]...\n";
    return kExitUsage;
  }
  auto deidOptions = deidOptionsFrom(*args, "teaching-case");
  if (!deidOptions) return deidOptions.error().message == "usage" ? kExitUsage : kExitFailure;
  auto session = loadSession(args->positional[0]);
  if (!session) {
    std::cerr << "annulo-cli teaching-case: " << session.message() << "\n";
    return kExitFailure;
  }
  teaching::TeachingCaseOptions options;
  options.deid = *deidOptions;
  if (auto l = args->value("--labels")) options.labelsPath = *l;
  auto result = teaching::writeTeachingCase(*session, *args->value("-o"), options);
  if (!result) {
    std::cerr << "annulo-cli teaching-case: " << result.message() << "\n";
    return kExitFailure;
  }
  for (const auto& w : result->warnings) std::cout << "warning: " << w << "\n";
  std::cout << "wrote " << result->indexHtml << " and " << result->deid.written() << " de-identified file(s) in "
            << result->dicomDir << "\n";
  return kExitOk;
}

}  // namespace annulo::cli
