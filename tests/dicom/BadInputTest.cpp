// Each kind of unusable input gets its own specific reason, and never stops the
// good files next to it from loading.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "annulo/dicom/SeriesLoader.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::ImageSpec;
using test::sample;
using test::TempDir;

std::string reasonFor(const std::filesystem::path& p) {
  auto r = loadSeries(p.string());
  if (!r.ok()) return "LOAD ERROR: " + r.message();
  if (!r->series.empty()) return "LOADED";
  if (r->rejected.size() != 1) return "REJECTED " + std::to_string(r->rejected.size());
  return r->rejected[0].reason;
}

#define EXPECT_REASON(path, text)                                                  \
  do {                                                                             \
    const std::string reason_ = reasonFor(path);                                   \
    EXPECT_NE(reason_.find(text), std::string::npos) << (path) << ": " << reason_; \
  } while (0)

TEST(BadInput, SyntheticFilesGetSpecificReasons) {
  TempDir dir;
  std::ofstream(dir / "notes.txt") << "this is not DICOM, just text that is long enough to be read\n";
  std::ofstream(dir / "empty.dcm");
  ImageSpec shortPixels;
  shortPixels.truncatePixels = 20;
  test::writeImage(shortPixels, (dir / "short.dcm").string());
  ImageSpec noPixels;
  noPixels.omitPixelData = true;
  test::writeImage(noPixels, (dir / "nopixels.dcm").string());
  ImageSpec good;
  test::writeImage(good, (dir / "good.dcm").string());
  {
    // Cut a valid file in the middle of its pixel data.
    std::ifstream in(dir / "good.dcm", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "cut.dcm", std::ios::binary) << bytes.substr(0, bytes.size() - 40);
  }
  EXPECT_REASON(dir / "notes.txt", "not a DICOM file");
  EXPECT_REASON(dir / "empty.dcm", "empty file");
  EXPECT_REASON(dir / "short.dcm", "pixel data shorter than rows x columns x frames");
  EXPECT_REASON(dir / "nopixels.dcm", "no pixel data");
  EXPECT_REASON(dir / "cut.dcm", "truncated");
  EXPECT_EQ(reasonFor(dir / "good.dcm"), "LOADED");
}

TEST(BadInput, RealMalformedFilesGetSpecificReasons) {
  struct Case {
    const char* path;
    const char* reason;
  } cases[] = {
      {"gh-dcm4che/3gb-bulk-data-truncated", "truncated"},
      {"gh-orthanc-tests/2026-05-26-oob-monochrome-65535.dcm", "pixel data shorter"},
      {"gh-orthanc-tests/2026-05-26-oob-monochrome-46341.dcm", "pixel data shorter"},
      {"gh-orthanc-tests/2026-05-06-Deeply-Nested-Sequence.dcm", "nested deeper"},
      {"gh-orthanc-tests/Issue22-NoPixelData.dcm", "no pixel data"},
      {"gh-fo-dicom/test_SR.dcm", "non-image object: structured report"},
      {"gh-highdicom/seg_image_ct_binary.dcm", "non-image object: segmentation"},
      {"gh-dwv/dwv-test_no-number-rows.dcm", "no image size"},
      {"gh-fo-dicom/GH179B.dcm", "truncated"},
      {"gh-dcm4che/jpeg-ls-Palette.dcm", "photometric interpretation 'PALETTE COLOR'"},
  };
  std::vector<std::string> missing;
  for (const auto& c : cases) {
    const auto p = sample(c.path);
    if (!std::filesystem::exists(p)) {
      missing.push_back(c.path);
      continue;
    }
    EXPECT_REASON(p, c.reason);
  }
  if (!missing.empty()) ANNULO_SKIP_MISSING("samples " << test::listOf(missing));
}

TEST(BadInput, AbsurdSizeClaimIsRejectedWithoutAllocating) {
  // 65535 x 65535 claimed in a 1 kB file: the rejection must come from the
  // header check, so the loader's peak memory stays tiny.
  const auto p = sample("gh-orthanc-tests/2026-05-26-oob-monochrome-65535.dcm");
  ANNULO_REQUIRE_SAMPLE(p);
  // In a child whose address space may grow by at most 512 MiB over what it
  // already maps: a loader that allocated for the claim (8 GiB) dies or fails
  // to allocate there, instead of passing on a machine with enough memory.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::ifstream statm("/proc/self/statm");
    unsigned long long pages = 0;
    statm >> pages;
    const rlim_t limit = rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE)) + (rlim_t(512) << 20);
    const rlimit rl{limit, limit};
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(10);
    auto r = loadSeries(p.string());
    if (!r.ok()) _exit(11);
    if (!r->series.empty()) _exit(12);
    if (r->rejected.size() != 1 || r->rejected[0].reason.find("pixel data shorter") == std::string::npos) _exit(13);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the load died under a 512 MiB address-space limit (signal "
                                 << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << ")";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10 setrlimit, 11 load error, 12 loaded, 13 not rejected by the header check";
}

TEST(BadInput, FolderWithBadFilesLoadsTheGoodOnes) {
  TempDir dir;
  for (int k = 0; k < 4; ++k) {
    ImageSpec s;
    s.instanceNumber = k + 1;
    s.position = std::array<double, 3>{0, 0, 5.0 * k};
    s.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
    s.value = [k](int, int, int) { return std::uint32_t(k + 1); };
    test::writeImage(s, (dir / ("good" + std::to_string(k) + ".dcm")).string());
  }
  std::ofstream(dir / "readme.txt") << "not an image at all, and not DICOM either, as anyone can see\n";
  ImageSpec shortPixels;
  shortPixels.instanceNumber = 99;
  shortPixels.truncatePixels = 10;
  test::writeImage(shortPixels, (dir / "short.dcm").string());
  for (const char* rel : {"gh-fo-dicom/test_SR.dcm", "gh-dcm4che/3gb-bulk-data-truncated",
                          "gh-orthanc-tests/2026-05-06-Deeply-Nested-Sequence.dcm"}) {
    if (std::filesystem::exists(sample(rel)))
      std::filesystem::copy_file(sample(rel), dir / std::filesystem::path(rel).filename());
  }
  auto r = loadSeries(dir.path().string());
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->series.size(), 1u);
  const Series& s = r->series[0];
  ASSERT_EQ(s.sliceCount(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(s.storedValue(i, 0), double(i + 1));
  EXPECT_GE(r->rejected.size(), 2u);
  for (const auto& rej : r->rejected) EXPECT_FALSE(rej.reason.empty()) << rej.path;
}

TEST(BadInput, MissingPathIsAnError) {
  auto r = loadSeries("/nonexistent/annulo/path");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("no such file"), std::string::npos);
}

TEST(BadInput, DicomDirListsItsFiles) {
  const auto p = sample("gh-orthanc-tests/DavidClunie-charset-fileset/DICOMDIR");
  ANNULO_REQUIRE_SAMPLE(p);
  auto r = loadSeries(p.string());
  ASSERT_TRUE(r.ok()) << r.message();
  // The DICOMDIR lists 11 IMAGE records (dcmdump), one per patient/study/series,
  // each a 512 x 512 single-frame image: every one must be read.
  EXPECT_EQ(r->filesSeen, 11u);
  EXPECT_TRUE(r->rejected.empty());
  ASSERT_EQ(r->series.size(), 11u);
  std::set<std::string> sops;
  for (const auto& s : r->series) {
    EXPECT_EQ(s.sliceCount(), 1u);
    EXPECT_EQ(s.columns, 512);
    EXPECT_EQ(s.rows, 512);
    sops.insert(s.slices.at(0).sopInstanceUid);
  }
  EXPECT_EQ(sops.size(), 11u) << "11 distinct images, not one read 11 times";
  auto dwv = sample("gh-dwv/bbmri/bbmri.dcmdir");
  ANNULO_REQUIRE_SAMPLE(dwv);
  auto d = loadSeries(dwv.string());
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_FALSE(d->series.empty());
}

}  // namespace
}  // namespace annulo
