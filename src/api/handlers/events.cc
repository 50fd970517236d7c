// Motion events in (from agents) and live events out (Server-Sent Events).
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/wire.h"

namespace canvass::api {
namespace json = boost::json;

void RegisterEventRoutes(Router& router) {
  router.Add({"POST", "/api/v1/motion", Access::Device(),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
                CANVASS_ASSIGN_OR_RETURN(auto at, wire::ParseTime(r, "at"));
                CANVASS_ASSIGN_OR_RETURN(double score, r.RequiredDouble("score"));
                CANVASS_RETURN_IF_ERROR(r.Finish());
                if (!at) return InvalidArgumentError("field 'at' is required");
                CANVASS_ASSIGN_OR_RETURN(MotionEvent e,
                                         c.services.clips->ReportMotion(c.principal, *at, score));
                return JsonResponse(201, wire::MotionJson(e));
              },
              0, "report a motion event (pushed live to the owner)"});
  router.Add({"GET", "/api/v1/motion", Access::Roles({Role::kResident}),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
                CANVASS_ASSIGN_OR_RETURN(auto events,
                                         c.services.clips->ListMotion(
                                             c.principal, static_cast<int>(limit.value_or(50))));
                json::array out;
                for (const auto& e : events) out.push_back(wire::MotionJson(e));
                return JsonResponse(200, json::object{{"motion", out}});
              },
              0, "recent motion events, newest first"});
  router.Add({"GET", "/api/v1/events", Access::AnyAccount(),
              [](Context& c) -> StatusOr<Response> {
                Response r;
                r.events = c.services.hub->Subscribe(c.principal.id());
                return r;
              },
              0, "live events (text/event-stream)"});
}

}  // namespace canvass::api
