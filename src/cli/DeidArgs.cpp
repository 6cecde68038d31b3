// Shared de-identification options of annulo-cli (see DeidArgs.h).

#include "DeidArgs.h"

#include <iostream>

#include "annulo/deid/DeidKey.h"

namespace annulo::cli {
namespace {

// The key file holds the secret (see DeidKey.h); a new one is announced.
Result<std::string> readKey(const std::string& path) {
  auto file = deid::loadOrCreateKey(path);
  if (!file) return file.error();
  if (file->created) std::cerr << "annulo-cli: wrote a new key to " << path << " (keep it secret, keep it safe)\n";
  return file->key;
}

Status applyKeep(const std::string& what, deid::DeidOptions& o) {
  if (what == "dates-shifted")
    o.retainModifiedDates = true;
  else if (what == "patient-characteristics")
    o.retainPatientCharacteristics = true;
  else if (what == "descriptors")
    o.cleanDescriptors = true;
  else if (what == "device-identity")
    o.retainDeviceIdentity = true;
  else
    return makeError("--keep takes dates-shifted, patient-characteristics, descriptors or device-identity, not '" +
                     what + "'");
  return {};
}

Result<deid::BlankRect> parseBlank(const std::string& text) {
  auto v = parseNumbers(text, ',');
  if (!v || v->size() != 4 || (*v)[2] <= 0 || (*v)[3] <= 0)
    return makeError("--blank takes X,Y,W,H in pixels (W and H > 0), not '" + text + "'");
  for (double d : *v)
    if (d != double(int(d))) return makeError("--blank takes whole pixels, not '" + text + "'");
  return deid::BlankRect{int((*v)[0]), int((*v)[1]), int((*v)[2]), int((*v)[3])};
}

}  // namespace

Result<deid::DeidOptions> deidOptionsFrom(const Args& args, const std::string& command) {
  deid::DeidOptions o;
  o.pseudonymName = args.value("--pseudonym").value_or("");
  o.pseudonymId = args.value("--id").value_or("");
  for (const auto& k : args.all("--keep"))
    if (Status s = applyKeep(k, o); !s) {
      std::cerr << "annulo-cli " << command << ": " << s.message() << "\n";
      return makeError("usage");
    }
  for (const auto& b : args.all("--blank")) {
    auto rect = parseBlank(b);
    if (!rect) {
      std::cerr << "annulo-cli " << command << ": " << rect.message() << "\n";
      return makeError("usage");
    }
    o.blanks.push_back(*rect);
  }
  if (auto k = args.value("--key")) {
    auto key = readKey(*k);
    if (!key) {
      std::cerr << "annulo-cli " << command << ": " << key.message() << "\n";
      return makeError("failure");
    }
    o.key = *key;
  } else {
    std::cerr << "annulo-cli " << command
              << ": no --key: UIDs and date shift come from a random key (differ each run)\n";
  }
  return o;
}

}  // namespace annulo::cli
