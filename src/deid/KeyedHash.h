#pragma once
// Private: everything secret-keyed in de-identification goes through one HMAC
// (HMAC-SHA256, OpenSSL): replacement UIDs, the per-patient date shift, reader
// pseudonyms. Same key + same original -> same result, in every file of a case.

#include <array>
#include <cstdint>
#include <string>

namespace annulo::deid {

using Digest = std::array<std::uint8_t, 32>;

Digest hmacSha256(const std::string& key, const std::string& message);

// "2.25." + the decimal of a 128-bit UUID (RFC 9562 version 8, custom) made from
// the HMAC of `purpose` and `uid` (PS3.5 B.2: UUID-derived UIDs). At most 44 characters.
std::string keyedUid(const std::string& key, const std::string& purpose, const std::string& uid);

// First `digits` hex digits of the HMAC, upper case.
std::string keyedHex(const std::string& key, const std::string& message, int digits);

// A number in [lo, hi] from the HMAC.
long keyedNumber(const std::string& key, const std::string& message, long lo, long hi);

}  // namespace annulo::deid
