// Legal holds: legal staff list, read, renew and release them (docs/design/retention.md).
// Holds are placed by legal demands (src/legal calls HoldService::Place).
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/holds_wire.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

Response HoldResponse(Context& c, const Hold& h) {
  return JsonResponse(200, wire::HoldJson(h, c.services.config->retention.max_renewals));
}

StatusOr<Response> List(Context& c) {
  bool active_only = false;
  if (const std::string* active = c.request.Query("active")) {
    if (*active != "true" && *active != "false") {
      return InvalidArgumentError("active must be true or false");
    }
    active_only = *active == "true";
  }
  CANVASS_ASSIGN_OR_RETURN(auto holds, c.services.holds->List(active_only));
  json::array out;
  for (const auto& h : holds) {
    out.push_back(wire::HoldJson(h, c.services.config->retention.max_renewals));
  }
  return JsonResponse(200, json::object{{"holds", out}});
}

StatusOr<Response> Renew(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body, /*allow_empty=*/true));
  CANVASS_RETURN_IF_ERROR(r.Finish());
  CANVASS_ASSIGN_OR_RETURN(Hold h, c.services.holds->Renew(c.principal, c.Param("id")));
  return HoldResponse(c, h);
}

StatusOr<Response> Release(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body, /*allow_empty=*/true));
  CANVASS_RETURN_IF_ERROR(r.Finish());
  CANVASS_RETURN_IF_ERROR(c.services.holds->Release(c.principal, c.Param("id")));
  CANVASS_ASSIGN_OR_RETURN(Hold h, c.services.holds->Get(c.Param("id")));
  return HoldResponse(c, h);
}

}  // namespace

void RegisterHoldRoutes(Router& router) {
  const Access legal = Access::Roles({Role::kLegal});
  router.Add({"GET", "/api/v1/holds", legal, List, 0,
              "legal holds, oldest first (?active=true: only those in force)"});
  router.Add({"GET", "/api/v1/holds/{id:hold}", legal,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(Hold h, c.services.holds->Get(c.Param("id")));
                return HoldResponse(c, h);
              },
              0, "one legal hold"});
  router.Add({"POST", "/api/v1/holds/{id:hold}/renew", legal, Renew, 0,
              "renew a preservation hold once, before it expires"});
  router.Add({"POST", "/api/v1/holds/{id:hold}/release", legal, Release, 0,
              "release a hold: what it kept follows its retention again"});
}

}  // namespace canvass::api
