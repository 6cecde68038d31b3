#pragma once
// The tokens a user or script writes for each coded field (lower case with
// hyphens), and the one place that maps them to the model's enums.

#include <optional>
#include <string>
#include <vector>

#include "annulo/annotation/TearAnnotation.h"

namespace annulo {

const char* token(TearType v);
const char* token(SpinalZone v);
const char* token(LeakPattern v);
const char* token(PainResponse v);
const char* token(GeometryKind v);

std::optional<TearType> parseTearType(const std::string& s);
std::optional<SpinalZone> parseZone(const std::string& s);
std::optional<LeakPattern> parseLeak(const std::string& s);
std::optional<PainResponse> parsePain(const std::string& s);
std::optional<GeometryKind> parseGeometryKind(const std::string& s);

std::vector<std::string> tearTypeTokens();
std::vector<std::string> zoneTokens();
std::vector<std::string> leakTokens();
std::vector<std::string> painTokens();

// Disc levels C2-C3 .. C7-T1, T1-T2 .. T12-L1, L1-L2 .. L5-S1 (upper case).
const std::vector<std::string>& discLevels();
std::optional<std::string> parseDiscLevel(const std::string& s);  // case-insensitive

}  // namespace annulo
