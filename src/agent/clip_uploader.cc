#include "agent/clip_uploader.h"

#include <boost/json.hpp>

#include <chrono>
#include <thread>

#include "agent/device_api.h"
#include "api/http_client.h"
#include "common/encoding.h"
#include "common/sha256.h"
#include "common/time_format.h"
#include "media/e2ee.h"

namespace canvass::agent {
namespace json = boost::json;

namespace {

StatusOr<json::object> ParseObject(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return InternalError("server sent something that is not JSON");
  return v.as_object();
}

}  // namespace

StatusOr<UploadResult> UploadClip(const std::string& plain, const UploadOptions& o,
                                  Random& random) {
  if (o.chunk_bytes <= 0 || o.chunk_bytes % (1 << 20) != 0) {
    return InvalidArgumentError("chunk size must be a multiple of 1 MiB");
  }
  CANVASS_ASSIGN_OR_RETURN(auto client, api::HttpClient::Connect(o.server_url));
  const api::HttpClient::Headers auth = {{"Authorization", "Bearer " + o.device_token}};

  std::string bytes = plain;
  if (o.e2ee && !o.presealed) {
    CANVASS_ASSIGN_OR_RETURN(auto r, client->Send("GET", "/api/v1/device", "", auth));
    if (r.status != 200) return StatusFromHttp(r.status, r.body, "GET /api/v1/device");
    CANVASS_ASSIGN_OR_RETURN(json::object dev, ParseObject(r.body));
    auto* key = dev.if_contains("owner_e2ee_public_key");
    if (!key || !key->is_string()) {
      return FailedPreconditionError("the camera's owner has no end-to-end encryption key");
    }
    CANVASS_ASSIGN_OR_RETURN(std::string pk, Base64Decode(key->as_string()));
    CANVASS_ASSIGN_OR_RETURN(bytes, media::SealForOwner(pk, plain, random));
  }

  json::object decl{{"sha256", Sha256Hex(bytes)},
                    {"size_bytes", static_cast<int64_t>(bytes.size())},
                    {"started_at", FormatRfc3339(o.started_at_us)},
                    {"ended_at", FormatRfc3339(o.ended_at_us)},
                    {"e2ee", o.e2ee}};
  CANVASS_ASSIGN_OR_RETURN(auto started,
                           client->Send("POST", "/api/v1/uploads", json::serialize(decl), auth));
  if (started.status != 200 && started.status != 201) {
    return StatusFromHttp(started.status, started.body, "POST /api/v1/uploads");
  }
  CANVASS_ASSIGN_OR_RETURN(json::object state, ParseObject(started.body));
  if (state.at("complete").as_bool()) {
    return UploadResult{json::serialize(state.at("clip")), true};
  }
  const std::string id(state.at("upload_id").as_string());
  int64_t offset = state.at("received_bytes").to_number<int64_t>();
  // Never more than the server takes in one chunk, and a whole number of its segments.
  const int64_t segment = state.at("chunk_multiple_bytes").to_number<int64_t>();
  const int64_t chunk_bytes = std::max(
      segment, std::min(o.chunk_bytes, state.at("max_chunk_bytes").to_number<int64_t>()) /
                   segment * segment);
  const int64_t size = static_cast<int64_t>(bytes.size());
  int attempts = 0;
  while (true) {
    int64_t n = std::min(chunk_bytes, size - offset);
    api::HttpClient::Headers h = auth;
    h.push_back({"Upload-Offset", std::to_string(offset)});
    h.push_back({"Content-Type", "application/offset+octet-stream"});
    auto r = client->Send("PATCH", "/api/v1/uploads/" + id,
                          bytes.substr(static_cast<size_t>(offset), static_cast<size_t>(n)), h);
    bool retry = !r.ok() || r->status == 409 || r->status >= 500;
    if (r.ok() && (r->status == 200 || r->status == 201)) {
      CANVASS_ASSIGN_OR_RETURN(state, ParseObject(r->body));
      offset = state.at("received_bytes").to_number<int64_t>();
      if (o.progress) o.progress(offset, size);
      if (state.at("complete").as_bool()) {
        return UploadResult{json::serialize(state.at("clip")), false};
      }
      attempts = 0;
      continue;
    }
    if (!retry) return StatusFromHttp(r->status, r->body, "PATCH /api/v1/uploads/" + id);
    if (++attempts >= o.max_attempts) {
      return r.ok() ? StatusFromHttp(r->status, r->body, "upload gave up") : r.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempts));
    // Ask where the server stands and resume there.
    auto s = client->Send("GET", "/api/v1/uploads/" + id, "", auth);
    if (s.ok() && s->status == 200) {
      CANVASS_ASSIGN_OR_RETURN(state, ParseObject(s->body));
      if (state.at("complete").as_bool()) {
        return UploadResult{json::serialize(state.at("clip")), false};
      }
      offset = state.at("received_bytes").to_number<int64_t>();
    }
  }
}

}  // namespace canvass::agent
