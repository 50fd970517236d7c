#include "api/wire/legal_wire.h"

#include "api/wire/wire.h"
#include "common/time_format.h"

namespace canvass::api::wire {
namespace json = boost::json;

namespace {

StatusOr<std::vector<std::string>> Strings(const json::object& o, const char* key,
                                           const std::string& where) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v) return out;
  if (!v->is_array()) return InvalidArgumentError(where + "." + key + " must be an array of strings");
  for (const auto& e : v->as_array()) {
    if (!e.is_string() || e.as_string().size() > 64) {
      return InvalidArgumentError(where + "." + key + " must be an array of short strings");
    }
    out.emplace_back(e.as_string());
  }
  return out;
}

json::array Array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

json::value Time(int64_t us) { return us ? json::value(FormatRfc3339(us)) : json::value(nullptr); }

}  // namespace

StatusOr<DemandScope> ParseDemandScope(const json::value& v, const char* field) {
  const std::string where(field);
  const json::object* o = v.if_object();
  if (!o) return InvalidArgumentError("field '" + where + "' must be an object");
  static const char* kKeys[] = {"subscriber", "content", "account_ids", "camera_ids",
                                "plates",     "from",    "to"};
  for (const auto& [k, _] : *o) {
    bool known = false;
    for (const char* key : kKeys) known = known || k == key;
    if (!known) return InvalidArgumentError(where + ": unknown field '" + std::string(k) + "'");
  }
  DemandScope s;
  for (auto [key, out] : {std::pair{"subscriber", &s.subscriber}, std::pair{"content", &s.content}}) {
    if (const json::value* b = o->if_contains(key)) {
      if (!b->is_bool()) return InvalidArgumentError(where + "." + key + " must be true or false");
      *out = b->as_bool();
    }
  }
  CANVASS_ASSIGN_OR_RETURN(s.account_ids, Strings(*o, "account_ids", where));
  CANVASS_ASSIGN_OR_RETURN(s.camera_ids, Strings(*o, "camera_ids", where));
  CANVASS_ASSIGN_OR_RETURN(s.plates, Strings(*o, "plates", where));
  for (auto [key, out] : {std::pair{"from", &s.from_us}, std::pair{"to", &s.to_us}}) {
    if (const json::value* t = o->if_contains(key)) {
      if (!t->is_string()) return InvalidArgumentError(where + "." + key + " must be an RFC 3339 time");
      auto parsed = ParseRfc3339(t->as_string());
      if (!parsed.ok()) {
        return InvalidArgumentError(where + "." + key + ": " + parsed.status().message());
      }
      *out = *parsed;
    }
  }
  return s;
}

json::object DemandScopeJson(const DemandScope& s) {
  return {{"subscriber", s.subscriber},  {"content", s.content},
          {"account_ids", Array(s.account_ids)}, {"camera_ids", Array(s.camera_ids)},
          {"plates", Array(s.plates)},   {"from", Time(s.from_us)},
          {"to", Time(s.to_us)}};
}

StatusOr<legal::DemandInput> ParseDemandInput(JsonObjectReader& r) {
  legal::DemandInput in;
  CANVASS_ASSIGN_OR_RETURN(std::string type, r.RequiredString("type", 32));
  CANVASS_ASSIGN_OR_RETURN(in.type, ParseDemandType(type));
  CANVASS_ASSIGN_OR_RETURN(in.agency_id, r.RequiredString("agency_id", 64));
  CANVASS_ASSIGN_OR_RETURN(in.issuing_authority, r.RequiredString("issuing_authority", 200));
  CANVASS_ASSIGN_OR_RETURN(in.docket_number, r.RequiredString("docket_number", 100));
  in.case_number = r.String("case_number", 64).value_or("");
  in.follows_demand_id = r.String("follows_demand_id", 64).value_or("");
  CANVASS_ASSIGN_OR_RETURN(auto issued, ParseTime(r, "issued_at"));
  CANVASS_ASSIGN_OR_RETURN(auto ndo, ParseTime(r, "nondisclosure_until"));
  in.issued_at_us = issued.value_or(0);
  in.nondisclosure_until_us = ndo.value_or(0);
  const json::value* scope = r.Value("scope");
  const json::value* authorized = r.Value("authorized");
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (!scope) return InvalidArgumentError("field 'scope' is required");
  if (!authorized) {
    return InvalidArgumentError(
        "field 'authorized' is required: what the attached documents allow, as transcribed");
  }
  CANVASS_ASSIGN_OR_RETURN(in.scope, ParseDemandScope(*scope, "scope"));
  CANVASS_ASSIGN_OR_RETURN(in.authorized, ParseDemandScope(*authorized, "authorized"));
  return in;
}

StatusOr<legal::EmergencyInput> ParseEmergencyInput(JsonObjectReader& r) {
  legal::EmergencyInput in;
  in.case_number = r.String("case_number", 64).value_or("");
  CANVASS_ASSIGN_OR_RETURN(in.attestation, r.RequiredString("attestation", 8000));
  CANVASS_ASSIGN_OR_RETURN(in.signature, r.RequiredString("signature", 200));
  in.imminent_danger = r.Bool("imminent_danger").value_or(false);
  const json::value* scope = r.Value("scope");
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (!scope) return InvalidArgumentError("field 'scope' is required");
  CANVASS_ASSIGN_OR_RETURN(in.scope, ParseDemandScope(*scope, "scope"));
  return in;
}

StatusOr<legal::Decision> ParseDecision(JsonObjectReader& r) {
  legal::Decision d;
  CANVASS_ASSIGN_OR_RETURN(std::string outcome, r.RequiredString("outcome", 16));
  if (outcome == "accept") {
    d.outcome = legal::Decision::Outcome::kAccept;
  } else if (outcome == "narrow") {
    d.outcome = legal::Decision::Outcome::kNarrow;
  } else if (outcome == "reject") {
    d.outcome = legal::Decision::Outcome::kReject;
  } else {
    return InvalidArgumentError("field 'outcome' must be accept, narrow or reject");
  }
  CANVASS_ASSIGN_OR_RETURN(d.reason, r.RequiredString("reason", 4000));
  const json::value* scope = r.Value("scope");
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (scope) {
    CANVASS_ASSIGN_OR_RETURN(auto s, ParseDemandScope(*scope, "scope"));
    d.scope = std::move(s);
  }
  return d;
}

json::object AgencyDemandJson(const Demand& d) {
  json::object o{{"id", d.id},
                 {"type", DemandTypeName(d.type)},
                 {"status", DemandStatusName(d.status)},
                 {"agency_id", d.agency_id},
                 {"issuing_authority", d.issuing_authority},
                 {"docket_number", d.docket_number},
                 {"case_number", d.case_number},
                 {"scope", DemandScopeJson(d.scope)},
                 {"narrowed", d.narrowed},
                 {"decision_reason", d.decision_reason},
                 {"decided_at", Time(d.decided_at_us)},
                 {"created_at", FormatRfc3339(d.created_at_us)},
                 {"produced_at", Time(d.produced_at_us)},
                 {"followup_due", Time(d.followup_due_us)},
                 {"followup_demand_id", d.followup_demand_id},
                 {"flagged_at", Time(d.flagged_at_us)},
                 {"follows_demand_id", d.follows_demand_id}};
  if (d.status == DemandStatus::kAccepted || d.status == DemandStatus::kProduced) {
    o["decided"] = DemandScopeJson(d.decided);
  }
  if (d.type == DemandType::kEmergency) {
    o["attestation"] = d.attestation;
    o["signature"] = d.attestation_signature;
    o["attested_at"] = Time(d.attested_at_us);
  }
  return o;
}

json::object DemandJson(const legal::DemandView& v) {
  const Demand& d = v.demand;
  json::object o = AgencyDemandJson(d);
  o["authorized"] = DemandScopeJson(d.authorized);
  o["decided_by"] = d.decided_by;
  o["recorded_by"] = d.recorded_by;
  o["issued_at"] = Time(d.issued_at_us);
  o["nondisclosure_until"] = Time(d.nondisclosure_until_us);
  o["users_affected"] = d.users_affected;
  o["attested_by"] = d.attested_by;
  o["production"] = d.production_name.empty()
                        ? json::value(nullptr)
                        : json::value(json::object{{"name", d.production_name},
                                                   {"sha256", d.production_sha256},
                                                   {"items", d.production_items},
                                                   {"withheld", d.production_withheld}});
  json::array docs;
  for (const auto& doc : v.documents) {
    docs.push_back({{"id", doc.id},
                    {"filename", doc.filename},
                    {"sha256", doc.sha256},
                    {"size_bytes", doc.size_bytes},
                    {"uploaded_at", FormatRfc3339(doc.uploaded_at_us)}});
  }
  o["documents"] = docs;
  json::array notices;
  for (const auto& n : v.notices) {
    notices.push_back({{"account_id", n.account_id},
                       {"status", NoticeStatusName(n.status)},
                       {"due_at", Time(n.due_at_us)},
                       {"sent_at", Time(n.sent_at_us)}});
  }
  o["notices"] = notices;
  return o;
}

json::object ResidentDemandJson(const legal::ResidentDemandView& v) {
  const Demand& d = v.demand;
  return {{"id", d.id},
          {"type", DemandTypeName(d.type)},
          {"status", DemandStatusName(d.status)},
          {"agency", v.agency_name},
          {"issuing_authority", d.issuing_authority},
          {"docket_number", d.docket_number},
          {"narrowed", d.narrowed},
          {"subscriber", d.decided.subscriber},
          {"content", d.decided.content},
          {"my_account_ids", Array(v.my_account_ids)},
          {"my_camera_ids", Array(v.my_camera_ids)},
          {"from", Time(d.decided.from_us)},
          {"to", Time(d.decided.to_us)},
          {"told_at", Time(v.notice.sent_at_us)},
          {"delayed_by_nondisclosure_order", v.notice.due_at_us != 0},
          {"produced_at", Time(d.produced_at_us)}};
}

json::object PublicEmergencyJson(const Demand& d, int64_t now_us) {
  // Flagged stays visible even once late process arrives: the deadline was missed.
  std::string followup = !d.followup_demand_id.empty() ? "followed_by_legal_process"
                         : d.flagged_at_us            ? "no_legal_process"
                                                      : "awaiting_legal_process";
  return {{"id", d.id},
          {"agency_id", d.agency_id},
          {"requested_at", FormatRfc3339(d.created_at_us)},
          {"disclosed_at", Time(d.produced_at_us)},
          {"legal_process_due", Time(d.followup_due_us)},
          {"followup", followup},
          {"flagged_at", Time(d.flagged_at_us)},
          {"overdue", d.followup_demand_id.empty() && d.followup_due_us != 0 &&
                          d.followup_due_us <= now_us},
          {"items_disclosed", d.production_items}};
}

}  // namespace canvass::api::wire
