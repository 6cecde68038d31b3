#include "deid/KeyedHash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace annulo::deid {

Digest hmacSha256(const std::string& key, const std::string& message) {
  Digest out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out.data(), &length);
  return out;
}

std::string keyedUid(const std::string& key, const std::string& purpose, const std::string& uid) {
  Digest d = hmacSha256(key, purpose + '\0' + uid);
  d[6] = std::uint8_t((d[6] & 0x0F) | 0x80);  // version 8 (RFC 9562 5.8)
  d[8] = std::uint8_t((d[8] & 0x3F) | 0x80);  // variant 10
  unsigned __int128 value = 0;
  for (int i = 0; i < 16; ++i) value = (value << 8) | d[std::size_t(i)];
  std::string digits;
  do {
    digits.push_back(char('0' + int(value % 10)));
    value /= 10;
  } while (value != 0);
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

std::string keyedHex(const std::string& key, const std::string& message, int digits) {
  static const char* const hex = "0123456789ABCDEF";
  const Digest d = hmacSha256(key, message);
  std::string out;
  for (int i = 0; i < digits && i < 64; ++i) out.push_back(hex[(d[std::size_t(i / 2)] >> (i % 2 ? 0 : 4)) & 0xF]);
  return out;
}

long keyedNumber(const std::string& key, const std::string& message, long lo, long hi) {
  const Digest d = hmacSha256(key, message);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[std::size_t(i)];
  return lo + long(v % std::uint64_t(hi - lo + 1));
}

}  // namespace annulo::deid
