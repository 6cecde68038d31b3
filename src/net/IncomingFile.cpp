#include "net/IncomingFile.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>

#include "annulo/net/PrivateFiles.h"

namespace annulo::net_detail {

Result<std::string> writeIncoming(const std::filesystem::path& folder, const std::string& uid, DcmDataset* received) {
  DcmFileFormat file(received, OFFalse);  // takes ownership
  if (uid.empty() || uid.find('/') != std::string::npos || uid[0] == '.')
    return makeError("instance without a usable SOP Instance UID ('" + uid + "')");
  const std::filesystem::path path = folder / (uid + ".dcm");
  auto temp = createPrivateTemp(path);
  if (!temp) return temp.error();
  // DCMTK truncates the existing 0600 file, so the mode is ours from the start.
  const E_TransferSyntax xfer = file.getDataset()->getOriginalXfer();
  OFCondition cond = file.saveFile(temp->c_str(), xfer);
  if (cond.bad()) {
    std::error_code ec;
    std::filesystem::remove(*temp, ec);
    return makeError(uid + ": cannot write " + path.string() + ": " + cond.text());
  }
  if (auto s = commitTemp(*temp, path); !s) return s.error();
  return path.string();
}

void removeStaleIncoming(const std::filesystem::path& folder) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    if (!isPrivateTemp(e.path())) continue;
    const std::string name = e.path().filename().string();
    const pid_t pid = pid_t(std::atol(name.c_str() + name.rfind(".part-") + 6));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) std::filesystem::remove(e.path(), ec);
  }
}

}  // namespace annulo::net_detail
