#include "annulo/dicom/FileCollector.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "GuardedLoad.h"

namespace fs = std::filesystem;

namespace annulo {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  return s;
}

// DICOMDIR file IDs are upper case; the media they came from often is not.
std::optional<fs::path> resolveComponent(const fs::path& dir, const std::string& name) {
  if (fs::exists(dir / name)) return dir / name;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (upper(entry.path().filename().string()) == upper(name)) return entry.path();
  return std::nullopt;
}

std::optional<fs::path> resolveFileId(const fs::path& root, const std::string& fileId) {
  fs::path current = root;
  std::size_t start = 0;
  while (start <= fileId.size()) {
    const std::size_t end = fileId.find('\\', start);
    const std::string part = fileId.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!part.empty()) {
      auto next = resolveComponent(current, part);
      if (!next) return std::nullopt;
      current = *next;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return current;
}

Result<CollectedFiles> collectDicomDir(const fs::path& path) {
  DcmFileFormat ff;
  auto loaded = guardedLoad(ff, path.string());
  if (!loaded) return makeError(path.string() + ": cannot read DICOMDIR (" + loaded.message() + ")");
  const OFCondition c = *loaded;
  if (c.bad()) return makeError(path.string() + ": cannot read DICOMDIR (" + std::string(c.text()) + ")");
  DcmSequenceOfItems* records = nullptr;
  if (ff.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).bad() || !records)
    return makeError(path.string() + ": DICOMDIR has no Directory Record Sequence");
  CollectedFiles out;
  const fs::path root = path.parent_path();
  for (unsigned long i = 0; i < records->card(); ++i) {
    DcmItem* rec = records->getItem(i);
    OFString fileId;
    if (rec->findAndGetOFStringArray(DCM_ReferencedFileID, fileId).bad() || fileId.empty()) continue;
    if (auto resolved = resolveFileId(root, fileId.c_str())) {
      out.files.push_back(resolved->string());
    } else {
      out.rejected.push_back({(root / fileId.c_str()).string(), "listed in DICOMDIR but missing on disk"});
    }
  }
  return out;
}

}  // namespace

bool isDicomDir(const std::string& path) {
  if (upper(fs::path(path).filename().string()) == "DICOMDIR") return true;
  std::ifstream in(path, std::ios::binary);
  char buf[512] = {};
  in.read(buf, sizeof buf);
  const std::string head(buf, std::size_t(in.gcount()));
  return head.size() > 132 && head.compare(128, 4, "DICM") == 0 &&
         head.find(UID_MediaStorageDirectoryStorage) != std::string::npos;
}

Result<CollectedFiles> collectFiles(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return makeError(path + ": no such file or folder");
  if (fs::is_regular_file(st)) {
    if (isDicomDir(path)) return collectDicomDir(path);
    return CollectedFiles{{path}, {}};
  }
  if (!fs::is_directory(st)) return makeError(path + ": not a file or folder");
  CollectedFiles out;
  auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
  if (ec) return makeError(path + ": cannot list folder (" + ec.message() + ")");
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') continue;
    if (upper(name) == "DICOMDIR") continue;
    out.files.push_back(it->path().string());
  }
  std::sort(out.files.begin(), out.files.end());
  return out;
}

}  // namespace annulo
