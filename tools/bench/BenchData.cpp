#include "BenchData.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ChildProcess.h"

namespace fs = std::filesystem;

namespace annulo::bench {
namespace {

constexpr const char* kMarker = "complete.txt";

DataSet mrSet(const std::string& dir, int size, int slices) {
  DataSet s;
  s.name = "mr-" + std::to_string(size) + "x" + std::to_string(size) + "x" + std::to_string(slices);
  s.description = "MR " + std::to_string(size) + "x" + std::to_string(size) + "x" + std::to_string(slices) + ", " +
                  std::to_string(slices) + " files, 16/12-bit";
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
  // 16/12-bit: int16 holds the values exactly and is the ITK path issue 15 asks for besides float.
  s.itkNativeType = bits == 8 ? "uint8" : "int16";
  return s;
}

DataSet compressedSet(const DataSet& source, const std::string& tag, const std::string& label,
                      std::vector<std::string> encoder) {
  DataSet s = source;
  s.name = source.name + "-" + tag;
  s.description = source.description + ", " + label;
  s.root = (fs::path(source.root).parent_path() / s.name).string();
  s.dicomDir = (fs::path(s.root) / "xa").string();
  s.sourceSet = source.name;
  s.encoder = std::move(encoder);
  return s;
}

// Everything that decides the files' content: a marker with another signature
// means the directory holds a different data set and is regenerated.
std::string signature(const DataSet& s) {
  const PhantomOptions& o = s.phantom;
  std::ostringstream out;
  out << s.name << " seed=" << o.seed << " xa=" << o.writeXa << ':' << o.xaSize << 'x' << o.xaFrames << '/'
      << o.xaBitsAllocated << " mr=" << o.writeMr << ':' << o.mrSize << 'x' << o.mrSlices
      << " syntax=" << int(o.syntax);
  for (const auto& e : s.encoder) out << ' ' << e;
  out << '\n';
  return out.str();
}

bool isComplete(const DataSet& s) {
  std::ifstream in(fs::path(s.root) / kMarker);
  std::stringstream text;
  text << in.rdbuf();
  return in && text.str() == signature(s) && dicomFiles(s).size() == s.expectedFiles;
}

// The source cine through DCMTK's encoder (the lossy ones write new UIDs; the
// loaders only compare their own sums with each other on the same file).
Status encode(const DataSet& set, bool& generated) {
  DataSet source = set;
  source.name = set.sourceSet;
  source.root = (fs::path(set.root).parent_path() / set.sourceSet).string();
  source.dicomDir = (fs::path(source.root) / "xa").string();
  source.encoder.clear();
  source.sourceSet.clear();
  const auto inputs = dicomFiles(source);
  if (inputs.size() != 1)
    return makeError(source.dicomDir + ": source cine missing (generate " + set.sourceSet + " first)");
  std::error_code ec;
  fs::create_directories(set.dicomDir, ec);
  if (ec) return makeError(set.dicomDir + ": " + ec.message());
  std::vector<std::string> argv = set.encoder;
  argv.push_back(inputs.front());
  argv.push_back((fs::path(set.dicomDir) / "cine.dcm").string());
  const ProcessOutput p = runProcess(argv);
  if (p.exitCode != 0) return makeError(set.encoder.front() + " failed (" + describeExit(p) + "): " + p.output);
  std::ofstream(fs::path(set.root) / kMarker) << signature(set);
  generated = true;
  return {};
}

}  // namespace

std::vector<DataSet> dataSets(const std::string& dir, bool quick) {
  const int size = quick ? 512 : 1024, frames = quick ? 30 : 120;
  std::vector<DataSet> sets = {quick ? mrSet(dir, 256, 60) : mrSet(dir, 512, 300), xaSet(dir, size, frames, 8),
                               xaSet(dir, size, frames, 16)};
  const DataSet xa8 = sets[1], xa16 = sets[2];
  for (const DataSet* src : {&xa8, &xa16}) {
    const bool eight = src->bitsAllocated == 8;
    sets.push_back(compressedSet(*src, "jpll", "JPEG lossless SV1 (dcmcjpeg +e1)", {"dcmcjpeg", "+e1"}));
    sets.push_back(compressedSet(*src, "jls", "JPEG-LS lossless (dcmcjpls)", {"dcmcjpls"}));
    sets.push_back(eight ? compressedSet(*src, "jpeg", "JPEG baseline (dcmcjpeg +eb)", {"dcmcjpeg", "+eb"})
                         : compressedSet(*src, "jpeg", "JPEG extended 12-bit (dcmcjpeg +ee)", {"dcmcjpeg", "+ee"}));
    sets.push_back(compressedSet(*src, "rle", "RLE (dcmcrle)", {"dcmcrle"}));
  }
  return sets;
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
  if (set.compressed()) return encode(set, generated);
  auto truth = writePhantom(set.phantom, set.root);
  if (!truth) return makeError(set.root + ": phantom generation failed: " + truth.message());
  if (dicomFiles(set).size() != set.expectedFiles)
    return makeError(set.dicomDir + ": phantom wrote " + std::to_string(dicomFiles(set).size()) + " files, expected " +
                     std::to_string(set.expectedFiles));
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
