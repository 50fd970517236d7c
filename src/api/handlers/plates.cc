// Licence-plate reads: readers, ingest, reasoned search, hot lists and hits, sharing
// agreements, and the public transparency figures (docs/design/plates.md).
#include <charconv>

#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/plates_wire.h"
#include "api/wire/wire.h"
#include "common/encoding.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

StatusOr<Response> RegisterReader(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(plates::ReaderInput in, wire::ParseReaderInput(r));
  CANVASS_ASSIGN_OR_RETURN(auto created, c.services.plates->RegisterReader(c.principal, in));
  json::object o = wire::PlateReaderJson(created.reader);
  o["device_token"] = created.token;
  return JsonResponse(201, o);
}

StatusOr<Response> Ingest(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(auto reads, wire::ParseReadBatch(r));
  CANVASS_ASSIGN_OR_RETURN(auto result, c.services.plates->Ingest(c.principal, reads));
  return JsonResponse(200, json::object{{"received", result.received},
                                        {"stored", result.stored},
                                        {"duplicates", result.duplicates},
                                        {"hits", result.hits}});
}

StatusOr<Response> Search(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(plates::SearchInput in, wire::ParseSearchInput(r));
  CANVASS_ASSIGN_OR_RETURN(auto result, c.services.plates->Search(c.principal, in));
  if (result.decision.verdict != policy::PolicyDecision::Verdict::kAllowed) {
    json::object err{{"code", "POLICY_REFUSED"},
                     {"message", "the search was refused: " + result.decision.FailureSummary()}};
    return JsonResponse(
        422, json::object{{"error", err}, {"decision", json::parse(result.decision.ToJson())}});
  }
  return JsonResponse(200, wire::SearchResultJson(result));
}

StatusOr<Response> Crop(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(int64_t seq, ParseInteger(c.Param("seq"), "read", 1, INT64_MAX));
  CANVASS_ASSIGN_OR_RETURN(std::string jpeg, c.services.plates->Crop(c.principal, seq));
  Response r;
  r.content_type = "image/jpeg";
  r.body = std::move(jpeg);
  return r;
}

// Marks a read evidence of a case: retention no longer deletes it (docs/design/retention.md).
StatusOr<Response> AttachToCase(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(int64_t seq, ParseInteger(c.Param("seq"), "read", 1, INT64_MAX));
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(std::string case_number, r.RequiredString("case_number", 64));
  CANVASS_RETURN_IF_ERROR(r.Finish());
  CANVASS_ASSIGN_OR_RETURN(PlateRead read,
                           c.services.plates->AttachToCase(c.principal, seq, case_number));
  json::object o = wire::PlateReadJson(read);
  o["case_number"] = read.hold_case;
  return JsonResponse(200, o);
}

StatusOr<Response> CreateAgreement(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
  CANVASS_ASSIGN_OR_RETURN(SharingAgreement a, wire::ParseAgreement(r));
  CANVASS_ASSIGN_OR_RETURN(a, c.services.plates->CreateAgreement(c.principal, std::move(a)));
  return JsonResponse(201, wire::AgreementJson(a));
}

StatusOr<Response> ImportCsv(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(
      auto result, c.services.plates->ImportCsv(c.principal, c.Param("id"), c.request.body));
  json::array skipped;
  for (const auto& s : result.skipped) skipped.push_back(json::string(s));
  return JsonResponse(200, json::object{{"entries", result.entries}, {"skipped", skipped}});
}

}  // namespace

void RegisterPlateRoutes(Router& router) {
  const Access admins = Access::Roles({Role::kAgencyAdmin}).VerifiedAgency();
  const Access members =
      Access::Roles({Role::kOfficer, Role::kSupervisor, Role::kAgencyAdmin}).VerifiedAgency();
  const Access searchers = Access::Roles({Role::kOfficer, Role::kSupervisor}).VerifiedAgency();
  constexpr int64_t kBatchBody = 16 << 20;  // 1,000 reads with crops
  constexpr int64_t kCsvBody = 64 << 20;    // about 1 million hot-list rows

  router.Add({"POST", "/api/v1/plates/readers", admins, RegisterReader, 0,
              "register a licence-plate reader (returns its token once)"});
  router.Add({"GET", "/api/v1/plates/readers", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto readers, c.services.plates->ListReaders(c.principal));
                json::array out;
                for (const auto& r : readers) out.push_back(wire::PlateReaderJson(r));
                return JsonResponse(200, json::object{{"readers", out}});
              },
              0, "my agency's readers, with misread counts"});
  router.Add({"POST", "/api/v1/plates/reads", Access::Reader(), Ingest, kBatchBody,
              "a reader's batch of reads (idempotent by read id)"});
  router.Add({"POST", "/api/v1/plates/searches", searchers, Search, 0,
              "search reads: exact, wildcard or fuzzy, with offense type, reason and case"});
  router.Add(
      {"GET", "/api/v1/plates/reads/{seq}/crop", members, Crop, 0, "a read's crop image (logged)"});
  router.Add({"POST", "/api/v1/plates/reads/{seq}/case", searchers, AttachToCase, 0,
              "keep a read as evidence of a case (retention no longer deletes it)"});
  router.Add({"POST", "/api/v1/plates/agreements", admins, CreateAgreement, 0,
              "let other agencies search our reads"});
  router.Add({"DELETE", "/api/v1/plates/agreements/{id:agr}", admins,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_RETURN_IF_ERROR(
                    c.services.plates->RevokeAgreement(c.principal, c.Param("id")));
                return NoContent();
              },
              0, "revoke an agreement we made"});
  router.Add({"GET", "/api/v1/plates/agreements", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto all, c.services.plates->ListAgreements(c.principal));
                json::array out;
                for (const auto& a : all) out.push_back(wire::AgreementJson(a));
                return JsonResponse(200, json::object{{"agreements", out}});
              },
              0, "agreements we made or benefit from"});
  router.Add({"POST", "/api/v1/plates/hotlists", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
                CANVASS_ASSIGN_OR_RETURN(std::string name, r.RequiredString("name", 100));
                CANVASS_RETURN_IF_ERROR(r.Finish());
                CANVASS_ASSIGN_OR_RETURN(auto l,
                                         c.services.plates->CreateHotList(c.principal, name));
                return JsonResponse(201, wire::HotListJson(l));
              },
              0, "create a hot list"});
  router.Add({"GET", "/api/v1/plates/hotlists", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto lists, c.services.plates->ListHotLists(c.principal));
                json::array out;
                for (const auto& l : lists) out.push_back(wire::HotListJson(l));
                return JsonResponse(200, json::object{{"hotlists", out}});
              },
              0, "my agency's hot lists"});
  router.Add({"GET", "/api/v1/plates/hotlists/{id:hot}/entries", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(
                    auto entries, c.services.plates->ListEntries(c.principal, c.Param("id")));
                json::array out;
                for (const auto& e : entries) out.push_back(wire::HotListEntryJson(e));
                return JsonResponse(200, json::object{{"entries", out}});
              },
              0, "a hot list's entries"});
  router.Add({"POST", "/api/v1/plates/hotlists/{id:hot}/entries", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
                CANVASS_ASSIGN_OR_RETURN(HotListEntry e, wire::ParseHotListEntry(r));
                CANVASS_ASSIGN_OR_RETURN(
                    e, c.services.plates->AddEntry(c.principal, c.Param("id"), std::move(e)));
                return JsonResponse(201, wire::HotListEntryJson(e));
              },
              0, "add one entry"});
  router.Add({"DELETE", "/api/v1/plates/hotlists/{id:hot}/entries/{entry:hle}", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_RETURN_IF_ERROR(
                    c.services.plates->RemoveEntry(c.principal, c.Param("id"), c.Param("entry")));
                return NoContent();
              },
              0, "remove one entry"});
  router.Add({"PUT", "/api/v1/plates/hotlists/{id:hot}/csv", members, ImportCsv, kCsvBody,
              "replace the whole list from CSV (plate,state,reason,source,expires,notes)"});
  router.Add({"GET", "/api/v1/plates/hits", members,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto limit, QueryInteger(c.request, "limit", 1, 1000));
                CANVASS_ASSIGN_OR_RETURN(
                    auto hits, c.services.plates->ListHits(c.principal, limit.value_or(100)));
                json::array out;
                for (const auto& h : hits) out.push_back(wire::HitJson(h));
                return JsonResponse(200, json::object{{"hits", out}});
              },
              0, "hot-list hits on my agency's lists, newest first"});
  router.Add({"POST", "/api/v1/plates/hits/{id:hit}/decide", searchers,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
                CANVASS_ASSIGN_OR_RETURN(std::string status, r.RequiredString("status", 20));
                CANVASS_RETURN_IF_ERROR(r.Finish());
                CANVASS_RETURN_IF_ERROR(
                    c.services.plates->DecideHit(c.principal, c.Param("id"), status));
                return NoContent();
              },
              0, "confirm a hit against its crop, or mark it a misread"});
  router.Add({"GET", "/api/v1/public/plates/transparency", Access::Public(),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto all, c.services.plates->Transparency());
                json::array out;
                for (const auto& t : all)
                  out.push_back(wire::TransparencyJson(t, *c.services.config));
                return JsonResponse(200, json::object{{"agencies", out}});
              },
              0, "per agency: readers, reads, hits, searches by offense, sharing, retention"});
}

}  // namespace canvass::api
