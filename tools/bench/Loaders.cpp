#include "Loaders.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "annulo/dicom/PixelBuffer.h"
#include "annulo/dicom/SeriesLoader.h"

namespace annulo::bench {
namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

rusage selfUsage() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u;
}

// Peak RSS of this process's own address space. ru_maxrss is not used for it:
// the kernel carries the pre-exec peak (the forked copy of the parent) over
// into ru_maxrss at execve, while VmHWM starts afresh with the new image.
long highWaterRssKiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return selfUsage().ru_maxrss;  // no procfs: the next best figure
}

double totalCpuMs(const rusage& u) {
  auto ms = [](const timeval& t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

template <typename T>
double sumAs(const std::uint8_t* data, std::uint64_t bytes) {
  // Integer accumulation is exact; the largest sums here (~1e12) fit a double exactly too.
  const auto* p = reinterpret_cast<const T*>(data);
  const std::uint64_t n = bytes / sizeof(T);
  std::int64_t sum = 0;
  for (std::uint64_t i = 0; i < n; ++i) sum += std::int64_t(p[i]);
  return double(sum);
}

bool sampleIsSigned(SampleType t) { return t == SampleType::Int8 || t == SampleType::Int16 || t == SampleType::Int32; }

// The DCMTK data dictionary is loaded on first use, once per process in any
// real application: load it before the clock starts, as for library loading.
void loadDcmtkDictionary() {
  dcmDataDict.rdlock();
  dcmDataDict.rdunlock();
}

struct FreeDeleter {
  void operator()(std::uint8_t* p) const { std::free(p); }
};
using RawBuffer = std::unique_ptr<std::uint8_t, FreeDeleter>;

// The peer's series buffer: malloc (uninitialised on purpose: zero-filling
// would touch every page twice) or, to separate that advantage from the rest,
// the very allocation Annulo uses (2 MiB aligned, MADV_HUGEPAGE).
class PeerBuffer {
 public:
  PeerBuffer() = default;
  PeerBuffer(std::uint64_t bytes, bool huge) {
    if (huge) {
      mapped_ = PixelBuffer(std::size_t(bytes));
      data_ = mapped_.data();
      return;
    }
    raw_.reset(static_cast<std::uint8_t*>(std::malloc(bytes)));
    if (!raw_) throw std::runtime_error("out of memory allocating " + std::to_string(bytes) + " bytes");
    data_ = raw_.get();
  }
  std::uint8_t* get() const { return data_; }

 private:
  RawBuffer raw_;
  PixelBuffer mapped_;
  std::uint8_t* data_ = nullptr;
};

struct NativeLayout {
  int rows = 0, columns = 0, frames = 1, samplesPerPixel = 1, bitsAllocated = 0;
  bool isSigned = false;
  std::uint64_t bytes() const {
    return std::uint64_t(rows) * std::uint64_t(columns) * std::uint64_t(frames) * std::uint64_t(samplesPerPixel) *
           std::uint64_t(bitsAllocated / 8);
  }
};

NativeLayout readLayout(DcmDataset& ds, const std::string& file) {
  NativeLayout l;
  Uint16 v = 0;
  if (ds.findAndGetUint16(DCM_Rows, v).good()) l.rows = v;
  if (ds.findAndGetUint16(DCM_Columns, v).good()) l.columns = v;
  if (ds.findAndGetUint16(DCM_SamplesPerPixel, v).good()) l.samplesPerPixel = v;
  if (ds.findAndGetUint16(DCM_BitsAllocated, v).good()) l.bitsAllocated = v;
  if (ds.findAndGetUint16(DCM_PixelRepresentation, v).good()) l.isSigned = v == 1;
  Sint32 frames = 1;
  if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).good() && frames > 0) l.frames = frames;
  if (l.rows == 0 || l.columns == 0 || l.bitsAllocated % 8 != 0 || l.bitsAllocated == 0)
    throw std::runtime_error(file + ": no usable native pixel layout");
  return l;
}

// One file's pixel value, straight from the file into `dst`: loadFile left the
// value on disk (small maxReadLength) and getPartialValue reads it in place.
void readPixelsInto(DcmDataset& ds, const std::string& file, std::uint8_t* dst, std::uint64_t bytes) {
  DcmElement* e = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, e).bad() || !e) throw std::runtime_error(file + ": no pixel data");
  if (e->getLength() < bytes) throw std::runtime_error(file + ": pixel data shorter than Rows x Columns x Frames");
  DcmFileCache cache;
  const OFCondition c = e->getPartialValue(dst, 0, Uint32(bytes), &cache, gLocalByteOrder);
  if (c.bad()) throw std::runtime_error(file + ": cannot read pixel data (" + std::string(c.text()) + ")");
}

// The plain way to decode with DCMTK (dcmdjpeg, dcmdjpls, dcmdrle do this):
// the whole object to explicit little endian, then one copy into the buffer.
void decodePixelsInto(DcmDataset& ds, const std::string& file, std::uint8_t* dst, std::uint64_t bytes) {
  const OFCondition c = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (c.bad() || !ds.canWriteXfer(EXS_LittleEndianExplicit))
    throw std::runtime_error(file + ": DCMTK cannot decode (" + std::string(c.text()) + ")");
  const Uint8* data = nullptr;
  unsigned long count = 0;
  if (ds.findAndGetUint8Array(DCM_PixelData, data, &count).bad() || !data || count < bytes)
    throw std::runtime_error(file + ": decoded pixel data shorter than Rows x Columns x Frames");
  std::memcpy(dst, data, bytes);
}

// Library start-up outside the clock, as in any real application.
void registerDcmtkDecoders() {
  static const bool once = [] {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
    return true;
  }();
  (void)once;
}

}  // namespace

void Probe::start() {
  const rusage u = selfUsage();
  baselineRssKiB = highWaterRssKiB();
  startMinor_ = u.ru_minflt;
  startMajor_ = u.ru_majflt;
  startCpuMs_ = totalCpuMs(u);
  startSeconds_ = nowSeconds();
}

void Probe::stop() {
  elapsedMs = (nowSeconds() - startSeconds_) * 1e3;
  const rusage u = selfUsage();
  peakRssKiB = highWaterRssKiB();
  ruMaxRssKiB = u.ru_maxrss;  // Linux: KiB
  minorFaults = u.ru_minflt - startMinor_;
  majorFaults = u.ru_majflt - startMajor_;
  cpuMs = totalCpuMs(u) - startCpuMs_;
}

double sumSamples(const std::uint8_t* data, std::uint64_t bytes, int bitsAllocated, bool isSigned) {
  switch (bitsAllocated) {
    case 8:
      return isSigned ? sumAs<std::int8_t>(data, bytes) : sumAs<std::uint8_t>(data, bytes);
    case 16:
      return isSigned ? sumAs<std::int16_t>(data, bytes) : sumAs<std::uint16_t>(data, bytes);
    case 32:
      return isSigned ? sumAs<std::int32_t>(data, bytes) : sumAs<std::uint32_t>(data, bytes);
    default:
      throw std::runtime_error("cannot sum " + std::to_string(bitsAllocated) + "-bit samples");
  }
}

LoadOutcome loadWithAnnulo(const DataSet& set, Probe& probe, unsigned threads) {
  loadDcmtkDictionary();
  LoadOptions options;
  options.threads = threads;
  std::atomic<bool> seenFirst{false};
  std::atomic<double> firstAt{-1};
  options.onFramesDecoded = [&](const FramesDecoded&) {
    if (!seenFirst.exchange(true)) firstAt = nowSeconds();
  };
  probe.start();
  const double t0 = nowSeconds();
  auto result = loadSeries(set.dicomDir, options);
  probe.stop();
  if (!result) throw std::runtime_error(set.dicomDir + ": " + result.message());
  if (!result->rejected.empty())
    throw std::runtime_error(result->rejected.front().path + ": rejected: " + result->rejected.front().reason);
  if (result->series.size() != 1)
    throw std::runtime_error(set.dicomDir + ": expected one series, got " + std::to_string(result->series.size()));
  const Series& s = result->series.front();
  LoadOutcome out;
  if (firstAt.load() > 0) out.firstFrameMs = (firstAt.load() - t0) * 1e3;
  out.pixelType = sampleTypeName(s.sampleType);
  out.samples = s.pixels.size() / bytesPerSample(s.sampleType);
  out.sum =
      sumSamples(s.pixels.data(), s.pixels.size(), int(bytesPerSample(s.sampleType) * 8), sampleIsSigned(s.sampleType));
  return out;
}

LoadOutcome loadWithDcmtk(const DataSet& set, Probe& probe, bool hugePages) {
  // DCMTK keeps values longer than this on disk until asked for them.
  constexpr Uint32 kMaxReadLength = 4096;
  loadDcmtkDictionary();
  registerDcmtkDecoders();
  probe.start();
  const std::vector<std::string> files = dicomFiles(set);
  if (files.empty()) throw std::runtime_error(set.dicomDir + ": no DICOM files");
  PeerBuffer buffer;
  NativeLayout first;
  for (std::size_t i = 0; i < files.size(); ++i) {
    DcmFileFormat ff;
    const OFCondition c = ff.loadFile(files[i].c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength);
    if (c.bad()) throw std::runtime_error(files[i] + ": " + c.text());
    const NativeLayout layout = readLayout(*ff.getDataset(), files[i]);
    if (i == 0) {
      // Every file has the first one's size: the whole series is allocated once.
      first = layout;
      buffer = PeerBuffer(first.bytes() * files.size(), hugePages);
    } else if (layout.bytes() != first.bytes()) {
      throw std::runtime_error(files[i] + ": pixel data size differs from the first file");
    }
    DcmDataset& ds = *ff.getDataset();
    if (DcmXfer(ds.getOriginalXfer()).isEncapsulated())
      decodePixelsInto(ds, files[i], buffer.get() + first.bytes() * i, first.bytes());
    else
      readPixelsInto(ds, files[i], buffer.get() + first.bytes() * i, first.bytes());
  }
  probe.stop();
  const std::uint64_t bytes = first.bytes() * files.size();
  LoadOutcome out;
  out.pixelType = std::string(first.isSigned ? "int" : "uint") + std::to_string(first.bitsAllocated);
  out.samples = bytes / std::uint64_t(first.bitsAllocated / 8);
  out.sum = sumSamples(buffer.get(), bytes, first.bitsAllocated, first.isSigned);
  return out;
}

bool isInProcessLoader(const std::string& id) {
  return id == "annulo" || id == "annulo-t1" || id == "dcmtk" || id == "dcmtk-huge" || id == "itk-float" ||
         id == "itk-native";
}

LoadOutcome runLoader(const std::string& id, const DataSet& set, Probe& probe) {
  if (id == "annulo") return loadWithAnnulo(set, probe, 0);
  if (id == "annulo-t1") return loadWithAnnulo(set, probe, 1);
  if (id == "dcmtk") return loadWithDcmtk(set, probe, false);
  if (id == "dcmtk-huge") return loadWithDcmtk(set, probe, true);
#ifndef ANNULO_BENCH_LEAN
  if (id == "itk-float") return loadWithItk("float", set, probe);
  if (id == "itk-native") return loadWithItk(set.itkNativeType, set, probe);
#endif
  throw std::runtime_error("unknown loader '" + id + "'");
}

}  // namespace annulo::bench
