// Legal demands (legal staff), emergency requests (officers), the demands a resident was told
// of, and the public feed of emergency disclosures (docs/design/legal.md).
#include "api/http_status.h"
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/legal_wire.h"
#include "legal/demand_service.h"
#include "legal/production_service.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> DemandResponse(Context& c, const std::string& id, int status = 200) {
  CANVASS_ASSIGN_OR_RETURN(auto v, c.services.demands->Get(c.principal, id));
  if (c.principal.HasRole(Role::kLegal)) return JsonResponse(status, wire::DemandJson(v));
  return JsonResponse(status, wire::AgencyDemandJson(v.demand));
}

StatusOr<Response> Record(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(legal::DemandInput in, wire::ParseDemandInput(r));
  CANVASS_ASSIGN_OR_RETURN(Demand d, c.services.demands->Record(c.principal, std::move(in)));
  return DemandResponse(c, d.id, 201);
}

StatusOr<Response> List(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
  const std::string* agency = c.request.Query("agency_id");
  const std::string* type = c.request.Query("type");
  CANVASS_ASSIGN_OR_RETURN(
      auto demands, c.services.demands->List(c.principal, agency ? *agency : "",
                                             type ? *type : "", static_cast<int>(limit.value_or(100))));
  json::array out;
  for (const auto& d : demands) out.push_back(wire::AgencyDemandJson(d));
  return JsonResponse(200, json::object{{"demands", out}});
}

StatusOr<Response> Decide(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(legal::Decision d, wire::ParseDecision(r));
  CANVASS_RETURN_IF_ERROR(
      c.services.demands->Decide(c.principal, c.Param("id"), std::move(d)).status());
  return DemandResponse(c, c.Param("id"));
}

StatusOr<Response> AttachDocument(Context& c) {
  const std::string* name = c.request.Query("filename");
  CANVASS_ASSIGN_OR_RETURN(auto doc, c.services.demands->AttachDocument(
                                         c.principal, c.Param("id"),
                                         name ? *name : "document.pdf", c.request.body));
  return JsonResponse(201, json::object{{"id", doc.id},
                                        {"filename", doc.filename},
                                        {"sha256", doc.sha256},
                                        {"size_bytes", doc.size_bytes}});
}

StatusOr<Response> ReadDocument(Context& c) {
  DemandDocument doc;
  CANVASS_ASSIGN_OR_RETURN(std::string bytes,
                           c.services.demands->ReadDocument(c.principal, c.Param("id"),
                                                            c.Param("doc"), &doc));
  Response out;
  out.content_type = "application/pdf";
  out.AddHeader("Content-Disposition", "attachment; filename=\"" + doc.filename + "\"");
  out.body = std::move(bytes);
  return out;
}

StatusOr<Response> Produce(Context& c) {
  CANVASS_RETURN_IF_ERROR(
      c.services.productions->Produce(c.principal, c.Param("id")).status());
  return DemandResponse(c, c.Param("id"));
}

StatusOr<Response> DownloadProduction(Context& c) {
  Demand d;
  CANVASS_ASSIGN_OR_RETURN(std::string tar,
                           c.services.productions->Download(c.principal, c.Param("id"), &d));
  Response out;
  out.content_type = "application/x-tar";
  out.AddHeader("Content-Disposition", "attachment; filename=\"" + d.production_name + ".tar\"");
  out.body = std::move(tar);
  return out;
}

StatusOr<Response> Followup(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(std::string followup, r.RequiredString("demand_id", 64));
  CANVASS_RETURN_IF_ERROR(r.Finish());
  CANVASS_RETURN_IF_ERROR(
      c.services.demands->LinkFollowup(c.principal, c.Param("id"), followup).status());
  return DemandResponse(c, c.Param("id"));
}

StatusOr<Response> FileEmergency(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(legal::EmergencyInput in, wire::ParseEmergencyInput(r));
  CANVASS_ASSIGN_OR_RETURN(Demand d, c.services.demands->FileEmergency(c.principal, std::move(in)));
  return JsonResponse(201, wire::AgencyDemandJson(d));
}

}  // namespace

void RegisterLegalRoutes(Router& router) {
  const Access legal = Access::Roles({Role::kLegal});
  const Access legal_or_members = Access::Roles(
      {Role::kLegal, Role::kOfficer, Role::kSupervisor, Role::kAgencyAdmin}).VerifiedAgency();
  const Access filers = Access::Roles({Role::kOfficer, Role::kSupervisor}).VerifiedAgency();
  router.Add({"POST", "/api/v1/legal/demands", legal, Record, 0,
              "record a legal demand with its scope and what its documents allow"});
  router.Add({"GET", "/api/v1/legal/demands", legal_or_members, List, 0,
              "demands, newest first (legal staff: all, ?agency_id=, ?type=; agencies: their own)"});
  router.Add({"GET", "/api/v1/legal/demands/{id:dem}", legal_or_members,
              [](Context& c) { return DemandResponse(c, c.Param("id")); }, 0,
              "one demand (legal staff see documents and notices)"});
  router.Add({"POST", "/api/v1/legal/demands/{id:dem}/decision", legal, Decide, 0,
              "accept, narrow or reject a demand, with a reason"});
  router.Add({"POST", "/api/v1/legal/demands/{id:dem}/documents", legal, AttachDocument,
              kDocumentSizedBody, "attach a PDF (the body; ?filename=)"});
  router.Add({"GET", "/api/v1/legal/demands/{id:dem}/documents/{doc:doc}", legal, ReadDocument, 0,
              "download an attached document"});
  router.Add({"POST", "/api/v1/legal/demands/{id:dem}/production", legal, Produce, 0,
              "produce an accepted demand as a signed package"});
  router.Add({"GET", "/api/v1/legal/demands/{id:dem}/production", legal, DownloadProduction, 0,
              "download the production package (tar)"});
  router.Add({"POST", "/api/v1/legal/demands/{id:dem}/followup", legal, Followup, 0,
              "link the legal process that followed an emergency disclosure"});
  router.Add({"POST", "/api/v1/emergency-requests", filers, FileEmergency, 0,
              "file an emergency request with a signed attestation of imminent danger"});
  router.Add({"GET", "/api/v1/me/demands", Access::Roles({Role::kResident}),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
                CANVASS_ASSIGN_OR_RETURN(
                    auto views, c.services.demands->ForResident(
                                    c.principal, static_cast<int>(limit.value_or(100))));
                json::array out;
                for (const auto& v : views) out.push_back(wire::ResidentDemandJson(v));
                return JsonResponse(200, json::object{{"demands", out}});
              },
              0, "every demand I was told of"});
  router.Add({"GET", "/api/v1/public/emergencies", Access::Public(),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
                CANVASS_ASSIGN_OR_RETURN(auto ds, c.services.demands->PublicEmergencies(
                                                      static_cast<int>(limit.value_or(100))));
                json::array out;
                const int64_t now = c.services.clock->NowMicros();
                for (const auto& d : ds) out.push_back(wire::PublicEmergencyJson(d, now));
                return JsonResponse(200, json::object{{"emergencies", out}});
              },
              0, "emergency disclosures and whether legal process followed"});
}

}  // namespace canvass::api
