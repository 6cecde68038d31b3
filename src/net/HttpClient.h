#pragma once
// Private: one HTTP request with libcurl (Debian libcurl4-openssl-dev), the
// maintained client we build on rather than our own sockets. Transport errors
// name the host and curl's reason; HTTP errors the status and its reason phrase.

#include <map>
#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::net_detail {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  int connectTimeoutS = 5;
  int timeoutS = 120;
  // From the credentials file only (Credentials.h); never logged or put in messages.
  std::string user, password;  // HTTP Basic
  std::string bearerToken;     // HTTP Bearer
  std::string caFile;          // https: trust this CA (instead of the system's); certificates are always verified
};

struct HttpResponse {
  long status = 0;
  std::string reason;                          // reason phrase of the status line
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;
  double seconds = 0;
};

// Errors: the request could not be made (DNS, refused, timeout, TLS...).
// Any HTTP status is a response; see httpError() for turning one into an Error.
Result<HttpResponse> send(const HttpRequest& request);

// "GET http://host:port/path: HTTP 404 Not Found (<first 200 chars of body>)".
Error httpError(const HttpRequest& request, const HttpResponse& response);

// "host:port" of a URL, for messages.
std::string hostOf(const std::string& url);

// RFC 3986 percent-encoding of a query value.
std::string urlEncode(const std::string& value);

}  // namespace annulo::net_detail
