#pragma once
// The provocation report as PDF: the HTML page printed by headless Chromium (Debian
// `chromium`, the browser the report's render test already uses), A4 as the page's
// @page rule says, no browser header or footer. Key images load from beside the HTML
// (file:// URL). Chromium runs with a throw-away profile folder and --no-sandbox (it
// renders only our own local file; its sandbox cannot start as root or in containers).

#include <string>

#include "annulo/base/Result.h"

namespace annulo {

// Writes pdfPath from htmlPath; the error names the file and why (no chromium,
// timeout, exit status, no PDF written).
Status printHtmlToPdf(const std::string& htmlPath, const std::string& pdfPath, double timeoutS = 120);

}  // namespace annulo
