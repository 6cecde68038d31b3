#pragma once
// Private to src/net: an instance received over the network (C-GET sub-operation
// or our storage SCP) written as folder/<SOPInstanceUID>.dcm, private (0600) and
// atomically: DCMTK writes a hidden temporary file that is renamed only when
// complete, so an interrupted retrieve never leaves a half file under a name the
// loader would read (folder scans skip hidden names).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include <filesystem>
#include <string>

#include "annulo/base/Result.h"

namespace annulo::net_detail {

// Takes ownership of `received`. Returns the final path.
Result<std::string> writeIncoming(const std::filesystem::path& folder, const std::string& sopInstanceUid,
                                  DcmDataset* received);

// Removes hidden temporary files a killed process left in `folder`.
void removeStaleIncoming(const std::filesystem::path& folder);

}  // namespace annulo::net_detail
