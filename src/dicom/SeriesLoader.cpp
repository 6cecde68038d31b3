#include "annulo/dicom/SeriesLoader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "DicomHeader.h"
#include "FrameDecoder.h"
#include "PixelReader.h"
#include "StackBuilder.h"
#include "annulo/base/Parallel.h"

namespace annulo {
namespace {

unsigned threadCount(const LoadOptions& o, std::size_t work) {
  unsigned n = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  return unsigned(std::max<std::size_t>(1, std::min<std::size_t>(n, work)));
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

// Native runs are cut in a few pieces per thread; mapped compressed files in
// single frames (decoding a frame costs far more than starting a job), so the
// threads stay busy to the end and progress is reported frame by frame.
std::vector<ReadJob> splitJobs(std::vector<ReadJob> jobs, const std::vector<FileHeader>& headers,
                               const std::vector<std::optional<EncapsulatedFrames>>& maps, unsigned threads) {
  std::vector<ReadJob> out;
  for (const auto& j : jobs) {
    const bool encapsulated = headers[j.file].encapsulated;
    const int pieces = !encapsulated ? std::min<int>(j.frames, int(threads) * 4) : maps[j.file] ? j.frames : 1;
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

// Frames of compressed files found in the file itself, so that any thread can
// decode any frame; a file we cannot map is decoded by DCMTK on one thread.
std::vector<std::optional<EncapsulatedFrames>> mapCompressedFiles(const std::vector<Stack>& stacks,
                                                                  const std::vector<FileHeader>& headers,
                                                                  unsigned threads) {
  std::vector<std::optional<EncapsulatedFrames>> maps(headers.size());
  std::vector<std::size_t> files;
  std::vector<bool> seen(headers.size(), false);
  for (const auto& st : stacks)
    for (const auto& img : st.images)
      if (headers[img.file].encapsulated && !seen[img.file]) {
        seen[img.file] = true;
        files.push_back(img.file);
      }
  parallelFor(files.size(), std::max(1u, std::min<unsigned>(threads, unsigned(files.size()))), [&](std::size_t i) {
    auto m = mapEncapsulatedFrames(headers[files[i]]);
    if (m) maps[files[i]] = std::move(m.value());
  });
  return maps;
}

// The slice a viewer shows first goes first: a cine's first frame, a volume's
// middle slice (stable otherwise, so files are still read in order). Returns
// how many jobs hold such a slice; the caller decodes those before the rest, so
// they are also reported first (decoded in parallel, frame 2 could finish
// before frame 1).
std::size_t showFirstSlicesFirst(std::vector<ReadJob>& jobs, const std::vector<Stack>& stacks) {
  auto holdsFirstShown = [&](const ReadJob& j) {
    const Series& s = stacks[j.stack].meta;
    const std::size_t shown = s.multiFrame ? 0 : s.slices.size() / 2;
    return shown >= j.firstSlice && shown < j.firstSlice + std::size_t(j.frames);
  };
  return std::size_t(std::stable_partition(jobs.begin(), jobs.end(), holdsFirstShown) - jobs.begin());
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
    if (scanned[i])
      headers.push_back(std::move(*scanned[i]));
    else
      result.rejected.push_back({files[i], reasons[i]});
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
    const auto maps = mapCompressedFiles(stacks, headers, threads);
    auto jobs = splitJobs(planReads(stacks), headers, maps, threads);
    const std::size_t shownFirst = showFirstSlicesFirst(jobs, stacks);
    // Whatever way the decoding ends (done, cancelled, an exception), the early
    // reader is told before the slices move or the Series leave.
    struct EndNotice {
      const std::function<void()>* ended = nullptr;
      ~EndNotice() {
        if (ended && *ended) (*ended)();
      }
      void now() {
        if (ended && *ended) (*ended)();
        ended = nullptr;
      }
    } endNotice;
    if (options.onSeriesReady) {
      std::vector<const Series*> ready;
      for (const auto& st : stacks) ready.push_back(&st.meta);
      endNotice.ended = &options.onDecodingEnded;
      options.onSeriesReady(ready);
    }
    std::vector<std::string> errors(jobs.size());
    std::atomic<std::size_t> framesDone{0};
    std::size_t framesTotal = 0;
    for (const auto& j : jobs) framesTotal += std::size_t(j.frames);
    std::mutex progressMutex;
    // Unmapped compressed files are never split, so each is touched by one job:
    // DCMTK's dataset of a file may not be used from two threads.
    auto decode = [&](std::size_t i) {
      if (cancelled(options)) return;
      const ReadJob& j = jobs[i];
      Series& s = stacks[j.stack].meta;
      const EncapsulatedFrames* map = maps[j.file] ? &*maps[j.file] : nullptr;
      Status st = readFrames(headers[j.file], j.firstFrame, j.frames, s.sliceData(j.firstSlice), j.privateHandle, map);
      if (!st)
        errors[i] = st.message();
      else if (options.onFramesDecoded)
        options.onFramesDecoded({j.stack, j.firstSlice, std::size_t(j.frames)});
      const std::size_t done = framesDone += std::size_t(j.frames);
      if (options.progress) {
        std::lock_guard<std::mutex> lock(progressMutex);
        options.progress(double(done) / double(framesTotal));
      }
    };
    parallelFor(shownFirst, threads, decode);
    parallelFor(jobs.size() - shownFirst, threads, [&](std::size_t i) { decode(shownFirst + i); });
    endNotice.now();
    if (cancelled(options)) return makeError("loading cancelled");
    // A file with any frame that failed leaves the series whole (its first
    // error is the reason), even when other threads decoded its other frames.
    std::vector<const std::string*> failed(headers.size(), nullptr);
    std::vector<int> failedFrame(headers.size(), 0);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const ReadJob& j = jobs[i];
      if (errors[i].empty() || (failed[j.file] && failedFrame[j.file] < j.firstFrame)) continue;
      failed[j.file] = &errors[i];
      failedFrame[j.file] = j.firstFrame;
    }
    for (std::size_t f = 0; f < headers.size(); ++f)
      if (failed[f]) {
        const std::string& p = headers[f].path;
        if (std::none_of(result.rejected.begin(), result.rejected.end(),
                         [&](const RejectedFile& r) { return r.path == p; }))
          result.rejected.push_back({p, *failed[f]});
      }
    for (auto& st : stacks)
      // From the back, so the indices of the slices still to drop stay valid.
      for (std::size_t k = st.images.size(); k-- > 0;)
        if (failed[st.images[k].file]) dropSlices(st, k, 1);
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
