#pragma once
// Certificates made in the test with the openssl CLI: a CA, certificates it
// signed for each name (with subjectAltName 127.0.0.1/localhost, so https host
// name checks pass too), and "stranger", self-signed (signed by nobody we trust).

#include <filesystem>
#include <string>

#include "support/TestSupport.h"

namespace annulo::test {

inline std::string shellQuote(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// ca.pem/ca.key, and <name>.pem/<name>.key for orthanc, annulo and stranger.
inline bool makeCertificates(const std::filesystem::path& dir, std::string& log) {
  std::string cmd = "cd " + shellQuote(dir) +
                    " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext"
                    " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2"
                    " -subj /CN=AnnuloTestCA";
  for (const char* name : {"orthanc", "annulo", "stranger"}) {
    const std::string n = name;
    cmd += " && openssl req -newkey rsa:2048 -nodes -keyout " + n + ".key -out " + n + ".csr -subj /CN=" + n;
    if (n == "stranger")
      cmd +=
          " && openssl x509 -req -in stranger.csr -signkey stranger.key -out stranger.pem -days 2"
          " -extfile san.ext";
    else
      cmd += " && openssl x509 -req -in " + n + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + n +
             ".pem -days 2 -extfile san.ext";
  }
  return runCommand("(" + cmd + ") 2>&1", &log) == 0;
}

}  // namespace annulo::test
