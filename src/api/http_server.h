// HttpServer: HTTP/1.1 on Boost.Beast and Asio, the only file that includes Beast on the
// serving side. It reads requests within limits, hands each to a synchronous Handler on one of
// `threads` I/O threads, and writes the Response (plain, streamed, or Server-Sent Events).
//
// Limits, enforced before the handler runs:
//  - request line plus headers: max_header_bytes (431 when exceeded);
//  - body: the BodyLimit callback's answer for that method and target (413);
//  - time: request_timeout_ms from the first byte of a request to its last byte written;
//    idle keep-alive connections are closed after the same time.
//
// Shutdown(grace): stops accepting, lets requests being handled or written finish (up to
// `grace`), closes idle and event-stream connections, then stops the threads.
//
// Thread-safety: Start, Shutdown and port may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http_types.h"
#include "common/status.h"

namespace canvass::api {

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;  // 0: pick a free port (see port())
    int threads = 2;
    int64_t max_header_bytes = 16 * 1024;
    int64_t request_timeout_ms = 30'000;
  };
  using Handler = std::function<Response(Request&)>;
  using BodyLimit = std::function<int64_t(const std::string& method, const std::string& target)>;

  HttpServer(Options options, Handler handler, BodyLimit body_limit);
  ~HttpServer();

  // Binds and starts the I/O threads. Unavailable if the address is in use.
  Status Start();
  uint16_t port() const;
  void Shutdown(std::chrono::milliseconds grace);
  // Blocks until Shutdown has finished.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace canvass::api
