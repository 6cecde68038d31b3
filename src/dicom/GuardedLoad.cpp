#include "GuardedLoad.h"

#include <exception>
#include <filesystem>

#include "FileProbe.h"

namespace annulo {

Result<OFCondition> guardedLoad(DcmFileFormat& file, const std::string& path, Uint32 maxReadLength, E_FileReadMode mode,
                                bool probe) {
  if (probe) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return makeError("cannot read file size (" + ec.message() + ")");
    if (auto p = probeFile(path, size); !p) return p.error();
  }
  try {
    return file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, maxReadLength, mode);
  } catch (const std::exception& e) {
    return makeError(std::string("malformed DICOM (the parser failed: ") + e.what() + ")");
  }
}

}  // namespace annulo
