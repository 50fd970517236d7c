#include "api/wire/wire.h"
#include "common/time_format.h"

namespace canvass::api::wire {
namespace json = boost::json;

json::object ClipJson(const Clip& c) {
  json::object o;
  o["id"] = c.id;
  o["camera_id"] = c.camera_id;
  o["sha256"] = c.content_sha256;
  o["size_bytes"] = c.size_bytes;
  o["started_at"] = FormatRfc3339(c.started_at_us);
  o["ended_at"] = FormatRfc3339(c.ended_at_us);
  o["e2ee"] = c.e2ee;
  if (!c.e2ee) {
    o["container"] = c.container;
    o["video_codec"] = c.video_codec;
    o["width"] = c.width;
    o["height"] = c.height;
    o["duration_ms"] = c.duration_us / 1000;
    o["has_audio"] = c.has_audio;
  }
  o["created_at"] = FormatRfc3339(c.created_at_us);
  o["content_url"] = "/api/v1/clips/" + c.id + "/content";
  return o;
}

json::object UploadStateJson(const UploadState& s) {
  json::object o;
  o["upload_id"] = s.upload_id.empty() ? json::value(nullptr) : json::value(s.upload_id);
  o["size_bytes"] = s.size_bytes;
  o["received_bytes"] = s.received_bytes;
  o["max_chunk_bytes"] = s.max_chunk_bytes;
  o["chunk_multiple_bytes"] = media::kSegmentPlainBytes;
  o["complete"] = s.clip.has_value();
  o["clip"] = s.clip ? json::value(ClipJson(*s.clip)) : json::value(nullptr);
  return o;
}

json::object MotionJson(const MotionEvent& e) {
  return json::object{
      {"id", e.id}, {"camera_id", e.camera_id}, {"at", FormatRfc3339(e.at_us)}, {"score", e.score}};
}

StatusOr<UploadRequest> ParseUploadRequest(JsonObjectReader& r) {
  UploadRequest u;
  CANVASS_ASSIGN_OR_RETURN(u.content_sha256, r.RequiredString("sha256", 64));
  CANVASS_ASSIGN_OR_RETURN(u.size_bytes, r.RequiredInt("size_bytes"));
  CANVASS_ASSIGN_OR_RETURN(auto started, ParseTime(r, "started_at"));
  CANVASS_ASSIGN_OR_RETURN(auto ended, ParseTime(r, "ended_at"));
  u.e2ee = r.Bool("e2ee").value_or(false);
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (!started || !ended)
    return InvalidArgumentError("fields 'started_at' and 'ended_at' are required");
  u.started_at_us = *started;
  u.ended_at_us = *ended;
  return u;
}

}  // namespace canvass::api::wire
