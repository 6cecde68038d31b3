#include "annulo/dicom/SeriesLoader.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "DicomHeader.h"
#include "PixelReader.h"
#include "StackBuilder.h"

namespace annulo {
namespace {

unsigned threadCount(const LoadOptions& o, std::size_t work) {
  unsigned n = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  return unsigned(std::max<std::size_t>(1, std::min<std::size_t>(n, work)));
}

// Runs job(i) for i in [0, count) on `threads` threads, taking indices in order.
template <typename Job>
void parallelFor(std::size_t count, unsigned threads, Job job) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) job(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

bool cancelled(const LoadOptions& o) { return o.cancel && o.cancel->load(); }

struct ReadJob {
  std::size_t stack;
  std::size_t file;
  int firstFrame;
  int frames;
  std::size_t firstSlice;
  bool privateHandle = false;  // another job reads the same file
};

// Consecutive slices from consecutive frames of one file become one read, and a
// big single-file cine is cut in pieces so every core takes page faults.
std::vector<ReadJob> planReads(const std::vector<Stack>& stacks) {
  std::vector<ReadJob> jobs;
  for (std::size_t s = 0; s < stacks.size(); ++s) {
    const auto& imgs = stacks[s].images;
    for (std::size_t i = 0; i < imgs.size();) {
      std::size_t j = i + 1;
      while (j < imgs.size() && imgs[j].file == imgs[i].file && imgs[j].frame == imgs[j - 1].frame + 1) ++j;
      jobs.push_back({s, imgs[i].file, imgs[i].frame, int(j - i), i});
      i = j;
    }
  }
  return jobs;
}

std::vector<ReadJob> splitNative(std::vector<ReadJob> jobs, const std::vector<FileHeader>& headers, unsigned threads) {
  std::vector<ReadJob> out;
  for (const auto& j : jobs) {
    const int pieces = headers[j.file].encapsulated ? 1 : std::min<int>(j.frames, int(threads) * 4);
    if (pieces <= 1) {
      out.push_back(j);
      continue;
    }
    int done = 0;
    for (int p = 0; p < pieces; ++p) {
      const int n = (j.frames - done) / (pieces - p);
      out.push_back({j.stack, j.file, j.firstFrame + done, n, j.firstSlice + std::size_t(done), p > 0});
      done += n;
    }
  }
  return out;
}

std::shared_ptr<const DcmDataset> takeHeader(FileHeader& h) {
  DcmDataset* ds = h.file ? h.file->getAndRemoveDataset() : nullptr;
  if (!ds) return nullptr;
  ds->findAndDeleteElement(DCM_PixelData);
  return std::shared_ptr<const DcmDataset>(ds);
}

// A file that failed to read leaves the series: later slices move down over it
// (memory already touched, so the move is cheap) and the rest still loads.
void dropSlices(Stack& st, std::size_t first, std::size_t count) {
  Series& s = st.meta;
  const std::size_t bytes = s.sliceBytes();
  const std::size_t n = s.slices.size();
  const std::size_t at = std::min(first, n);
  const std::size_t cnt = std::min(count, n - at);
  std::memmove(s.sliceData(at), s.sliceData(at + cnt), (n - at - cnt) * bytes);
  s.slices.erase(s.slices.begin() + std::ptrdiff_t(at), s.slices.begin() + std::ptrdiff_t(at + cnt));
  st.images.erase(st.images.begin() + std::ptrdiff_t(at), st.images.begin() + std::ptrdiff_t(at + cnt));
}

// Files whose pixels we can read by offset need no parsed dataset any more,
// except the first of each stack (its header goes into the Series). Dropping
// them before the pixel buffer is touched keeps peak memory near the pixels.
void releaseParsedHeaders(const std::vector<Stack>& stacks, std::vector<FileHeader>& headers) {
  std::vector<bool> keep(headers.size(), false);
  for (const auto& st : stacks)
    if (!st.images.empty()) keep[st.images.front().file] = true;
  for (std::size_t i = 0; i < headers.size(); ++i)
    if (!keep[i] && headers[i].pixelOffset) headers[i].file.reset();
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

Result<LoadResult> loadSeries(const std::string& path, const LoadOptions& options) {
  auto collected = collectFiles(path);
  if (!collected) return collected.error();
  LoadResult result;
  result.rejected = std::move(collected->rejected);
  const auto& files = collected->files;
  result.filesSeen = files.size();

  std::vector<std::optional<FileHeader>> scanned(files.size());
  std::vector<std::string> reasons(files.size());
  parallelFor(files.size(), threadCount(options, files.size()), [&](std::size_t i) {
    if (cancelled(options)) return;
    auto h = readFileHeader(files[i]);
    if (h) {
      scanned[i] = std::move(h.value());
    } else {
      reasons[i] = h.message();
    }
  });
  if (cancelled(options)) return makeError("loading cancelled");

  std::vector<FileHeader> headers;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (scanned[i]) headers.push_back(std::move(*scanned[i]));
    else result.rejected.push_back({files[i], reasons[i]});
  }
  std::vector<Stack> stacks = buildStacks(headers, result.rejected);
  releaseParsedHeaders(stacks, headers);

  if (options.readPixels) {
    for (auto& st : stacks) {
      try {
        st.meta.pixels = PixelBuffer(st.meta.sliceBytes() * st.images.size());
      } catch (const std::bad_alloc&) {
        return makeError("out of memory allocating " + std::to_string(st.meta.sliceBytes() * st.images.size()) +
                         " bytes for series " + st.meta.series.instanceUid);
      }
    }
    const unsigned threads = threadCount(options, headers.size() * 8);
    auto jobs = splitNative(planReads(stacks), headers, threads);
    std::vector<std::string> errors(jobs.size());
    std::atomic<std::size_t> framesDone{0};
    std::size_t framesTotal = 0;
    for (const auto& j : jobs) framesTotal += std::size_t(j.frames);
    std::mutex progressMutex;
    // Compressed files may not be decoded from two threads; jobs of one file
    // are never split when encapsulated, so each file is touched by one job.
    parallelFor(jobs.size(), threads, [&](std::size_t i) {
      if (cancelled(options)) return;
      const ReadJob& j = jobs[i];
      Series& s = stacks[j.stack].meta;
      Status st = readFrames(headers[j.file], j.firstFrame, j.frames, s.sliceData(j.firstSlice), j.privateHandle);
      if (!st) errors[i] = st.message();
      const std::size_t done = framesDone += std::size_t(j.frames);
      if (options.progress) {
        std::lock_guard<std::mutex> lock(progressMutex);
        options.progress(double(done) / double(framesTotal));
      }
    });
    if (cancelled(options)) return makeError("loading cancelled");
    std::vector<std::size_t> bad;
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (!errors[i].empty()) bad.push_back(i);
    // From the back, so the slice indices of the remaining failures stay valid.
    std::sort(bad.begin(), bad.end(), [&](std::size_t a, std::size_t b) { return jobs[a].firstSlice > jobs[b].firstSlice; });
    for (std::size_t i : bad) {
      const std::string& p = headers[jobs[i].file].path;
      if (std::none_of(result.rejected.begin(), result.rejected.end(), [&](const RejectedFile& r) { return r.path == p; }))
        result.rejected.push_back({p, errors[i]});
      dropSlices(stacks[jobs[i].stack], jobs[i].firstSlice, std::size_t(jobs[i].frames));
    }
  }

  std::vector<std::shared_ptr<const DcmDataset>> kept(headers.size());
  for (auto& st : stacks) {
    if (st.meta.slices.empty()) continue;
    const std::size_t first = st.images.front().file;
    if (!kept[first]) kept[first] = takeHeader(headers[first]);
    st.meta.header = kept[first];
    result.series.push_back(std::move(st.meta));
  }
  return result;
}

}  // namespace annulo
