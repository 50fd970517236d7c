// Uploads: a camera agent's resumable, idempotent clip upload (tus-like):
//   POST  /api/v1/uploads          declare {sha256, size_bytes, started_at, ended_at, e2ee}
//   GET   /api/v1/uploads/{id}     where to resume
//   PATCH /api/v1/uploads/{id}     bytes at Upload-Offset
// and the agent's own camera record and heartbeat.
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/wire.h"
#include "common/encoding.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> Start(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(UploadRequest req, wire::ParseUploadRequest(r));
  CANVASS_ASSIGN_OR_RETURN(UploadState s, c.services.clips->StartUpload(c.principal, req));
  bool fresh = !s.clip && s.received_bytes == 0;
  Response res = JsonResponse(fresh ? 201 : 200, wire::UploadStateJson(s));
  if (!s.upload_id.empty()) res.AddHeader("Location", "/api/v1/uploads/" + s.upload_id);
  return res;
}

StatusOr<Response> Status_(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(UploadState s, c.services.clips->GetUpload(c.principal, c.Param("id")));
  Response res = JsonResponse(200, wire::UploadStateJson(s));
  res.AddHeader("Upload-Offset", std::to_string(s.received_bytes));
  return res;
}

StatusOr<Response> Append(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(int64_t offset, ParseInteger(c.request.Header("upload-offset"),
                                                        "header Upload-Offset (the byte offset of "
                                                        "this chunk)",
                                                        0, INT64_MAX));
  const std::string& type = c.request.Header("content-type");
  if (type != "application/offset+octet-stream" && type != "application/octet-stream") {
    return InvalidArgumentError("chunks are sent as Content-Type: application/offset+octet-stream");
  }
  CANVASS_ASSIGN_OR_RETURN(UploadState s, c.services.clips->AppendChunk(c.principal, c.Param("id"),
                                                                        offset, c.request.body));
  Response res = JsonResponse(s.clip ? 201 : 200, wire::UploadStateJson(s));
  res.AddHeader("Upload-Offset", std::to_string(s.received_bytes));
  return res;
}

}  // namespace

void RegisterUploadRoutes(Router& router) {
  router.Add({"POST", "/api/v1/uploads", Access::Device(), Start, 0, "declare a clip upload"});
  router.Add(
      {"GET", "/api/v1/uploads/{id:upl}", Access::Device(), Status_, 0, "where an upload stands"});
  // Body limit: set per request from clips.max_upload_chunk_bytes (App::BodyLimit).
  router.Add({"PATCH", "/api/v1/uploads/{id:upl}", Access::Device(), Append, kChunkSizedBody,
              "send a chunk at Upload-Offset"});
  router.Add({"GET", "/api/v1/device", Access::Device(),
              [](Context& c) -> StatusOr<Response> {
                const Camera& cam = *c.principal.camera;
                json::object o = wire::CameraJson(cam, c.services.clock->NowMicros());
                o.erase("location");  // the agent does not need it; keep it off the wire
                CANVASS_ASSIGN_OR_RETURN(Account owner, c.services.store->GetAccount(cam.owner_id));
                o["owner_e2ee_public_key"] = owner.e2ee_public_key.empty()
                                                 ? json::value(nullptr)
                                                 : json::value(Base64Encode(owner.e2ee_public_key));
                return JsonResponse(200, o);
              },
              0, "the agent's own camera (settings, privacy zones)"});
  router.Add({"POST", "/api/v1/device/heartbeat", Access::Device(),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_RETURN_IF_ERROR(c.services.store->TouchCamera(
                    c.principal.camera->id, c.services.clock->NowMicros()));
                return NoContent();
              },
              0, "the agent is alive"});
}

}  // namespace canvass::api
