#include "agent/owner_share.h"

#include <boost/json.hpp>

#include "api/http_client.h"
#include "media/e2ee.h"

namespace canvass::agent {

namespace {

Status ServerError(const std::string& what, const api::ClientResponse& r) {
  std::string message = r.body.substr(0, 500);
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (!ec && v.is_object() && v.as_object().contains("error")) {
    if (auto* m = v.at("error").as_object().if_contains("message"); m && m->is_string()) {
      message = std::string(m->as_string());
    }
  }
  return UnavailableError(what + ": HTTP " + std::to_string(r.status) + ": " + message);
}

}  // namespace

StatusOr<std::string> ShareSealedClip(const OwnerShareOptions& o) {
  CANVASS_ASSIGN_OR_RETURN(auto client, api::HttpClient::Connect(o.server_url));
  const api::HttpClient::Headers auth = {{"Authorization", "Bearer " + o.token}};
  CANVASS_ASSIGN_OR_RETURN(
      auto sealed, client->Send("GET", "/api/v1/clips/" + o.clip_id + "/content", "", auth));
  if (sealed.status != 200) return ServerError("downloading clip " + o.clip_id, sealed);
  CANVASS_ASSIGN_OR_RETURN(std::string plain,
                           media::OpenSealed(o.public_key, o.secret_key, sealed.body));
  std::string target = "/api/v1/inbox/" + o.request_id + "/clips/" + o.clip_id +
                       "/plaintext?blur_faces=" + (o.blur_faces ? "true" : "false") +
                       "&mute_audio=" + (o.mute_audio ? "true" : "false");
  CANVASS_ASSIGN_OR_RETURN(auto shared, client->Send("PUT", target, plain, auth));
  if (shared.status != 201) return ServerError("sharing clip " + o.clip_id, shared);
  return shared.body;
}

}  // namespace canvass::agent
