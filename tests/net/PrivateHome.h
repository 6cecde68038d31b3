#pragma once
// A fresh HOME for one test: the XDG and ANNULO_* folder variables cleared, so
// everything Annulo creates for its data lands below it (and never in the real
// HOME of whoever runs the suite), with umask 022 as on a typical workstation.
// Commands the test runs inherit the environment.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/TestSupport.h"

namespace annulo::test {

class PrivateHome {
 public:
  PrivateHome() {
    std::filesystem::create_directories(home());
    ::setenv("HOME", home().c_str(), 1);
    for (const char* v : {"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "ANNULO_SESSION_DIR", "ANNULO_NODES",
                          "ANNULO_CREDENTIALS"})
      ::unsetenv(v);
    oldMask_ = ::umask(022);
  }
  ~PrivateHome() { ::umask(oldMask_); }
  PrivateHome(const PrivateHome&) = delete;
  PrivateHome& operator=(const PrivateHome&) = delete;

  std::filesystem::path home() const { return dir_.path() / "home"; }

  // "path mode" for every folder below HOME that is not 0700 and every file not 0600.
  std::vector<std::string> notPrivate() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(home())) {
      struct stat st {};
      if (::lstat(e.path().c_str(), &st) != 0) continue;
      const unsigned mode = st.st_mode & 0777;
      const unsigned want = S_ISDIR(st.st_mode) ? 0700 : 0600;
      if (mode != want)
        out.push_back(e.path().string() + " " + std::to_string(mode >> 6) + std::to_string((mode >> 3) & 7) +
                      std::to_string(mode & 7));
    }
    return out;
  }

 private:
  TempDir dir_;
  mode_t oldMask_;
};

}  // namespace annulo::test
