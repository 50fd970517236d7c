// Community footage requests as police file and follow them, and the public feed.
// Police see their own agency's requests and counts only (docs/design/requests.md).
#include "api/http_status.h"
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/requests_wire.h"
#include "api/wire/wire.h"
#include "common/time_format.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> File(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(requests::RequestInput in, wire::ParseRequestInput(r));
  CANVASS_ASSIGN_OR_RETURN(requests::FiledRequest filed,
                           c.services.requests->File(c.principal, in));
  if (!filed.request) {
    // Refused by policy: the answer explains every rule, as the audit log does.
    json::object err{{"code", "POLICY_REFUSED"},
                     {"message", "the request was refused: " + filed.decision.FailureSummary()}};
    return JsonResponse(
        422,
        json::object{{"error", err}, {"decision", wire::DecisionJson(filed.decision.ToJson())}});
  }
  CANVASS_ASSIGN_OR_RETURN(auto view, c.services.requests->Get(c.principal, filed.request->id));
  return JsonResponse(201, wire::AgencyRequestJson(view));
}

StatusOr<Response> Decide(Context& c, bool approve) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body, /*allow_empty=*/true));
  std::string note = r.String("note", 2000).value_or("");
  CANVASS_RETURN_IF_ERROR(r.Finish());
  auto* svc = c.services.requests;
  CANVASS_ASSIGN_OR_RETURN(auto view, approve ? svc->Approve(c.principal, c.Param("id"), note)
                                              : svc->Reject(c.principal, c.Param("id"), note));
  return JsonResponse(200, wire::AgencyRequestJson(view));
}

}  // namespace

void RegisterRequestRoutes(Router& router) {
  const Access filers = Access::Roles({Role::kOfficer, Role::kSupervisor}).VerifiedAgency();
  const Access members =
      Access::Roles({Role::kOfficer, Role::kSupervisor, Role::kAgencyAdmin}).VerifiedAgency();
  const Access supervisors = Access::Roles({Role::kSupervisor}).VerifiedAgency();
  router.Add({"POST", "/api/v1/requests", filers, File, 0,
              "file a footage request (policy decides: allowed, needs approval, refused)"});
  router.Add({"GET", "/api/v1/requests", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
                CANVASS_ASSIGN_OR_RETURN(
                    auto views, c.services.requests->List(c.principal, limit.value_or(100)));
                json::array out;
                for (const auto& v : views) out.push_back(wire::AgencyRequestJson(v));
                return JsonResponse(200, json::object{{"requests", out}});
              },
              0, "my agency's requests, newest first"});
  router.Add({"GET", "/api/v1/requests/{id:req}", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto v,
                                         c.services.requests->Get(c.principal, c.Param("id")));
                return JsonResponse(200, wire::AgencyRequestJson(v));
              },
              0, "one request with its decision and counts"});
  router.Add({"POST", "/api/v1/requests/{id:req}/approve", supervisors,
              [](Context& c) { return Decide(c, true); }, 0,
              "approve a request awaiting approval (not one's own)"});
  router.Add({"POST", "/api/v1/requests/{id:req}/reject", supervisors,
              [](Context& c) { return Decide(c, false); }, 0,
              "reject a request awaiting approval"});
  router.Add({"POST", "/api/v1/requests/{id:req}/close", filers,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto v,
                                         c.services.requests->Close(c.principal, c.Param("id")));
                return JsonResponse(200, wire::AgencyRequestJson(v));
              },
              0, "close a request (it stays on the public feed)"});

  router.Add({"GET", "/api/v1/public/requests", Access::Public(),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 500));
                int64_t before = 0;
                if (auto* b = c.request.Query("before")) {
                  CANVASS_ASSIGN_OR_RETURN(before, ParseRfc3339(*b));
                }
                CANVASS_ASSIGN_OR_RETURN(
                    auto views, c.services.requests->PublicFeed(before, limit.value_or(100)));
                json::array out;
                for (const auto& v : views) out.push_back(wire::PublicRequestJson(v));
                return JsonResponse(200, json::object{{"requests", out}});
              },
              0, "every request that reached owners: area to about 100 m, counts only"});
}

}  // namespace canvass::api
