// A resident's side of community requests: the inbox, the answer (share or decline) and the
// history of shares. Nothing here is visible to police.
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/requests_wire.h"
#include "api/wire/wire.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> Share(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  const json::value* ids = r.Value("clip_ids");
  std::vector<std::string> clip_ids;
  if (!ids || !ids->is_array()) return InvalidArgumentError("field 'clip_ids' must be an array");
  for (const auto& v : ids->as_array()) {
    if (!v.is_string()) return InvalidArgumentError("field 'clip_ids' must hold clip ids");
    clip_ids.emplace_back(v.as_string());
  }
  CANVASS_ASSIGN_OR_RETURN(requests::ShareOptions options, wire::ParseShareOptions(r));
  CANVASS_RETURN_IF_ERROR(r.Finish());
  CANVASS_ASSIGN_OR_RETURN(
      auto shares, c.services.shares->ShareClips(c.principal, c.Param("id"), clip_ids, options));
  json::array out;
  for (const auto& s : shares) out.push_back(wire::ShareJson(s));
  return JsonResponse(201, json::object{{"shares", out}});
}

StatusOr<bool> QueryBool(const Request& q, const char* name) {
  const std::string* v = q.Query(name);
  if (!v || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1") return true;
  return InvalidArgumentError(std::string("query parameter '") + name + "' must be true or false");
}

// An end-to-end encrypted clip, decrypted by the owner's own client (`canvass share`).
StatusOr<Response> SharePlaintext(Context& c) {
  requests::ShareOptions options;
  CANVASS_ASSIGN_OR_RETURN(options.blur_faces, QueryBool(c.request, "blur_faces"));
  CANVASS_ASSIGN_OR_RETURN(options.mute_audio, QueryBool(c.request, "mute_audio"));
  CANVASS_ASSIGN_OR_RETURN(
      auto share, c.services.shares->SharePlaintext(c.principal, c.Param("id"), c.Param("clip"),
                                                    c.request.body, options));
  return JsonResponse(201, json::object{{"shares", json::array{wire::ShareJson(share)}}});
}

}  // namespace

void RegisterInboxRoutes(Router& router) {
  const Access resident = Access::Roles({Role::kResident});
  router.Add({"GET", "/api/v1/inbox", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
                CANVASS_ASSIGN_OR_RETURN(
                    auto entries, c.services.requests->Inbox(c.principal, limit.value_or(100)));
                json::array out;
                for (const auto& e : entries) out.push_back(wire::InboxEntryJson(e));
                return JsonResponse(200, json::object{{"requests", out}});
              },
              0, "requests I was asked about, newest first"});
  router.Add({"GET", "/api/v1/inbox/{id:req}", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(
                    auto d, c.services.requests->InboxItem(c.principal, c.Param("id")));
                json::object o = wire::InboxEntryJson(d.entry);
                json::array clips;
                for (const auto& clip : d.clips) clips.push_back(wire::ClipJson(clip));
                o["my_clips"] = clips;
                return JsonResponse(200, o);
              },
              0, "one request with exactly my clips that overlap its window"});
  router.Add({"POST", "/api/v1/inbox/{id:req}/share", resident, Share, 0,
              "share chosen clips (blur_faces, mute_audio, contact: per share)"});
  router.Add({"POST", "/api/v1/inbox/{id:req}/decline", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_RETURN_IF_ERROR(c.services.requests->Decline(c.principal, c.Param("id")));
                return NoContent();
              },
              0, "decline a request (police never learn who declined)"});
  router.Add({"PUT", "/api/v1/inbox/{id:req}/clips/{clip:clp}/plaintext", resident, SharePlaintext,
              kClipSizedBody,
              "share an end-to-end encrypted clip: the body is its plaintext, decrypted by you"});
  router.Add({"GET", "/api/v1/shares", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
                CANVASS_ASSIGN_OR_RETURN(auto shares,
                                         c.services.shares->List(c.principal, limit.value_or(100)));
                json::array out;
                for (const auto& s : shares) out.push_back(wire::ShareJson(s));
                return JsonResponse(200, json::object{{"shares", out}});
              },
              0, "every share I made, newest first"});
}

}  // namespace canvass::api
