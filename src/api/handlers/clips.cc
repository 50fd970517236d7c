// Clips: the owner lists, plays (HTTP Range, decrypted on the fly) and deletes them.
#include <charconv>

#include "api/http_status.h"
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/wire.h"
#include "common/time_format.h"
#include "media/probe.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> List(Context& c) {
  ClipFilter f;
  const Request& q = c.request;
  if (auto* cam = q.Query("camera_id")) f.camera_id = *cam;
  if (auto* from = q.Query("from")) {
    CANVASS_ASSIGN_OR_RETURN(f.from_us, ParseRfc3339(*from));
  }
  if (auto* to = q.Query("to")) {
    CANVASS_ASSIGN_OR_RETURN(f.to_us, ParseRfc3339(*to));
  }
  CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(q, "limit", 1, 1000));
  if (limit) f.limit = static_cast<int>(*limit);
  if (auto* after = q.Query("after")) f.after_id = *after;
  CANVASS_ASSIGN_OR_RETURN(auto clips, c.services.clips->List(c.principal, f));
  json::array out;
  for (const auto& clip : clips) out.push_back(wire::ClipJson(clip));
  json::object o{{"clips", out}};
  o["next"] = static_cast<int>(clips.size()) == f.limit ? json::value(clips.back().id)
                                                        : json::value(nullptr);
  return JsonResponse(200, o);
}

// Parses a single "bytes=a-b" range against `size`. Returns false for unsatisfiable ranges.
bool ParseRange(const std::string& h, int64_t size, int64_t* first, int64_t* last) {
  if (!h.starts_with("bytes=") || h.find(',') != std::string::npos) return false;
  std::string spec = h.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string::npos) return false;
  std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto num = [](const std::string& s, int64_t* v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size() && *v >= 0;
  };
  if (a.empty()) {  // suffix: the last N bytes
    int64_t n;
    if (!num(b, &n) || n == 0) return false;
    *first = std::max<int64_t>(0, size - n);
    *last = size - 1;
  } else {
    if (!num(a, first)) return false;
    if (b.empty()) {
      *last = size - 1;
    } else if (!num(b, last)) {
      return false;
    }
    *last = std::min(*last, size - 1);
  }
  return *first <= *last && *first < size;
}

std::string ContentTypeFor(const Clip& clip) {
  return clip.e2ee ? "application/octet-stream" : media::ContainerMimeType(clip.container);
}

StatusOr<Response> Content(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(ClipContent content, c.services.clips->Open(c.principal, c.Param("id")));
  const int64_t size = content.clip.size_bytes;
  auto reader = std::shared_ptr<media::ClipReader>(std::move(content.reader));
  auto mu = std::make_shared<std::mutex>();
  Response r;
  r.content_type = ContentTypeFor(content.clip);
  r.AddHeader("Accept-Ranges", "bytes");
  r.AddHeader("ETag", "\"" + content.clip.content_sha256 + "\"");
  r.AddHeader("Content-Disposition", "inline; filename=\"" + content.clip.id +
                                         (content.clip.e2ee ? ".sealed\"" : ".video\""));
  r.stream = [reader, mu](int64_t off, size_t n) {
    std::lock_guard lock(*mu);
    return reader->ReadAt(off, n);
  };
  const std::string& range = c.request.Header("range");
  if (range.empty()) {
    r.stream_length = size;
    return r;
  }
  int64_t first = 0, last = 0;
  if (!ParseRange(range, size, &first, &last)) {
    Response bad =
        ErrorResponse(InvalidArgumentError("unsatisfiable Range '" + range.substr(0, 100) +
                                           "' for " + std::to_string(size) + " bytes"));
    bad.status = 416;
    bad.AddHeader("Content-Range", "bytes */" + std::to_string(size));
    return bad;
  }
  r.status = 206;
  r.stream_offset = first;
  r.stream_length = last - first + 1;
  r.AddHeader("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                                   std::to_string(size));
  return r;
}

}  // namespace

void RegisterClipRoutes(Router& router) {
  const Access resident = Access::Roles({Role::kResident});
  router.Add(
      {"GET", "/api/v1/clips", resident, List, 0, "my clips (camera_id, from, to, limit, after)"});
  router.Add({"GET", "/api/v1/clips/{id:clp}", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(Clip clip,
                                         c.services.clips->Get(c.principal, c.Param("id")));
                return JsonResponse(200, wire::ClipJson(clip));
              },
              0, "one clip's metadata"});
  router.Add({"GET", "/api/v1/clips/{id:clp}/content", resident, Content, 0,
              "play or download (Range supported)"});
  router.Add({"DELETE", "/api/v1/clips/{id:clp}", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_RETURN_IF_ERROR(c.services.clips->Delete(c.principal, c.Param("id")));
                return NoContent();
              },
              0, "delete a clip (row and bytes)"});
}

}  // namespace canvass::api
