#include "api/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace canvass::api {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

const std::string& ClientResponse::Header(const std::string& name) const {
  static const std::string kEmpty;
  auto it = headers.find(name);
  return it == headers.end() ? kEmpty : it->second;
}

class HttpClient::Impl {
 public:
  Impl(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

  Status EnsureConnected() {
    if (stream_) return OkStatus();
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(host_, port_, ec);
    if (ec) return UnavailableError("cannot resolve " + host_ + ": " + ec.message());
    stream_ = std::make_unique<beast::tcp_stream>(ioc_);
    stream_->expires_after(std::chrono::seconds(60));
    stream_->connect(results, ec);
    if (ec) {
      stream_.reset();
      return UnavailableError("cannot connect to " + host_ + ":" + port_ + ": " + ec.message());
    }
    return OkStatus();
  }

  StatusOr<ClientResponse> Once(const std::string& method, const std::string& target,
                                const std::string& body, const Headers& headers) {
    CANVASS_RETURN_IF_ERROR(EnsureConnected());
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, host_);
    bool has_type = false;
    for (const auto& [k, v] : headers) {
      req.set(k, v);
      if (beast::iequals(k, "content-type")) has_type = true;
    }
    if (!body.empty() && !has_type) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    stream_->expires_after(std::chrono::seconds(60));
    http::write(*stream_, req, ec);
    if (ec) {
      stream_.reset();
      return UnavailableError("write failed: " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ULL << 31);
    http::read(*stream_, buffer_, parser, ec);
    if (ec) {
      stream_.reset();
      return UnavailableError("read failed: " + ec.message());
    }
    auto res = parser.release();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) stream_.reset();
    return out;
  }

  std::string host_, port_;
  net::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

HttpClient::HttpClient(std::string host, std::string port)
    : impl_(std::make_unique<Impl>(std::move(host), std::move(port))) {}
HttpClient::~HttpClient() = default;

StatusOr<std::unique_ptr<HttpClient>> HttpClient::Connect(const std::string& base_url) {
  if (!base_url.starts_with("http://")) {
    return InvalidArgumentError("server URL must start with http:// (got '" + base_url + "')");
  }
  std::string rest = base_url.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || rest.find('/') != std::string::npos) {
    return InvalidArgumentError("server URL must be http://HOST:PORT");
  }
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  std::unique_ptr<HttpClient> c(new HttpClient(host, rest.substr(colon + 1)));
  CANVASS_RETURN_IF_ERROR(c->impl_->EnsureConnected());
  return c;
}

StatusOr<ClientResponse> HttpClient::Send(const std::string& method, const std::string& target,
                                          const std::string& body, const Headers& headers) {
  bool was_connected = impl_->stream_ != nullptr;
  auto r = impl_->Once(method, target, body, headers);
  if (!r.ok() && was_connected) return impl_->Once(method, target, body, headers);  // stale keep-alive
  return r;
}

StatusOr<std::string> HttpClient::SendRaw(const std::string& raw) {
  impl_->stream_.reset();
  CANVASS_RETURN_IF_ERROR(impl_->EnsureConnected());
  beast::error_code ec;
  net::write(impl_->stream_->socket(), net::buffer(raw), ec);
  if (ec) return UnavailableError("write failed: " + ec.message());
  std::string out;
  char buf[4096];
  impl_->stream_->socket().shutdown(tcp::socket::shutdown_send, ec);
  for (;;) {
    size_t n = impl_->stream_->socket().read_some(net::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  impl_->stream_.reset();
  return out;
}

Status HttpClient::SendAndAbort(const std::string& method, const std::string& target,
                                const Headers& headers, int64_t content_length,
                                const std::string& partial_body) {
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: " + impl_->host_ + "\r\n";
  for (const auto& [k, v] : headers) raw += k + ": " + v + "\r\n";
  raw += "Content-Length: " + std::to_string(content_length) + "\r\n\r\n" + partial_body;
  impl_->stream_.reset();
  CANVASS_RETURN_IF_ERROR(impl_->EnsureConnected());
  beast::error_code ec;
  net::write(impl_->stream_->socket(), net::buffer(raw), ec);
  impl_->stream_->socket().close(ec);
  impl_->stream_.reset();
  return OkStatus();
}

}  // namespace canvass::api
