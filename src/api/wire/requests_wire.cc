#include "api/wire/requests_wire.h"

#include "api/wire/wire.h"
#include "common/time_format.h"

namespace canvass::api::wire {
namespace json = boost::json;

namespace {

json::object AreaJson(const FootageRequest& r) {
  return {{"center", {{"lat", r.center.lat_deg}, {"lng", r.center.lng_deg}}},
          {"radius_m", r.radius_m}};
}

// The fields every view of a request shares.
json::object RequestCommon(const FootageRequest& r) {
  json::object o{{"id", r.id},
                 {"incident_type", r.incident_type},
                 {"description", r.description},
                 {"area", AreaJson(r)},
                 {"window", {{"from", FormatRfc3339(r.from_us)}, {"to", FormatRfc3339(r.to_us)}}},
                 {"status", RequestStatusName(r.status)},
                 {"created_at", FormatRfc3339(r.created_at_us)},
                 {"expires_at", FormatRfc3339(r.expires_at_us)}};
  if (r.closed_at_us) o["closed_at"] = FormatRfc3339(r.closed_at_us);
  return o;
}

}  // namespace

json::value CountJson(int64_t n) {
  if (n < requests::kSmallCount) return json::string("fewer than 5");
  return n;
}

json::object CountsJson(const RequestCounts& c) {
  return {{"cameras_notified", CountJson(c.cameras_notified)},
          {"owners_shared", CountJson(c.owners_shared)},
          {"clips_shared", CountJson(c.clips_shared)}};
}

json::value DecisionJson(const std::string& decision_json) {
  boost::system::error_code ec;
  json::value v = json::parse(decision_json, ec);
  return ec ? json::value(nullptr) : v;
}

json::object AgencyRequestJson(const requests::AgencyView& v) {
  const FootageRequest& r = v.request;
  json::object o = RequestCommon(r);
  o["agency_id"] = r.agency_id;
  o["case_number"] = r.case_number;
  o["filed_by"] = r.officer_id;
  o["decision"] = DecisionJson(r.decision_json);
  if (!r.decided_by.empty()) {
    o["reviewed"] = {
        {"by", r.decided_by}, {"at", FormatRfc3339(r.decided_at_us)}, {"note", r.decision_note}};
  }
  o["counts"] = CountsJson(v.counts);
  return o;
}

json::object PublicRequestJson(const requests::PublicView& v) {
  json::object o = RequestCommon(v.request);
  o["agency"] = v.agency_name;
  o["counts"] = CountsJson(v.counts);
  return o;
}

json::object InboxEntryJson(const requests::InboxEntry& e) {
  json::object o = RequestCommon(e.request);
  o["agency"] = e.agency_name;
  json::array cams;
  for (const auto& c : e.notification.camera_ids) cams.push_back(json::string(c));
  o["my_cameras"] = cams;
  o["my_answer"] = NotificationStatusName(e.notification.status);
  o["asked_at"] = FormatRfc3339(e.notification.created_at_us);
  if (e.notification.responded_at_us) {
    o["answered_at"] = FormatRfc3339(e.notification.responded_at_us);
  }
  return o;
}

json::object ShareJson(const Share& s) {
  return {{"id", s.id},
          {"request_id", s.request_id},
          {"clip_id", s.clip_id},
          {"camera_id", s.camera_id},
          {"evidence_id", s.evidence_id},
          {"shared_at", FormatRfc3339(s.created_at_us)}};
}

json::object EvidenceJson(const EvidenceItem& e) {
  json::object o{{"id", e.id},
                 {"request_id", e.request_id},
                 {"case_number", e.case_number},
                 {"sha256", e.content_sha256},
                 {"size_bytes", e.size_bytes},
                 {"container", e.container},
                 {"recorded_from", FormatRfc3339(e.started_at_us)},
                 {"recorded_to", FormatRfc3339(e.ended_at_us)},
                 {"faces_blurred", e.blur_faces},
                 {"audio_muted", e.mute_audio},
                 {"shared_at", FormatRfc3339(e.created_at_us)}};
  o["owner_contact"] = e.contact_json.empty() ? json::value(nullptr) : DecisionJson(e.contact_json);
  return o;
}

json::object CustodyJson(const CustodyEvent& e) {
  return {{"at", FormatRfc3339(e.at_us)},
          {"action", e.action},
          {"actor_role", e.actor_role},
          {"actor_id", e.actor_id.empty() ? json::value(nullptr) : json::value(e.actor_id)}};
}

StatusOr<requests::RequestInput> ParseRequestInput(JsonObjectReader& r) {
  requests::RequestInput in;
  CANVASS_ASSIGN_OR_RETURN(in.case_number, r.RequiredString("case_number", 64));
  CANVASS_ASSIGN_OR_RETURN(in.incident_type, r.RequiredString("incident_type", 64));
  CANVASS_ASSIGN_OR_RETURN(in.description, r.RequiredString("description", 2000));
  const json::value* center = r.Value("center");
  if (!center) return InvalidArgumentError("field 'center' is required");
  CANVASS_ASSIGN_OR_RETURN(in.center, ParsePoint(*center, "center"));
  CANVASS_ASSIGN_OR_RETURN(in.radius_m, r.RequiredDouble("radius_m"));
  CANVASS_ASSIGN_OR_RETURN(auto from, ParseTime(r, "from"));
  CANVASS_ASSIGN_OR_RETURN(auto to, ParseTime(r, "to"));
  if (auto h = r.Int("expires_in_h")) {
    if (*h < 1 || *h > 24 * 365)
      return InvalidArgumentError("field 'expires_in_h' must be 1 or more hours");
    in.expiry_h = static_cast<int>(*h);
  }
  CANVASS_RETURN_IF_ERROR(r.Finish());
  if (!from || !to) return InvalidArgumentError("fields 'from' and 'to' are required");
  in.from_us = *from;
  in.to_us = *to;
  return in;
}

StatusOr<requests::ShareOptions> ParseShareOptions(JsonObjectReader& r) {
  requests::ShareOptions o;
  o.blur_faces = r.Bool("blur_faces").value_or(false);
  o.mute_audio = r.Bool("mute_audio").value_or(false);
  if (const json::value* c = r.Value("contact")) {
    const json::object* obj = c->if_object();
    if (!obj) return InvalidArgumentError("field 'contact' must be an object");
    requests::Contact contact;
    for (const auto& [k, v] : *obj) {
      if (!v.is_string())
        return InvalidArgumentError("contact." + std::string(k) + " must be a string");
      if (k == "name")
        contact.name = v.as_string();
      else if (k == "phone")
        contact.phone = v.as_string();
      else if (k == "email")
        contact.email = v.as_string();
      else
        return InvalidArgumentError("unknown field contact." + std::string(k));
    }
    o.contact = contact;
  }
  return o;
}

}  // namespace canvass::api::wire
