#pragma once
// Private: multipart/related bodies (RFC 2387) as DICOMweb uses them for
// WADO-RS responses and STOW-RS requests (PS3.18 8.6.1.2). Our own code:
// libcurl's MIME API only builds multipart/form-data and parses nothing, and
// no Debian library does multipart/related for C++; the format is small.

#include <string>
#include <string_view>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::net_detail {

struct MimePart {
  std::string contentType;  // of the part ("application/dicom"), empty if not given
  std::string_view body;    // into the whole body (no copy)
};

// The boundary parameter of a Content-Type header value (quotes removed).
Result<std::string> boundaryOf(const std::string& contentType);

// Splits `body` (kept alive by the caller) at `boundary`. Errors when no
// delimiter is found or the closing delimiter is missing (a cut-off response).
Result<std::vector<MimePart>> parseMultipart(std::string_view body, const std::string& boundary);

// Builds a body of parts of one content type; `boundary` must not occur in any part.
std::string buildMultipart(const std::vector<std::string_view>& parts, const std::string& contentType,
                           const std::string& boundary);

}  // namespace annulo::net_detail
