#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "annulo/phantom/Phantom.h"

namespace annulo::cli {
namespace {

std::optional<PhantomSyntax> syntaxFrom(const std::string& name) {
  if (name == "explicit") return PhantomSyntax::ExplicitLittle;
  if (name == "jpeg-lossless") return PhantomSyntax::JpegLossless;
  if (name == "rle") return PhantomSyntax::Rle;
  if (name == "jpeg-ls") return PhantomSyntax::JpegLs;
  return std::nullopt;
}

bool readInt(const Args& a, const std::string& key, int& out, int lo, int hi) {
  auto v = a.value(key);
  if (!v) return true;
  auto n = parseNumbers(*v, ',');
  if (!n || n->size() != 1 || (*n)[0] < lo || (*n)[0] > hi || (*n)[0] != double(int((*n)[0]))) {
    std::cerr << "annulo-cli make-phantom: " << key << " takes an integer in " << lo << ".." << hi << "\n";
    return false;
  }
  out = int((*n)[0]);
  return true;
}

}  // namespace

int runMakePhantom(const std::vector<std::string>& argv) {
  auto args = parseArgs(
      argv, {"--seed", "--xa-size", "--frames", "--bits", "--mr-size", "--mr-slices", "--noise", "--syntax", "-o"},
      {"--no-xa", "--no-mr"});
  if (!args || !args->positional.empty() || !args->value("-o")) {
    std::cerr << "annulo-cli make-phantom: " << (args ? "needs -o DIR" : args.message()) << "\n";
    return kExitUsage;
  }
  PhantomOptions o;
  int seed = int(o.seed);
  if (!readInt(*args, "--seed", seed, 0, 2147483647) || !readInt(*args, "--xa-size", o.xaSize, 64, 4096) ||
      !readInt(*args, "--frames", o.xaFrames, 8, 2000) || !readInt(*args, "--bits", o.xaBitsAllocated, 8, 16) ||
      !readInt(*args, "--mr-size", o.mrSize, 64, 2048) || !readInt(*args, "--mr-slices", o.mrSlices, 3, 2000))
    return kExitUsage;
  o.seed = std::uint32_t(seed);
  if (o.xaBitsAllocated != 8 && o.xaBitsAllocated != 16) {
    std::cerr << "annulo-cli make-phantom: --bits is 8 or 16\n";
    return kExitUsage;
  }
  if (auto n = args->value("--noise")) {
    auto v = parseNumbers(*n, ',');
    if (!v || v->size() != 1 || (*v)[0] < 0) {
      std::cerr << "annulo-cli make-phantom: --noise takes a number >= 0\n";
      return kExitUsage;
    }
    o.noiseScale = (*v)[0];
  }
  if (auto s = args->value("--syntax")) {
    auto syntax = syntaxFrom(*s);
    if (!syntax) {
      std::cerr << "annulo-cli make-phantom: --syntax is one of explicit, jpeg-lossless, rle, jpeg-ls\n";
      return kExitUsage;
    }
    o.syntax = *syntax;
  }
  o.writeXa = !args->has("--no-xa");
  o.writeMr = !args->has("--no-mr");
  auto truth = writePhantom(o, *args->value("-o"));
  if (!truth) {
    std::cerr << "annulo-cli make-phantom: " << truth.message() << "\n";
    return kExitFailure;
  }
  std::cout << "wrote phantom seed " << o.seed << " to " << *args->value("-o") << " (leak onset frame "
            << truth->xa.leakOnsetFrame << ", " << truth->xa.tears.size() << " tear(s), HIZ at " << truth->mr.hizLevel
            << ")\n";
  return kExitOk;
}

}  // namespace annulo::cli
