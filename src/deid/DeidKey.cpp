#include "annulo/deid/DeidKey.h"

#include <openssl/rand.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace annulo::deid {

Result<KeyFile> loadOrCreateKey(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1) return makeError(path + ": no random bytes for a new key");
    if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(random), sizeof random);
    out.close();
    if (!out) return makeError(path + ": cannot write a new key file");
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    return KeyFile{std::string(reinterpret_cast<const char*>(random), sizeof random), true};
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return makeError(path + ": cannot read the key file");
  if (key.size() < 16) return makeError(path + ": a key needs at least 16 bytes");
  return KeyFile{key, false};
}

}  // namespace annulo::deid
