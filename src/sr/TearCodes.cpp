#include "sr/TearCodes.h"

#include <array>
#include <utility>

namespace annulo::sr {
namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, const char*>, N>& table, const std::string& key) {
  for (const auto& [value, k] : table)
    if (key == k) return value;
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string lookup(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, k] : table)
    if (v == value) return k;
  return {};
}

const std::array<std::pair<TearType, const char*>, 4> kTypes{{
    {TearType::Radial, "tear-type.radial"},
    {TearType::Concentric, "tear-type.concentric"},
    {TearType::Transverse, "tear-type.transverse"},
    {TearType::Complex, "tear-type.complex"},
}};

const std::array<std::pair<SpinalZone, const char*>, 7> kZones{{
    {SpinalZone::Central, "zone.central"},
    {SpinalZone::SubarticularLeft, "zone.subarticular-left"},
    {SpinalZone::SubarticularRight, "zone.subarticular-right"},
    {SpinalZone::ForaminalLeft, "zone.foraminal-left"},
    {SpinalZone::ForaminalRight, "zone.foraminal-right"},
    {SpinalZone::ExtraforaminalLeft, "zone.extraforaminal-left"},
    {SpinalZone::ExtraforaminalRight, "zone.extraforaminal-right"},
}};

const std::array<std::pair<LeakPattern, const char*>, 5> kLeaks{{
    {LeakPattern::None, "leak.none"},
    {LeakPattern::Epidural, "leak.epidural"},
    {LeakPattern::Foraminal, "leak.foraminal"},
    {LeakPattern::FarLateral, "leak.far-lateral"},
    {LeakPattern::Endplate, "leak.endplate"},
}};

const std::array<std::pair<PainResponse, const char*>, 4> kPains{{
    {PainResponse::NotTested, "pain.not-tested"},
    {PainResponse::Concordant, "pain.concordant"},
    {PainResponse::Discordant, "pain.discordant"},
    {PainResponse::None, "pain.none"},
}};

std::optional<int> numberAfter(const std::string& key, const std::string& prefix, int lo, int hi) {
  if (key.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string digits = key.substr(prefix.size());
  if (digits.empty() || digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int n = std::stoi(digits);
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

}  // namespace

std::string key(TearType v) { return lookup(kTypes, v); }
std::string key(SpinalZone v) { return lookup(kZones, v); }
std::string key(LeakPattern v) { return lookup(kLeaks, v); }
std::string key(PainResponse v) { return lookup(kPains, v); }
std::string gradeKey(int grade) { return "dallas." + std::to_string(grade); }
std::string clockKey(int hour) { return "clock." + std::to_string(hour); }

std::optional<TearType> tearTypeFromKey(const std::string& k) { return lookup(kTypes, k); }
std::optional<SpinalZone> zoneFromKey(const std::string& k) { return lookup(kZones, k); }
std::optional<LeakPattern> leakFromKey(const std::string& k) { return lookup(kLeaks, k); }
std::optional<PainResponse> painFromKey(const std::string& k) { return lookup(kPains, k); }
std::optional<int> gradeFromKey(const std::string& k) { return numberAfter(k, "dallas.", 0, 5); }
std::optional<int> clockFromKey(const std::string& k) { return numberAfter(k, "clock.", 1, 12); }

}  // namespace annulo::sr
