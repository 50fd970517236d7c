// Agencies: created and verified by admins.
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/wire.h"

namespace canvass::api {
namespace json = boost::json;

void RegisterAgencyRoutes(Router& router) {
  const Access staff =
      Access::Roles({Role::kAdmin, Role::kOfficer, Role::kSupervisor, Role::kAgencyAdmin});
  router.Add({"POST", "/api/v1/agencies", Access::Roles({Role::kAdmin}),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
                CANVASS_ASSIGN_OR_RETURN(NewAgency in, wire::ParseNewAgency(r));
                CANVASS_ASSIGN_OR_RETURN(Agency a, c.services.agencies->Create(c.principal, in));
                return JsonResponse(201, wire::AgencyJson(a));
              },
              0, "create an agency"});
  router.Add({"GET", "/api/v1/agencies", staff,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto list, c.services.agencies->List(c.principal));
                json::array out;
                for (const auto& a : list) out.push_back(wire::AgencyJson(a));
                return JsonResponse(200, json::object{{"agencies", out}});
              },
              0, "list agencies (admin: all; members: their own)"});
  router.Add({"GET", "/api/v1/agencies/{id:agy}", staff,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(Agency a,
                                         c.services.agencies->Get(c.principal, c.Param("id")));
                return JsonResponse(200, wire::AgencyJson(a));
              },
              0, "one agency"});
  router.Add({"POST", "/api/v1/agencies/{id:agy}/verify", Access::Roles({Role::kAdmin}),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_RETURN_IF_ERROR(c.services.agencies->Verify(c.principal, c.Param("id")));
                CANVASS_ASSIGN_OR_RETURN(Agency a,
                                         c.services.agencies->Get(c.principal, c.Param("id")));
                return JsonResponse(200, wire::AgencyJson(a));
              },
              0, "verify an agency"});
}

}  // namespace canvass::api
