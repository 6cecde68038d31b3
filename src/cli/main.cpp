// annulo-cli: the command-line face of the core library. Parses, calls down, prints.

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "CliArgs.h"
#include "Commands.h"
#include "Dispatch.h"

namespace {

constexpr const char* kTools = "annulo-cli-tools";
constexpr const char* kRender = "annulo-cli-render";

void usage(std::ostream& out) {
  out << "usage: annulo-cli COMMAND [options]\n"
         "  info PATH [--json]                      studies, series and rejected files\n"
         "  stats PATH [--json]                     load every series; value statistics and load time\n"
         "  export-png PATH [--series UID] [--frame N] [--window C,W] -o OUT.png\n"
         "  make-phantom [--seed N] [--xa-size N] [--frames N] [--bits 8|16] [--mr-size N]\n"
         "               [--mr-slices N] [--noise X] [--syntax explicit|jpeg-lossless|rle|jpeg-ls] -o DIR\n"
         "  annotate SESSION [--source PATH] [--add \"level=L4-L5 type=radial grade=3 clock=6 zone=central frame=30 "
         "point=256,300\"]\n"
         "           [--list [--json]] [--remove ID] [--observer NAME]\n"
         "  provocation SESSION [--add \"level=L4-L5 opening-psi=12 pain-psi=34 ...\"] [--log level=L4-L5 FILE.csv]\n"
         "           [--override \"level=.. classification=.. reason=..\"] [--list [--json]]  discography record\n"
         "  report SESSION -o REPORT.html [--reader NAME]  one-page provocation report (HTML, printable)\n"
         "  export-sr SESSION -o REPORT.dcm [--seg SEG.dcm --labels LABELS.nrrd] [--gsps PR.dcm]\n"
         "  show-sr FILE [--json]                    tears and provocation levels found in a DICOM SR\n"
         "  segment PATH --seed X,Y [--disc X1,Y1;X2,Y2;...] [--series UID] [--mask-frame N] [--no-motion] -o OUT\n"
         "                                          contrast-leak label map (OUT.nrrd) and measurements (OUT.json);\n"
         "                                          --seed is the injection point (needle tip) in pixels\n"
         "  segment-report [--seeds N] [--noise A,B] [--outline estimated|given|both] [--json]\n"
         "                                          segmentation and HIZ accuracy on phantoms with known truth\n"
         "  filter PATH --op median|diffusion|bilateral|clahe|unsharp|subtract|mip [options] -o OUT.dcm\n"
         "                                          derived DICOM series (see annulo-cli filter for options)\n"
         "  hiz PATH [--series UID] [--min-score S] [--json]  high-intensity zone candidates (sagittal T2 MR)\n"
         "  echo AET@HOST:PORT                      C-ECHO: is the PACS there and does it accept us\n"
         "  send PATH... --to AET@HOST:PORT [--json]  C-STORE files/folders to a PACS, result per file\n"
         "  find --on AET@HOST:PORT [--patient-id X] [--patient-name X] [--modality XA] [--date FROM-TO] [--json]\n"
         "                                          C-FIND studies (study root)\n"
         "  get STUDY_UID --from AET@HOST:PORT -o DIR [--json]  C-GET a study, one DIR/<SOPInstanceUID>.dcm each\n"
         "  run SCRIPT [--session-dir DIR]          replay a reading: open, segment, tear, export, send (one step a "
         "line)\n"
         "  deidentify IN -o OUT [--pseudonym NAME] [--id ID] [--keep "
         "dates-shifted|patient-characteristics|descriptors]\n"
         "             [--key FILE] [--uid-map FILE] [--blank X,Y,W,H]...  PS3.15 Basic Profile de-identification\n"
         "  teaching-case SESSION -o CASE_DIR [--labels LABELS.nrrd] [de-identification options as above]\n"
         "                                          de-identified images + SR/GSPS(/SEG) and index.html\n"
         "  outbox list [--json] | retry [--json] | clear [--all]\n"
         "                                          the persistent outbox every send goes through\n"
         "  forget STUDY_UID [--json]               remove the study's session, retrieved copy, outbox items\n"
         "  listen [-o DIR] [--port N] [--peer AE[@HOST]]... [--seconds N]  storage SCP for configured peers\n"
         "  (network commands also take --calling-ae AE (default ANNULO) and --timeout S)\n"
         "  (find/get/send take --dicomweb URL instead of an AE node: QIDO-RS, WADO-RS, STOW-RS)\n"
         "PATH is a DICOM file, a folder (searched recursively) or a DICOMDIR.\n"
         "Exit status: 0 success, 1 nothing usable / failure, 2 usage error.\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace annulo::cli;
  if (argc < 2) {
    usage(std::cerr);
    return kExitUsage;
  }
  const std::string command = argv[1];
  const std::vector<std::string> rest(argv + 2, argv + argc);
  // Run here: what needs only the loader (Dispatch.h).
  static const CommandTable local = {{"info", runInfo}, {"stats", runStats}};
  // Run by a sibling executable (same arguments, same output and exit status).
  static const std::map<std::string, const char*> delegated = {{"export-png", kTools},
                                                               {"make-phantom", kTools},
                                                               {"annotate", kTools},
                                                               {"export-sr", kTools},
                                                               {"show-sr", kTools},
                                                               {"segment", kTools},
                                                               {"segment-report", kTools},
                                                               {"filter", kTools},
                                                               {"hiz", kTools},
                                                               {"echo", kTools},
                                                               {"send", kTools},
                                                               {"find", kTools},
                                                               {"get", kTools},
                                                               {"run", kTools},
                                                               {"provocation", kTools},
                                                               {"report", kRender},
                                                               {"deidentify", kTools},
                                                               {"teaching-case", kRender},
                                                               {"outbox", kTools},
                                                               {"forget", kTools},
                                                               {"listen", kTools}};
  if (command == "-h" || command == "--help" || command == "help") {
    usage(std::cout);
    return kExitOk;
  }
  if (auto it = local.find(command); it != local.end()) return runGuarded(command, it->second, rest);
  if (auto it = delegated.find(command); it != delegated.end()) return execSibling(it->second, command, rest);
  std::cerr << "annulo-cli: unknown command '" << command << "'\n";
  usage(std::cerr);
  return kExitUsage;
}
