#include "annulo/annotation/Vocabulary.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace annulo {
namespace {

constexpr std::pair<TearType, const char*> kTypes[] = {{TearType::Radial, "radial"},
                                                       {TearType::Concentric, "concentric"},
                                                       {TearType::Transverse, "transverse"},
                                                       {TearType::Complex, "complex"}};
constexpr std::pair<SpinalZone, const char*> kZones[] = {{SpinalZone::Central, "central"},
                                                         {SpinalZone::SubarticularLeft, "subarticular-left"},
                                                         {SpinalZone::SubarticularRight, "subarticular-right"},
                                                         {SpinalZone::ForaminalLeft, "foraminal-left"},
                                                         {SpinalZone::ForaminalRight, "foraminal-right"},
                                                         {SpinalZone::ExtraforaminalLeft, "extraforaminal-left"},
                                                         {SpinalZone::ExtraforaminalRight, "extraforaminal-right"}};
constexpr std::pair<LeakPattern, const char*> kLeaks[] = {
    {LeakPattern::None, "none"},           {LeakPattern::Epidural, "epidural"},
    {LeakPattern::Foraminal, "foraminal"}, {LeakPattern::FarLateral, "far-lateral"},
    {LeakPattern::Endplate, "endplate"},   {LeakPattern::NotAssessed, "not-assessed"}};
constexpr std::pair<PainResponse, const char*> kPains[] = {{PainResponse::NotTested, "not-tested"},
                                                           {PainResponse::Concordant, "concordant"},
                                                           {PainResponse::Discordant, "discordant"},
                                                           {PainResponse::None, "none"}};
constexpr std::pair<GeometryKind, const char*> kKinds[] = {{GeometryKind::Point, "point"},
                                                           {GeometryKind::Polyline, "polyline"},
                                                           {GeometryKind::Polygon, "polygon"},
                                                           {GeometryKind::Point3D, "point3d"},
                                                           {GeometryKind::Polyline3D, "polyline3d"}};

template <typename E, std::size_t N>
const char* nameOf(const std::pair<E, const char*> (&table)[N], E v) {
  for (const auto& [e, n] : table)
    if (e == v) return n;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse(const std::pair<E, const char*> (&table)[N], const std::string& s) {
  for (const auto& [e, n] : table)
    if (s == n) return e;
  return std::nullopt;
}

template <typename E, std::size_t N>
std::vector<std::string> names(const std::pair<E, const char*> (&table)[N]) {
  std::vector<std::string> out;
  for (const auto& entry : table) out.push_back(entry.second);
  return out;
}

std::vector<std::string> buildLevels() {
  std::vector<std::string> v;
  for (int i = 2; i <= 6; ++i) v.push_back("C" + std::to_string(i) + "-C" + std::to_string(i + 1));
  v.push_back("C7-T1");
  for (int i = 1; i <= 11; ++i) v.push_back("T" + std::to_string(i) + "-T" + std::to_string(i + 1));
  v.push_back("T12-L1");
  for (int i = 1; i <= 4; ++i) v.push_back("L" + std::to_string(i) + "-L" + std::to_string(i + 1));
  v.push_back("L5-S1");
  return v;
}

}  // namespace

const char* token(TearType v) { return nameOf(kTypes, v); }
const char* token(SpinalZone v) { return nameOf(kZones, v); }
const char* token(LeakPattern v) { return nameOf(kLeaks, v); }
const char* token(PainResponse v) { return nameOf(kPains, v); }
const char* token(GeometryKind v) { return nameOf(kKinds, v); }

std::optional<TearType> parseTearType(const std::string& s) {
  if (s == "rim") return TearType::Transverse;  // "rim lesion" is the usual clinical name
  return parse(kTypes, s);
}
std::optional<SpinalZone> parseZone(const std::string& s) { return parse(kZones, s); }
std::optional<LeakPattern> parseLeak(const std::string& s) { return parse(kLeaks, s); }
std::optional<PainResponse> parsePain(const std::string& s) { return parse(kPains, s); }
std::optional<GeometryKind> parseGeometryKind(const std::string& s) { return parse(kKinds, s); }

std::vector<std::string> tearTypeTokens() { return names(kTypes); }
std::vector<std::string> zoneTokens() { return names(kZones); }
std::vector<std::string> leakTokens() { return names(kLeaks); }
std::vector<std::string> painTokens() { return names(kPains); }

const std::vector<std::string>& discLevels() {
  static const std::vector<std::string> levels = buildLevels();
  return levels;
}

std::optional<std::string> parseDiscLevel(const std::string& s) {
  std::string up = s;
  std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  const auto& all = discLevels();
  if (std::find(all.begin(), all.end(), up) != all.end()) return up;
  return std::nullopt;
}

}  // namespace annulo
