#include "api/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "api/http_status.h"

namespace canvass::api {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr size_t kStreamPieceBytes = 1 << 20;
constexpr auto kSseHeartbeat = std::chrono::seconds(15);
constexpr size_t kMaxPendingEventBytes = 1 << 20;

}  // namespace

class HttpServer::Impl {
 public:
  Impl(Options o, Handler h, BodyLimit b)
      : options_(std::move(o)),
        handler_(std::move(h)),
        body_limit_(std::move(b)),
        ioc_(options_.threads),
        acceptor_(net::make_strand(ioc_)) {}

  Status Start();
  void Shutdown(std::chrono::milliseconds grace);
  void Wait();
  uint16_t port() const { return port_; }

  class Session;
  void DoAccept();
  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s);

  Options options_;
  Handler handler_;
  BodyLimit body_limit_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> draining_{false};
  std::atomic<int> active_requests_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions_;
};

class HttpServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl* server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Called at shutdown: closes the connection unless a request is in progress.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ || self->sse_) {
        if (self->subscription_) self->subscription_->Close();
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

 private:
  void ReadHeader() {
    idle_ = true;
    header_parser_.emplace();
    header_parser_->header_limit(static_cast<uint32_t>(server_->options_.max_header_bytes));
    // The body limit is decided per endpoint once the header is in (OnHeader).
    header_parser_->body_limit(boost::none);
    stream_.expires_after(std::chrono::milliseconds(server_->options_.request_timeout_ms));
    http::async_read_header(stream_, buffer_, *header_parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    idle_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::eof) {
      return Close();
    }
    if (ec == http::error::header_limit) {
      return WriteSimple(431, "request headers are larger than server.max_header_bytes", false);
    }
    if (ec) return WriteSimple(400, "malformed HTTP request: " + ec.message(), false);
    const auto& h = header_parser_->get();
    int64_t limit = server_->body_limit_(std::string(h.method_string()), std::string(h.target()));
    auto length = header_parser_->content_length();
    if (length && static_cast<int64_t>(*length) > limit) {
      return WriteSimple(413, "request body of " + std::to_string(*length) +
                                  " bytes is over the limit of " + std::to_string(limit) +
                                  " bytes for this endpoint", false);
    }
    body_parser_.emplace(std::move(*header_parser_));
    body_parser_->body_limit(static_cast<uint64_t>(limit));
    http::async_read(stream_, buffer_, *body_parser_,
                     beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec == http::error::body_limit) {
      return WriteSimple(413, "request body is over the limit for this endpoint", false);
    }
    if (ec == beast::error::timeout) {
      return WriteSimple(408, "request not received within server.request_timeout_ms", false);
    }
    if (ec) return Close();  // client went away mid-request: nothing was handled
    auto msg = body_parser_->release();
    keep_alive_ = msg.keep_alive();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.remote_address = remote_;
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = req.headers.emplace(name, std::string(f.value()));
      if (!inserted) it->second += ", " + std::string(f.value());
    }
    req.body = std::move(msg.body());
    auto url = boost::urls::parse_origin_form(req.target);
    if (!url) return WriteSimple(400, "malformed request target", false);
    req.path = url->path();
    for (auto p : url->params()) req.query.emplace(p.key, p.value);

    ++server_->active_requests_;
    counted_ = true;
    Response res;
    try {
      res = server_->handler_(req);
    } catch (const std::exception& e) {
      spdlog::error("handler threw: {}", e.what());
      res = ErrorResponse(InternalError("unexpected error"));
    }
    Write(std::move(res));
  }

  void WriteSimple(int status, const std::string& message, bool keep_alive) {
    // The client may still be sending a body we refused: read and drop it after our answer
    // (a "lingering close"), or it gets a reset instead of our error.
    linger_ = true;
    Response r = ErrorResponse(Status(status == 413   ? Code::kResourceExhausted
                                      : status == 408 ? Code::kUnavailable
                                                      : Code::kInvalidArgument,
                                      message));
    r.status = status;
    keep_alive_ = keep_alive;
    Write(std::move(r));
  }

  void Write(Response res) {
    if (server_->draining_) keep_alive_ = false;
    stream_.expires_after(std::chrono::milliseconds(server_->options_.request_timeout_ms));
    if (res.events) return StartEvents(std::move(res));
    auto msg = std::make_shared<http::response<http::string_body>>();
    msg->version(11);
    msg->result(static_cast<unsigned>(res.status));
    msg->set(http::field::server, "canvass");
    msg->set(http::field::content_type, res.content_type);
    msg->set("X-Content-Type-Options", "nosniff");
    for (auto& [k, v] : res.headers) msg->insert(k, v);
    msg->keep_alive(keep_alive_);
    if (res.stream) {
      // Headers now, then the body in pieces (content-length set by hand).
      stream_res_ = std::move(res);
      auto head = std::make_shared<http::response<http::empty_body>>();
      head->version(11);
      head->result(static_cast<unsigned>(stream_res_.status));
      head->set(http::field::server, "canvass");
      head->set(http::field::content_type, stream_res_.content_type);
      head->set("X-Content-Type-Options", "nosniff");
      for (auto& [k, v] : stream_res_.headers) head->insert(k, v);
      head->content_length(static_cast<uint64_t>(stream_res_.stream_length));
      head->keep_alive(keep_alive_);
      auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*head);
      http::async_write_header(
          stream_, *sr,
          [self = shared_from_this(), head, sr](beast::error_code ec, size_t) {
            if (ec) return self->Done(false);
            self->streamed_ = 0;
            self->WritePiece();
          });
      return;
    }
    msg->body() = std::move(res.body);
    msg->prepare_payload();
    http::async_write(stream_, *msg, [self = shared_from_this(), msg](beast::error_code ec, size_t) {
      self->Done(!ec && self->keep_alive_);
    });
  }

  void WritePiece() {
    if (streamed_ >= stream_res_.stream_length) return Done(keep_alive_);
    size_t n = static_cast<size_t>(
        std::min<int64_t>(kStreamPieceBytes, stream_res_.stream_length - streamed_));
    auto piece = stream_res_.stream(stream_res_.stream_offset + streamed_, n);
    if (!piece.ok() || piece->size() != n) {
      // Headers are out; the only honest signal left is to cut the connection short.
      spdlog::error("streamed body failed: {}",
                    piece.ok() ? std::string("short read") : piece.status().ToString());
      return Done(false);
    }
    auto buf = std::make_shared<std::string>(std::move(piece).value());
    stream_.expires_after(std::chrono::milliseconds(server_->options_.request_timeout_ms));
    net::async_write(stream_, net::buffer(*buf),
                     [self = shared_from_this(), buf](beast::error_code ec, size_t) {
                       if (ec) return self->Done(false);
                       self->streamed_ += static_cast<int64_t>(buf->size());
                       self->WritePiece();
                     });
  }

  // ---- Server-Sent Events ----
  void StartEvents(Response res) {
    sse_ = true;
    subscription_ = std::move(res.events);
    if (counted_) {
      --server_->active_requests_;  // a long-lived stream is not an in-flight request
      counted_ = false;
    }
    auto head = std::make_shared<std::string>(
        "HTTP/1.1 200 OK\r\nServer: canvass\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n"
        "X-Content-Type-Options: nosniff\r\n\r\n"
        ": connected\n\n");
    stream_.expires_never();
    heartbeat_.emplace(stream_.get_executor());
    net::async_write(stream_, net::buffer(*head),
                     [self = shared_from_this(), head](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       std::weak_ptr<Session> weak = self;
                       auto exec = self->stream_.get_executor();
                       self->subscription_->SetNotify([weak, exec] {
                         net::post(exec, [weak] {
                           if (auto s = weak.lock()) s->PumpEvents();
                         });
                       });
                       self->ArmHeartbeat();
                     });
  }

  void ArmHeartbeat() {
    heartbeat_->expires_after(kSseHeartbeat);
    heartbeat_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->pending_ += ": heartbeat\n\n";
      self->FlushEvents();
      self->ArmHeartbeat();
    });
  }

  void PumpEvents() {
    if (closed_) return;
    std::vector<LiveEvent> events;
    bool open = subscription_->Take(&events);
    for (const auto& e : events) pending_ += "event: " + e.type + "\ndata: " + e.data_json + "\n\n";
    if (!open) closing_after_flush_ = true;
    if (pending_.size() > kMaxPendingEventBytes) {
      // The client reads slower than events arrive: drop it; it reconnects and reads its inbox.
      spdlog::warn("dropping a slow event-stream client ({} bytes pending)", pending_.size());
      return Close();
    }
    FlushEvents();
  }

  void FlushEvents() {
    if (writing_ || closed_) return;
    if (pending_.empty()) {
      if (closing_after_flush_) Close();
      return;
    }
    writing_ = true;
    auto buf = std::make_shared<std::string>(std::move(pending_));
    pending_.clear();
    stream_.expires_after(std::chrono::milliseconds(server_->options_.request_timeout_ms));
    net::async_write(stream_, net::buffer(*buf),
                     [self = shared_from_this(), buf](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       self->stream_.expires_never();
                       if (ec) return self->Close();
                       self->FlushEvents();
                     });
  }

  void Done(bool keep_alive) {
    if (counted_) {
      --server_->active_requests_;
      counted_ = false;
      server_->cv_.notify_all();
    }
    if (keep_alive && !server_->draining_) return ReadHeader();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger_) return Linger(0);
    Close();
  }

  // Discards what the client still sends, for at most 2 s or 64 MiB, then closes.
  void Linger(size_t discarded) {
    constexpr size_t kMaxDiscardBytes = 64 << 20;
    if (discarded > kMaxDiscardBytes || server_->draining_) return Close();
    stream_.expires_after(std::chrono::seconds(2));
    auto buf = std::make_shared<std::array<char, 65536>>();
    stream_.async_read_some(net::buffer(*buf), [self = shared_from_this(), buf, discarded](
                                                   beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->Linger(discarded + n);
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    if (counted_) {
      --server_->active_requests_;
      counted_ = false;
      server_->cv_.notify_all();
    }
    if (subscription_) subscription_->Close();
    if (heartbeat_) heartbeat_->cancel();
    beast::error_code ec;
    stream_.socket().close(ec);
    server_->Unregister(this);
  }

  Impl* server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> body_parser_;
  bool keep_alive_ = false;
  bool idle_ = true;
  bool counted_ = false;
  bool closed_ = false;
  bool linger_ = false;
  Response stream_res_;
  int64_t streamed_ = 0;
  // SSE state
  bool sse_ = false;
  bool writing_ = false;
  bool closing_after_flush_ = false;
  std::string pending_;
  std::shared_ptr<Subscription> subscription_;
  std::optional<net::steady_timer> heartbeat_;
};

Status HttpServer::Impl::Start() {
  beast::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) return InvalidArgumentError("listen host '" + options_.host + "' is not an IP address");
  tcp::endpoint ep(address, options_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError("cannot listen on " + options_.host + ":" +
                            std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  DoAccept();
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
  return OkStatus();
}

void HttpServer::Impl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || draining_) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      auto s = std::make_shared<Session>(this, std::move(socket));
      Register(s);
      s->Start();
    }
    if (!draining_) DoAccept();
  });
}

void HttpServer::Impl::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(mu_);
  sessions_.insert(s);
}

void HttpServer::Impl::Unregister(Session* s) {
  std::lock_guard lock(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto p = it->lock();
    it = (!p || p.get() == s) ? sessions_.erase(it) : std::next(it);
  }
}

void HttpServer::Impl::Shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
  }
  draining_ = true;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  auto deadline = std::chrono::steady_clock::now() + grace;
  // Close idle keep-alive and event-stream connections now; busy ones close after their
  // response (draining_ turns keep-alive off).
  for (;;) {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mu_);
      for (auto& w : sessions_) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->CloseIfIdle();
    std::unique_lock lock(mu_);
    bool done = cv_.wait_for(lock, std::chrono::milliseconds(50), [&] {
      return active_requests_ == 0 && sessions_.empty();
    });
    if (done || std::chrono::steady_clock::now() >= deadline) break;
  }
  if (active_requests_ > 0) {
    spdlog::warn("shutdown grace expired with {} requests in flight", active_requests_.load());
  }
  ioc_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  std::lock_guard lock(mu_);
  stopped_ = true;
  cv_.notify_all();
}

void HttpServer::Impl::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stopped_; });
}

HttpServer::HttpServer(Options options, Handler handler, BodyLimit body_limit)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler),
                                   std::move(body_limit))) {}
HttpServer::~HttpServer() { Shutdown(std::chrono::milliseconds(0)); }
Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace canvass::api
