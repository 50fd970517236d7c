// The evidence locker as an agency uses it: list, inspect, view or download (each one a custody
// event), export a case as a signed package; and the deployment's public evidence key.
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/requests_wire.h"
#include "media/probe.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> Content(Context& c) {
  const std::string* d = c.request.Query("download");
  const bool download = d && (*d == "1" || *d == "true");
  CANVASS_ASSIGN_OR_RETURN(auto content,
                           c.services.evidence->Open(c.principal, c.Param("id"), download));
  auto reader = std::shared_ptr<media::ClipReader>(std::move(content.reader));
  auto mu = std::make_shared<std::mutex>();
  Response r;
  const std::string& container = content.item.container;
  r.content_type = media::ContainerMimeType(container);
  r.AddHeader("ETag", "\"" + content.item.content_sha256 + "\"");
  r.AddHeader("X-Content-SHA256", content.item.content_sha256);
  r.AddHeader("Content-Disposition", std::string(download ? "attachment" : "inline") +
                                         "; filename=\"" + content.item.id +
                                         media::ContainerFileExtension(container) + "\"");
  r.stream = [reader, mu](int64_t off, size_t n) {
    std::lock_guard lock(*mu);
    return reader->ReadAt(off, n);
  };
  r.stream_length = content.item.size_bytes;
  return r;
}

}  // namespace

void RegisterEvidenceRoutes(Router& router) {
  const Access members =
      Access::Roles({Role::kOfficer, Role::kSupervisor, Role::kAgencyAdmin}).VerifiedAgency();
  router.Add({"GET", "/api/v1/evidence", members,
              [](Context& c) -> StatusOr<Response> {
                const std::string* cn = c.request.Query("case_number");
                const std::string* rq = c.request.Query("request_id");
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 10000));
                CANVASS_ASSIGN_OR_RETURN(
                    auto items, c.services.evidence->List(c.principal, cn ? *cn : "", rq ? *rq : "",
                                                          limit.value_or(1000)));
                json::array out;
                for (const auto& i : items) out.push_back(wire::EvidenceJson(i));
                return JsonResponse(200, json::object{{"evidence", out}});
              },
              0, "my agency's evidence items (case_number, request_id, limit)"});
  router.Add({"GET", "/api/v1/evidence/{id:evd}", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto v,
                                         c.services.evidence->Get(c.principal, c.Param("id")));
                json::object o = wire::EvidenceJson(v.item);
                json::array custody;
                for (const auto& e : v.custody) custody.push_back(wire::CustodyJson(e));
                o["custody"] = custody;
                return JsonResponse(200, o);
              },
              0, "one evidence item with its chain of custody"});
  router.Add({"GET", "/api/v1/evidence/{id:evd}/content", members, Content, 0,
              "view (or ?download=1) an item's bytes; recorded in its chain of custody"});
  router.Add(
      {"POST", "/api/v1/evidence/export", members,
       [](Context& c) -> StatusOr<Response> {
         CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
         CANVASS_ASSIGN_OR_RETURN(std::string cn, r.RequiredString("case_number", 64));
         CANVASS_RETURN_IF_ERROR(r.Finish());
         CANVASS_ASSIGN_OR_RETURN(auto pkg, c.services.evidence->ExportCase(c.principal, cn));
         Response out;
         out.content_type = "application/x-tar";
         out.AddHeader("Content-Disposition", "attachment; filename=\"" + pkg.name + ".tar\"");
         out.body = std::move(pkg.tar);
         return out;
       },
       0, "export a case as a signed package (tar)"});
  router.Add({"GET", "/api/v1/public/evidence-key", Access::Public(),
              [](Context& c) -> StatusOr<Response> {
                Response r;
                r.content_type = "text/plain; charset=utf-8";
                r.body = c.services.evidence->PublicKeyFile();
                return r;
              },
              0, "the deployment's minisign public key for evidence packages"});
}

}  // namespace canvass::api
