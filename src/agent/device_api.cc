#include "agent/device_api.h"

#include <boost/json.hpp>

#include "api/http_client.h"
#include "common/encoding.h"

namespace canvass::agent {
namespace json = boost::json;

Status StatusFromHttp(int http_status, const std::string& body, const std::string& what) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  std::string msg = body.substr(0, 300);
  if (!ec && v.is_object() && v.as_object().contains("error")) {
    const json::value& e = v.at("error");
    if (e.is_object() && e.as_object().contains("message") && e.at("message").is_string()) {
      msg = std::string(e.at("message").as_string());
    }
  }
  Code code = http_status == 401   ? Code::kUnauthenticated
              : http_status == 403 ? Code::kPermissionDenied
              : http_status == 404 ? Code::kNotFound
              : http_status == 409 ? Code::kAborted
              : http_status == 422 ? Code::kFailedPrecondition
              : http_status == 429 ? Code::kUnavailable
              : http_status >= 500 ? Code::kUnavailable
                                   : Code::kInvalidArgument;
  return Status(code, what + ": HTTP " + std::to_string(http_status) + ": " + msg);
}

StatusOr<DeviceInfo> ParseDeviceInfo(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return InvalidArgumentError("the device record is not JSON");
  DeviceInfo d;
  const json::object& o = v.as_object();
  if (auto* id = o.if_contains("id"); id && id->is_string()) d.camera_id = id->as_string();
  if (auto* k = o.if_contains("kind"); k && k->is_string()) d.kind = k->as_string();
  if (auto* zones = o.if_contains("privacy_zones"); zones && zones->is_array()) {
    for (const auto& poly : zones->as_array()) {
      if (!poly.is_array()) continue;
      Polygon p;
      for (const auto& pt : poly.as_array()) {
        if (!pt.is_array() || pt.as_array().size() != 2) continue;
        p.push_back({pt.as_array()[0].to_number<double>(), pt.as_array()[1].to_number<double>()});
      }
      if (p.size() >= 3) d.privacy_zones.push_back(std::move(p));
    }
  }
  if (auto* key = o.if_contains("owner_e2ee_public_key"); key && key->is_string()) {
    CANVASS_ASSIGN_OR_RETURN(d.owner_public_key, Base64Decode(key->as_string()));
  }
  return d;
}

DeviceApi::DeviceApi(std::string server_url) : server_url_(std::move(server_url)) {}
DeviceApi::~DeviceApi() = default;

StatusOr<std::string> DeviceApi::Call(const std::string& method, const std::string& target,
                                      const std::string& token, const std::string& body,
                                      int want) {
  if (client_ == nullptr) {
    auto c = api::HttpClient::Connect(server_url_);
    if (!c.ok()) return UnavailableError("cannot reach " + server_url_ + ": " + c.status().message());
    client_ = std::move(*c);
  }
  api::HttpClient::Headers h = {{"Authorization", "Bearer " + token}};
  if (!body.empty()) h.push_back({"Content-Type", "application/json"});
  auto r = client_->Send(method, target, body, h);
  if (!r.ok()) {
    client_.reset();
    return UnavailableError(method + " " + target + ": " + r.status().message());
  }
  if (r->status != want) return StatusFromHttp(r->status, r->body, method + " " + target);
  return r->body;
}

StatusOr<std::string> DeviceApi::GetDevice(const std::string& token) {
  return Call("GET", "/api/v1/device", token, "", 200);
}

Status DeviceApi::Heartbeat(const std::string& token) {
  return Call("POST", "/api/v1/device/heartbeat", token, "", 204).status();
}

Status DeviceApi::PostMotion(const std::string& token, const std::string& body) {
  return Call("POST", "/api/v1/motion", token, body, 201).status();
}

StatusOr<std::string> DeviceApi::PostPlateReads(const std::string& token, const std::string& body) {
  return Call("POST", "/api/v1/plates/reads", token, body, 200);
}

}  // namespace canvass::agent
