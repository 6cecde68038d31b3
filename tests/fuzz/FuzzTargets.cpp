#include "fuzz/FuzzTargets.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "annulo/annotation/SessionStore.h"
#include "annulo/deid/Deidentify.h"
#include "annulo/dicom/DisplayImage.h"
#include "annulo/dicom/FileIdentity.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/sr/LabelMap.h"
#include "annulo/sr/SrExport.h"

namespace annulo::fuzz {

const char kFileSeparator[] = "\n--annulo-next-file--\n";

namespace {

namespace fs = std::filesystem;

// One scratch folder per process (libFuzzer may run several jobs), on tmpfs
// where there is one: the loaders take paths, not bytes.
const fs::path& scratch() {
  static const fs::path dir = [] {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = base / ("annulo-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

void writeBytes(const fs::path& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
}

// Everything a viewer does first with a loaded series: statistics, a rendered
// slice (modality LUT, VOI, inversion) and a patient position.
void useSeries(const LoadResult& r) {
  for (const Series& s : r.series) {
    if (s.pixels.empty()) continue;
    (void)computeModalityStats(s);
    const std::size_t last = s.sliceCount() - 1;
    DisplayImage img = renderSlice(s, last);
    if (img.pixels.size() != std::size_t(img.width) * std::size_t(img.height) * std::size_t(img.channels)) abort();
    (void)s.pixelToPatient(s.columns - 1, s.rows - 1, last);
  }
}

LoadOptions oneThread() {
  LoadOptions o;
  o.threads = 1;  // deterministic coverage; the threaded paths are the suite's
  return o;
}

int fileTarget(const std::uint8_t* data, std::size_t size) {
  const fs::path p = scratch() / "input.dcm";
  writeBytes(p, data, size);
  (void)readFileIdentity(p.string());
  auto r = loadSeries(p.string(), oneThread());
  if (r) useSeries(*r);
  return 0;
}

int folderTarget(const std::uint8_t* data, std::size_t size) {
  const fs::path dir = scratch() / "folder";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t sepLen = std::strlen(kFileSeparator);
  std::size_t start = 0;
  for (int n = 0; n < 16 && start <= bytes.size(); ++n) {
    std::size_t end = bytes.find(kFileSeparator, start);
    if (end == std::string::npos) end = bytes.size();
    writeBytes(dir / ("f" + std::to_string(n) + ".dcm"), data + start, end - start);
    start = end + sepLen;
  }
  auto r = loadSeries(dir.string(), oneThread());
  if (r) useSeries(*r);
  return 0;
}

int srTarget(const std::uint8_t* data, std::size_t size) {
  const fs::path p = scratch() / "report.dcm";
  writeBytes(p, data, size);
  auto r = importSr(p.string());
  if (r) {
    for (const auto& t : r->tears) (void)t.id;
  }
  return 0;
}

int sessionTarget(const std::uint8_t* data, std::size_t size) {
  const fs::path p = scratch() / "session.json";
  writeBytes(p, data, size);
  auto s = loadSession(p.string());
  // A session that loads must save and load again to the same text.
  if (s) {
    const std::string once = sessionToJson(*s);
    auto again = sessionFromJson(once);
    if (!again || sessionToJson(*again) != once) abort();
  }
  return 0;
}

int labelMapTarget(const std::uint8_t* data, std::size_t size) {
  const fs::path p = scratch() / "labels.nrrd";
  writeBytes(p, data, size);
  auto m = readLabelMap(p.string());
  if (m && m->labels.size() != std::size_t(m->columns) * std::size_t(m->rows) * std::size_t(m->frames)) abort();
  return 0;
}

// A file through the de-identifier (basic profile, keyed UIDs, dates shifted,
// descriptors cleaned, a blanked corner): written or refused, never a crash. What
// it writes must re-read in DCMTK and say that the patient's identity is removed.
int deidTarget(const std::uint8_t* data, std::size_t size) {
  const fs::path in = scratch() / "deid-input.dcm";
  const fs::path out = scratch() / "deid-output.dcm";
  std::error_code ec;
  fs::remove(out, ec);
  writeBytes(in, data, size);
  deid::DeidOptions o;
  o.key = "fuzz";
  o.retainModifiedDates = true;
  o.cleanDescriptors = true;
  o.blanks = {{0, 0, 8, 8}};
  auto report = deid::deidentify(in.string(), out.string(), o);
  if (!report) return 0;
  for (const auto& f : report->files) {
    if (f.output.empty()) continue;
    DcmFileFormat ff;
    OFString removed;
    if (ff.loadFile(f.output.c_str()).bad()) abort();
    if (ff.getDataset()->findAndGetOFString(DCM_PatientIdentityRemoved, removed).bad() || removed != "YES") abort();
  }
  return 0;
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"file", fileTarget, "one file through probe, header, pixel read, decoders, statistics and rendering"},
      {"folder", folderTarget, "a folder of up to 16 files (split at kFileSeparator): grouping, sorting, geometry"},
      {"sr", srTarget, "SR import (our reader) on any dataset"},
      {"session", sessionTarget, "session file loader, and a save/load round trip of what loads"},
      {"labelmap", labelMapTarget, "NRRD label-map reader"},
      {"deid", deidTarget, "de-identifier (basic profile + options, blanking) on one file; output re-read"},
  };
  return all;
}

const Target* findTarget(const std::string& name) {
  for (const auto& t : targets())
    if (name == t.name) return &t;
  return nullptr;
}

}  // namespace annulo::fuzz
