#include "BenchData.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace annulo::bench {
namespace {

constexpr const char* kMarker = "complete.txt";

DataSet mrSet(const std::string& dir, int size, int slices) {
  DataSet s;
  s.name = "mr-" + std::to_string(size) + "x" + std::to_string(size) + "x" + std::to_string(slices);
  s.description = "MR " + std::to_string(size) + "x" + std::to_string(size) + "x" + std::to_string(slices) +
                  ", " + std::to_string(slices) + " files, 16/12-bit";
  s.kind = DataKind::SliceFolder;
  s.phantom.writeXa = false;
  s.phantom.mrSize = size;
  s.phantom.mrSlices = slices;
  s.root = (fs::path(dir) / s.name).string();
  s.dicomDir = (fs::path(s.root) / "mr").string();
  s.columns = s.rows = size;
  s.images = slices;
  s.bitsAllocated = 16;
  s.expectedFiles = std::size_t(slices);
  // Slicer's "int16" choice for MR: the brief's ITK variant besides float.
  s.itkNativeType = "int16";
  return s;
}

DataSet xaSet(const std::string& dir, int size, int frames, int bits) {
  DataSet s;
  const std::string dims = std::to_string(size) + "x" + std::to_string(size) + "x" + std::to_string(frames);
  s.name = "xa-" + dims + "-" + std::to_string(bits);
  s.description = "XA " + dims + ", one file, " + (bits == 8 ? std::string("8-bit") : std::string("16/12-bit"));
  s.kind = DataKind::CineFile;
  s.phantom.writeMr = false;
  s.phantom.xaSize = size;
  s.phantom.xaFrames = frames;
  s.phantom.xaBitsAllocated = bits;
  s.root = (fs::path(dir) / s.name).string();
  s.dicomDir = (fs::path(s.root) / "xa").string();
  s.columns = s.rows = size;
  s.images = frames;
  s.bitsAllocated = bits;
  s.expectedFiles = 1;
  s.itkNativeType = bits == 8 ? "uint8" : "uint16";
  return s;
}

// Everything that decides the files' content: a marker with another signature
// means the directory holds a different data set and is regenerated.
std::string signature(const DataSet& s) {
  const PhantomOptions& o = s.phantom;
  std::ostringstream out;
  out << s.name << " seed=" << o.seed << " xa=" << o.writeXa << ':' << o.xaSize << 'x' << o.xaFrames << '/'
      << o.xaBitsAllocated << " mr=" << o.writeMr << ':' << o.mrSize << 'x' << o.mrSlices
      << " syntax=" << int(o.syntax) << '\n';
  return out.str();
}

bool isComplete(const DataSet& s) {
  std::ifstream in(fs::path(s.root) / kMarker);
  std::stringstream text;
  text << in.rdbuf();
  return in && text.str() == signature(s) && dicomFiles(s).size() == s.expectedFiles;
}

}  // namespace

std::vector<DataSet> dataSets(const std::string& dir, bool quick) {
  if (quick) return {mrSet(dir, 256, 60), xaSet(dir, 512, 30, 8), xaSet(dir, 512, 30, 16)};
  return {mrSet(dir, 512, 300), xaSet(dir, 1024, 120, 8), xaSet(dir, 1024, 120, 16)};
}

const DataSet* findDataSet(const std::vector<DataSet>& sets, const std::string& name) {
  for (const auto& s : sets)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> dicomFiles(const DataSet& set) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(set.dicomDir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".dcm") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

Status ensureGenerated(const DataSet& set, bool& generated) {
  generated = false;
  if (isComplete(set)) return {};
  // A partial set (interrupted run, other options) would mix old and new files.
  std::error_code ec;
  fs::remove_all(set.root, ec);
  if (ec) return makeError(set.root + ": cannot clear incomplete data set (" + ec.message() + ")");
  auto truth = writePhantom(set.phantom, set.root);
  if (!truth) return makeError(set.root + ": phantom generation failed: " + truth.message());
  if (dicomFiles(set).size() != set.expectedFiles)
    return makeError(set.dicomDir + ": phantom wrote " + std::to_string(dicomFiles(set).size()) +
                     " files, expected " + std::to_string(set.expectedFiles));
  std::ofstream(fs::path(set.root) / kMarker) << signature(set);
  generated = true;
  return {};
}

std::uint64_t warmPageCache(const DataSet& set) {
  std::uint64_t total = 0;
  std::vector<char> chunk(std::size_t(1) << 20);
  for (const auto& file : dicomFiles(set)) {
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (fd < 0) continue;  // the loaders will report the unreadable file
    for (ssize_t n; (n = ::read(fd, chunk.data(), chunk.size())) > 0;) total += std::uint64_t(n);
    ::close(fd);
  }
  return total;
}

}  // namespace annulo::bench
