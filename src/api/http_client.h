// HttpClient: a small synchronous HTTP/1.1 client (Beast) for the CLI's device commands and the
// integration tests. One keep-alive connection, reopened once if the server closed it.
// Not thread-safe: one client per thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace canvass::api {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  const std::string& Header(const std::string& name) const;
};

class HttpClient {
 public:
  // base_url: "http://HOST:PORT" (no path).
  static StatusOr<std::unique_ptr<HttpClient>> Connect(const std::string& base_url);
  ~HttpClient();

  using Headers = std::vector<std::pair<std::string, std::string>>;
  StatusOr<ClientResponse> Send(const std::string& method, const std::string& target,
                                const std::string& body = "", const Headers& headers = {});
  // Sends the bytes of a raw request as is and returns the raw reply (for malformed-input tests).
  StatusOr<std::string> SendRaw(const std::string& raw);
  // Opens a connection, sends the request line and headers plus `partial_body`, then drops the
  // connection without finishing: a client killed mid-upload.
  Status SendAndAbort(const std::string& method, const std::string& target,
                      const Headers& headers, int64_t content_length,
                      const std::string& partial_body);

 private:
  HttpClient(std::string host, std::string port);
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace canvass::api
