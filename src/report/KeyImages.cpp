#include "annulo/report/KeyImages.h"

#include <filesystem>

#include "teaching/Snapshots.h"

namespace annulo {

Result<std::vector<KeyImage>> writeKeyImages(const std::vector<TearAnnotation>& tears,
                                             const std::vector<Series>& series, const std::string& reportPath) {
  namespace fs = std::filesystem;
  const fs::path report(reportPath);
  const std::string folder = report.stem().string() + "-images";
  const fs::path dir = (report.has_parent_path() ? report.parent_path() : fs::path(".")) / folder;
  std::error_code ec;
  fs::remove_all(dir / "snapshots", ec);  // images of an earlier report of the same name
  // Lines 1.5x as thick as the teaching case's (already drawn for a slide): the report
  // shows each frame about 4.2 cm wide.
  auto snaps = teaching::writeSnapshots(tears, series, std::nullopt, dir.string(), 1.5);
  if (!snaps) return makeError(reportPath + ": key images: " + snaps.message());
  std::vector<KeyImage> out;
  for (const auto& s : *snaps) {
    KeyImage k;
    for (const auto& t : tears)
      if (t.id == s.tearId) k.level = t.level;
    k.tearId = s.tearId;
    k.file = folder + "/" + s.file;
    k.caption = s.caption;
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace annulo
