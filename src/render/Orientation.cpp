#include "annulo/render/Orientation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace annulo {
namespace {

Vec3 letterDirection(char c) {
  switch (c) {
    case 'L':
      return {1, 0, 0};
    case 'R':
      return {-1, 0, 0};
    case 'P':
      return {0, 1, 0};
    case 'A':
      return {0, -1, 0};
    case 'H':
      return {0, 0, 1};
    case 'F':
      return {0, 0, -1};
  }
  return {0, 0, 0};
}

std::optional<Vec3> parseDirection(const std::string& letters) {
  Vec3 v{0, 0, 0};
  for (char c : letters) {
    const Vec3 d = letterDirection(c);
    if (d == Vec3{0, 0, 0}) return std::nullopt;
    for (int i = 0; i < 3; ++i) v[std::size_t(i)] += d[std::size_t(i)];
  }
  const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n == 0) return std::nullopt;
  return Vec3{v[0] / n, v[1] / n, v[2] / n};
}

}  // namespace

std::string orientationLetters(const Vec3& d) {
  const double n = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  if (n == 0) return "";
  std::array<std::pair<double, char>, 3> parts{{{std::abs(d[0]) / n, d[0] > 0 ? 'L' : 'R'},
                                                {std::abs(d[1]) / n, d[1] > 0 ? 'P' : 'A'},
                                                {std::abs(d[2]) / n, d[2] > 0 ? 'H' : 'F'}}};
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out(1, parts[0].second);
  if (parts[1].first >= 0.25) out += parts[1].second;
  return out;
}

std::optional<std::pair<Vec3, Vec3>> axesFromPatientOrientation(const std::string& text) {
  const auto slash = text.find('\\');
  if (slash == std::string::npos) return std::nullopt;
  auto row = parseDirection(text.substr(0, slash)), column = parseDirection(text.substr(slash + 1));
  if (!row || !column) return std::nullopt;
  return std::make_pair(*row, *column);
}

std::optional<std::pair<Vec3, Vec3>> imageAxes(const Series& s) {
  if (s.hasPatientGeometry) return std::make_pair(s.direction[0], s.direction[1]);
  return axesFromPatientOrientation(s.patientOrientation);
}

}  // namespace annulo
