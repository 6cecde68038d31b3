#include "annulo/annotation/ManometryLog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

namespace annulo {
namespace {

enum class Column { TimeS, TimeMs, Volume, PressurePsi, PressureKpa, Pain, Ignored };

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

std::vector<std::string> splitCells(const std::string& line) {
  const char sep = line.find(';') != std::string::npos && line.find(',') == std::string::npos ? ';' : ',';
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, sep)) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == sep) cells.emplace_back();
  return cells;
}

Column columnOf(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (name == "time" || name == "time_s" || name == "t") return Column::TimeS;
  if (name == "time_ms") return Column::TimeMs;
  if (name == "volume" || name == "volume_ml") return Column::Volume;
  if (name == "pressure" || name == "pressure_psi" || name == "psi") return Column::PressurePsi;
  if (name == "pressure_kpa" || name == "kpa") return Column::PressureKpa;
  if (name == "pain") return Column::Pain;
  return Column::Ignored;
}

Result<double> numberIn(const std::string& cell, const std::string& where) {
  try {
    std::size_t used = 0;
    const double v = std::stod(cell, &used);
    if (used != cell.size() || !std::isfinite(v)) throw std::invalid_argument(cell);
    return v;
  } catch (const std::exception&) {
    return makeError(where + ": '" + cell + "' is not a number");
  }
}

}  // namespace

Result<std::vector<ManometryRow>> parseManometryCsv(const std::string& text, const std::string& name) {
  std::stringstream in(text);
  std::string line;
  std::vector<Column> columns;
  std::vector<ManometryRow> rows;
  int lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const std::string where = name + " line " + std::to_string(lineNo);
    const auto cells = splitCells(line);
    if (columns.empty()) {
      for (const auto& c : cells) columns.push_back(columnOf(c));
      auto has = [&](Column c) { return std::find(columns.begin(), columns.end(), c) != columns.end(); };
      if (!(has(Column::TimeS) || has(Column::TimeMs)) || !has(Column::Volume) ||
          !(has(Column::PressurePsi) || has(Column::PressureKpa)))
        return makeError(where +
                         ": the header must name time (or time_ms), volume and pressure (or pressure_kpa) "
                         "columns; got '" +
                         line + "'");
      continue;
    }
    if (cells.size() > columns.size())
      return makeError(where + ": " + std::to_string(cells.size()) + " cells, the header has " +
                       std::to_string(columns.size()));
    ManometryRow row;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (columns[i] == Column::Ignored || (columns[i] == Column::Pain && cells[i].empty())) continue;
      auto v = numberIn(cells[i], where);
      if (!v) return v.error();
      switch (columns[i]) {
        case Column::TimeS:
          row.timeS = *v;
          break;
        case Column::TimeMs:
          row.timeS = *v / 1000.0;
          break;
        case Column::Volume:
          row.volumeMl = *v;
          break;
        case Column::PressurePsi:
          row.pressurePsi = *v;
          break;
        case Column::PressureKpa:
          row.pressurePsi = kpaToPsi(*v);
          break;
        case Column::Pain:
          if (*v != std::floor(*v) || *v < 0 || *v > 10) return makeError(where + ": pain must be an integer 0-10");
          row.pain = int(*v);
          break;
        case Column::Ignored:
          break;
      }
    }
    if (row.volumeMl < 0) return makeError(where + ": volume cannot be negative");
    if (!rows.empty() && row.timeS < rows.back().timeS) return makeError(where + ": time goes backwards");
    rows.push_back(row);
  }
  if (columns.empty()) return makeError(name + ": empty manometry log (no header line)");
  if (rows.empty()) return makeError(name + ": the manometry log has a header but no rows");
  return rows;
}

Result<std::vector<ManometryRow>> readManometryCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(path + ": cannot open manometry log");
  std::stringstream buf;
  buf << in.rdbuf();
  return parseManometryCsv(buf.str(), path);
}

}  // namespace annulo
