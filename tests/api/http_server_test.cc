// The HTTP layer alone, with handlers made for the test: limits, streaming, graceful shutdown.
#include "api/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "api/http_client.h"

namespace canvass::api {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServer::Handler handler, int64_t timeout_ms = 5000) {
    HttpServer::Options o;
    o.port = 0;
    o.max_header_bytes = 2048;
    o.request_timeout_ms = timeout_ms;
    server_ = std::make_unique<HttpServer>(o, std::move(handler),
                                           [](const std::string&, const std::string&) {
                                             return int64_t{1000};
                                           });
    ASSERT_TRUE(server_->Start().ok());
  }
  std::string Url() { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::unique_ptr<HttpClient> Client() { return std::move(HttpClient::Connect(Url()).value()); }

  std::unique_ptr<HttpServer> server_;
};

Response Echo(Request& r) {
  Response res;
  res.content_type = "text/plain";
  res.body = r.method + " " + r.path + " " + r.body;
  return res;
}

TEST_F(HttpServerTest, LimitsOnHeadersAndBody) {
  Start(Echo);
  auto c = Client();
  auto ok = c->Send("POST", "/x?a=1", "hello");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "POST /x hello");
  auto big_body = c->Send("POST", "/x", std::string(1001, 'a'));
  ASSERT_TRUE(big_body.ok());
  EXPECT_EQ(big_body->status, 413);
  EXPECT_NE(big_body->body.find("over the limit"), std::string::npos);
  auto c2 = Client();
  auto big_header = c2->Send("GET", "/x", "", {{"X-Junk", std::string(4000, 'j')}});
  ASSERT_TRUE(big_header.ok());
  EXPECT_EQ(big_header->status, 431);
}

TEST_F(HttpServerTest, MalformedRequestGetsA400) {
  Start(Echo);
  auto raw = Client()->SendRaw("GARBAGE\r\n\r\n");
  ASSERT_TRUE(raw.ok());
  EXPECT_TRUE(raw->starts_with("HTTP/1.1 400")) << *raw;
}

TEST_F(HttpServerTest, SlowClientIsCutOffAtTheRequestTimeout) {
  Start(Echo, /*timeout_ms=*/300);
  auto start = std::chrono::steady_clock::now();
  // Headers never finish: the server must not wait forever.
  auto raw = Client()->SendRaw("GET /x HTTP/1.1\r\nHost: x\r\n");
  ASSERT_TRUE(raw.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(HttpServerTest, StreamsBodiesInPieces) {
  const std::string data(3 << 20, 'z');
  Start([&](Request&) {
    Response r;
    r.content_type = "application/octet-stream";
    r.stream = [&](int64_t off, size_t n) -> StatusOr<std::string> {
      return data.substr(static_cast<size_t>(off), n);
    };
    r.stream_offset = 5;
    r.stream_length = static_cast<int64_t>(data.size()) - 10;
    return r;
  });
  auto res = Client()->Send("GET", "/blob");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->body.size(), data.size() - 10);
}

TEST_F(HttpServerTest, ShutdownFinishesTheRequestInFlight) {
  std::promise<void> entered;
  std::atomic<bool> finished{false};
  Start([&](Request& r) {
    entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    finished = true;
    return Echo(r);
  });
  auto c = Client();
  auto pending = std::async(std::launch::async, [&] { return c->Send("POST", "/write", "data"); });
  entered.get_future().wait();
  server_->Shutdown(std::chrono::seconds(5));
  EXPECT_TRUE(finished);
  auto res = pending.get();
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "POST /write data");
  // And nothing new is accepted.
  EXPECT_FALSE(HttpClient::Connect(Url()).ok());
}

}  // namespace
}  // namespace canvass::api
