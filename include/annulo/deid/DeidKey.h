#pragma once
// The secret key of the keyed UIDs and date shift, kept in a file the owner keeps:
// a missing file is created with 32 random bytes (OpenSSL RAND_bytes, mode 0600), so
// the next run with the same file gives the same UIDs. Used by annulo-cli --key and
// by the viewer (its key lives beside the viewer settings).

#include <string>

#include "annulo/base/Result.h"

namespace annulo::deid {

struct KeyFile {
  std::string key;
  bool created = false;  // the file was made by this call
};

// Errors name the file: unreadable, unwritable, shorter than 16 bytes.
Result<KeyFile> loadOrCreateKey(const std::string& path);

}  // namespace annulo::deid
