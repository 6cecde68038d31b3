#include "net/HttpClient.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

namespace annulo::net_detail {
namespace {

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// Header lines: the status line (reason phrase) and "Name: value" pairs.
std::size_t onHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new response (after 100 Continue or a redirect)
    const auto first = line.find(' ');
    const auto second = first == std::string::npos ? first : line.find(' ', first + 1);
    response->reason = second == std::string::npos ? std::string() : line.substr(second + 1);
  } else if (const auto colon = line.find(':'); colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    response->headers[name] = value;
  }
  return size * n;
}

}  // namespace

std::string hostOf(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string urlEncode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Result<HttpResponse> send(const HttpRequest& request) {
  globalInit();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return makeError("cannot start an HTTP request (curl_easy_init failed)");
  HttpResponse response;
  char errorText[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  if (!request.bearerToken.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + request.bearerToken).c_str());
  // No "Expect: 100-continue" on large bodies: curl would wait up to 1 s for a
  // 100 that many archives (Orthanc among them) never send before the body.
  if (!request.body.empty()) headers = curl_slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headerList(headers, &curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, long(request.connectTimeoutS));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, long(request.timeoutS));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM: safe in threads
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errorText);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response);
  // https: the peer's certificate and host name are verified (curl's default, kept
  // explicit). A CA file the user chose replaces the system's CAs for this request
  // (a hospital's own CA); verification is never turned off.
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!request.caFile.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, request.caFile.c_str());
  if (!request.user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, request.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, request.password.c_str());
  }
  if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
  }
  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(c);
  response.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rc != CURLE_OK)
    return makeError(
        request.method + " " + request.url + ": cannot reach " + hostOf(request.url) + ": " +
        (errorText[0] ? errorText : curl_easy_strerror(rc)) +
        (rc == CURLE_PEER_FAILED_VERIFICATION
             ? std::string(request.caFile.empty() ? " (the server's certificate is not signed by a CA we "
                                                    "trust: give its CA with --ca-file or \"ca\" in nodes.json)"
                                                  : " (not signed by the CA in " + request.caFile + ")")
             : std::string()));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

Error httpError(const HttpRequest& request, const HttpResponse& response) {
  std::string detail = response.body.substr(0, 200);
  std::replace(detail.begin(), detail.end(), '\n', ' ');
  return makeError(request.method + " " + request.url + ": " + hostOf(request.url) + " answered HTTP " +
                   std::to_string(response.status) + (response.reason.empty() ? "" : " " + response.reason) +
                   (detail.empty() ? "" : " (" + detail + ")"));
}

}  // namespace annulo::net_detail
