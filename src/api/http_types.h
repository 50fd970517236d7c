// Request and Response as the API layer sees them: plain structs, free of Beast, so that
// handlers compile fast and can be tested without sockets. src/api/http_server.cc converts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "events/event_hub.h"

namespace canvass::api {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // raw request target
  std::string path;                            // percent-decoded path, no query
  std::multimap<std::string, std::string> query;     // decoded query parameters
  std::map<std::string, std::string> headers;  // names lower-cased; repeated headers joined ", "
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> path_params;  // filled by the router

  // Header value or "" when absent (name lower case).
  const std::string& Header(const std::string& name) const;
  // First query parameter value, or nullptr.
  const std::string* Query(const std::string& name) const;
  // Value of one cookie from the Cookie header, or "".
  std::string Cookie(const std::string& name) const;
};

// Reads `n` bytes of a streamed body at `offset` (relative to the whole resource).
using BodySource = std::function<StatusOr<std::string>(int64_t offset, size_t n)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Streamed body: when set, `stream_length` bytes starting at `stream_offset` are read from
  // `stream` in pieces and sent after the headers (Content-Length = stream_length).
  BodySource stream;
  int64_t stream_offset = 0;
  int64_t stream_length = 0;

  // Server-Sent Events: when set, the connection stays open and each event of the subscription
  // is written as it arrives, until the subscription closes or the client goes away.
  std::shared_ptr<Subscription> events;

  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace canvass::api
