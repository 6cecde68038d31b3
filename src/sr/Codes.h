#pragma once
// Private: every coded concept Annulo writes into (or recognises in) an SR,
// SEG or presentation state, in ONE table (Codes.cpp). docs/codes.md lists
// the same rows; a test keeps the two in step.
//
// Entries are looked up by a stable key ("tear-type.radial"). A key can have
// aliases (older SNOMED-RT "SRT" spellings of the same concept) that are only
// recognised on import, never written.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

class DSRCodedEntryValue;

namespace annulo::sr {

// The private coding scheme for concepts without a standard code (PS3.3
// C.12.1.1.2.1: a designator starting with "99" is reserved for local use).
inline constexpr const char* kPrivateScheme = "99ANNULO";
inline constexpr const char* kPrivateSchemeName = "Annulo annulogram concepts";
inline constexpr const char* kPrivateSchemeOrganization = "Annulo project";

struct CodeEntry {
  const char* key;      // stable lookup key
  const char* value;    // Code Value
  const char* scheme;   // Coding Scheme Designator
  const char* meaning;  // Code Meaning
  const char* source;   // where the code is published (or "private")
  bool alias = false;   // recognised on import only
};

// The whole table (primary entries and aliases), for docs and tests.
const std::vector<CodeEntry>& codeTable();

// The primary entry for `key`. An unknown key is a programming error
// (std::logic_error), never bad input.
const CodeEntry& entry(std::string_view key);
DSRCodedEntryValue coded(std::string_view key);

// Key of the entry (primary or alias) with this value and scheme, if any.
std::optional<std::string> keyOf(const std::string& value, const std::string& scheme);
std::optional<std::string> keyOf(const DSRCodedEntryValue& code);
// Same, but only keys starting with `prefix` (e.g. "tear-type."); returns the
// rest of the key after the prefix ("radial").
std::optional<std::string> suffixOf(const DSRCodedEntryValue& code, std::string_view prefix);

// True when `code` is the concept `key` (or one of its aliases).
bool is(const DSRCodedEntryValue& code, std::string_view key);

// Disc level "L4-L5" -> SNOMED "Level of L4/L5 intervertebral disc" where
// published; any other level gets a private code "LEVEL-<level>".
DSRCodedEntryValue discLevelCode(const std::string& level);
std::optional<std::string> discLevelOf(const DSRCodedEntryValue& code);

// "(value, scheme, "meaning")" for messages.
std::string describe(const DSRCodedEntryValue& code);

}  // namespace annulo::sr
