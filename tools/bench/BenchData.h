#pragma once
// The data sets of the loading benchmark: phantoms generated once into a
// directory and reused, so repeated runs measure loading, not synthesis.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/phantom/Phantom.h"

namespace annulo::bench {

enum class DataKind {
  SliceFolder,  // one file per slice (MR): loaders must scan and sort a folder
  CineFile,     // one multi-frame file (XA): loaders read one large value
};

struct DataSet {
  std::string name;         // short id, also the sub-directory name
  std::string description;  // for the table
  DataKind kind = DataKind::SliceFolder;
  PhantomOptions phantom;                 // what writePhantom is asked for
  std::string root;                       // DIR/name: where writePhantom writes
  std::string dicomDir;                   // root/mr or root/xa: holds the DICOM files only
  int columns = 0, rows = 0, images = 0;  // images: slices or frames
  int bitsAllocated = 16;
  std::size_t expectedFiles = 0;
  std::string itkNativeType;  // ITK pixel type matching the stored data
  // Compressed sets: made from an uncompressed set with a DCMTK encoder at
  // benchmark time (never committed).
  std::string sourceSet;             // name of the uncompressed set, or empty
  std::vector<std::string> encoder;  // e.g. {"dcmcjpls"}; input and output files are appended
  bool compressed() const { return !sourceSet.empty(); }

  std::uint64_t pixelBytes() const {
    return std::uint64_t(columns) * std::uint64_t(rows) * std::uint64_t(images) * std::uint64_t(bitsAllocated / 8);
  }
  std::uint64_t samples() const { return std::uint64_t(columns) * std::uint64_t(rows) * std::uint64_t(images); }
};

// The data sets of the benchmark (smaller ones with `quick`), in run order:
// MR folder, 8- and 16-bit cine, then those cines as JPEG lossless (process 14
// SV1), JPEG-LS lossless, lossy JPEG (baseline for 8-bit, extended 12-bit for
// the 16/12-bit cine: baseline JPEG holds 8-bit samples only) and RLE.
std::vector<DataSet> dataSets(const std::string& dir, bool quick);
const DataSet* findDataSet(const std::vector<DataSet>& sets, const std::string& name);

// The DICOM files of a data set, sorted by name.
std::vector<std::string> dicomFiles(const DataSet& set);

// Generates the data set unless a complete copy from the same options is there
// (a compressed set needs its source set generated first).
// `generated` tells the caller whether it had to write (for the log).
Status ensureGenerated(const DataSet& set, bool& generated);

// Reads every file once so that all loaders meet the same warm page cache.
// Returns the bytes read.
std::uint64_t warmPageCache(const DataSet& set);

}  // namespace annulo::bench
